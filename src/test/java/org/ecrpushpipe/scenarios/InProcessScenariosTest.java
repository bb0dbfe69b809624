package org.ecrpushpipe.scenarios;

import org.ecrpushpipe.testbed.EcrBed;

/** The scenarios with the pipe in the test's own JVM: the fastest layer, run before packaging. */
class InProcessScenariosTest extends PipeScenarios {
    InProcessScenariosTest(EcrBed bed) {
        super(bed);
    }

    @Override
    protected Launcher launcher() {
        return new InProcessLauncher();
    }
}
