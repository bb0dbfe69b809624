package org.ecrpushpipe.scenarios;

import org.ecrpushpipe.testbed.EcrBed;

/** Build secrets with the packaged pipe ({@code java -jar quarkus-run.jar}) as a separate process. */
class JarSecretsIT extends SecretScenarios {
    JarSecretsIT(EcrBed bed) {
        super(bed);
    }

    @Override
    protected Launcher launcher() {
        return new JarLauncher();
    }
}
