package org.ecrpushpipe.scenarios;

import org.ecrpushpipe.testbed.EcrBed;

/** Build secrets with the pipe in the test's own JVM. */
class InProcessSecretsTest extends SecretScenarios {
    InProcessSecretsTest(EcrBed bed) {
        super(bed);
    }

    @Override
    protected Launcher launcher() {
        return new InProcessLauncher();
    }
}
