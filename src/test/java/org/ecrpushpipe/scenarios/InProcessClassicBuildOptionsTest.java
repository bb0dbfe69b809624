package org.ecrpushpipe.scenarios;

import org.ecrpushpipe.testbed.EcrBed;

/** The build options with the pipe in the test's own JVM, building with the classic builder. */
class InProcessClassicBuildOptionsTest extends BuildOptionsScenarios {
    InProcessClassicBuildOptionsTest(EcrBed bed) {
        super(bed);
    }

    @Override
    protected Launcher launcher() {
        return new InProcessLauncher();
    }

    @Override
    protected Builder builder() {
        return Builder.CLASSIC;
    }
}
