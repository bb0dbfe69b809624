package org.ecrpushpipe.scenarios;

import org.ecrpushpipe.testbed.EcrBed;

/** The scenarios with the pipe in the test's own JVM, building with the classic builder, always with DEBUG=true. */
class InProcessClassicScenariosTest extends PipeScenarios {
    InProcessClassicScenariosTest(EcrBed bed) {
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

    @Override
    protected boolean debugAlways() {
        return true;
    }
}
