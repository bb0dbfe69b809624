package org.ecrpushpipe.scenarios;

import org.ecrpushpipe.testbed.EcrBed;

/** The build-option scenarios with the pipe in the test's own JVM. */
class InProcessBuildOptionsTest extends BuildOptionsScenarios {
    InProcessBuildOptionsTest(EcrBed bed) {
        super(bed);
    }

    @Override
    protected Launcher launcher() {
        return new InProcessLauncher();
    }
}
