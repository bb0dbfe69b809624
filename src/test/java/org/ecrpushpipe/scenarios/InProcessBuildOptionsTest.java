package org.ecrpushpipe.scenarios;

import org.ecrpushpipe.testbed.EcrBed;

/** The build options with the pipe in the test's own JVM, building with BuildKit (the default). */
class InProcessBuildOptionsTest extends BuildOptionsScenarios {
    InProcessBuildOptionsTest(EcrBed bed) {
        super(bed);
    }

    @Override
    protected Launcher launcher() {
        return new InProcessLauncher();
    }

    @Override
    protected Builder builder() {
        return Builder.BUILDKIT;
    }
}
