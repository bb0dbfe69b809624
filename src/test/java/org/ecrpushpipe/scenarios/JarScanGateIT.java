package org.ecrpushpipe.scenarios;

import org.ecrpushpipe.testbed.EcrBed;

/** The scan gate with the packaged pipe ({@code java -jar quarkus-run.jar}) as a separate process. */
class JarScanGateIT extends ScanGateScenarios {
    JarScanGateIT(EcrBed bed) {
        super(bed);
    }

    @Override
    protected Launcher launcher() {
        return new JarLauncher();
    }
}
