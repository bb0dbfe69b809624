package org.ecrpushpipe.scenarios;

import org.ecrpushpipe.testbed.EcrBed;

/** The build-option scenarios with the packaged pipe ({@code java -jar quarkus-run.jar}) as a separate process. */
class JarBuildOptionsIT extends BuildOptionsScenarios {
    JarBuildOptionsIT(EcrBed bed) {
        super(bed);
    }

    @Override
    protected Launcher launcher() {
        return new JarLauncher();
    }
}
