package org.ecrpushpipe.scenarios;

import org.ecrpushpipe.testbed.EcrBed;

/** The report scenarios with the pipe in the test's own JVM, the proxy's address in REPORT_PROXY. */
class InProcessReportTest extends ReportScenarios {
    InProcessReportTest(EcrBed bed) {
        super(bed);
    }

    @Override
    protected Launcher launcher() {
        return new InProcessLauncher();
    }
}
