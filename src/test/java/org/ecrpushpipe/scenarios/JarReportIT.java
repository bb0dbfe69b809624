package org.ecrpushpipe.scenarios;

import org.ecrpushpipe.testbed.EcrBed;

/** The report scenarios with the packaged pipe ({@code java -jar quarkus-run.jar}), the proxy in REPORT_PROXY. */
class JarReportIT extends ReportScenarios {
    JarReportIT(EcrBed bed) {
        super(bed);
    }

    @Override
    protected Launcher launcher() {
        return new JarLauncher();
    }
}
