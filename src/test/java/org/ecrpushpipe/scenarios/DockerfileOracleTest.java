package org.ecrpushpipe.scenarios;

import org.ecrpushpipe.testbed.EcrBed;

/** The oracle table with the pipe in the test's JVM. */
class DockerfileOracleTest extends DockerfileOracleScenarios {
    DockerfileOracleTest(EcrBed bed) {
        super(bed);
    }

    @Override
    protected Launcher launcher() {
        return new InProcessLauncher();
    }
}
