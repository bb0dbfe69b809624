package org.ecrpushpipe.scenarios;

import org.ecrpushpipe.testbed.EcrBed;

/** The scan gate with the pipe in the test's own JVM. */
class InProcessScanGateTest extends ScanGateScenarios {
    InProcessScanGateTest(EcrBed bed) {
        super(bed);
    }

    @Override
    protected Launcher launcher() {
        return new InProcessLauncher();
    }
}
