package org.ecrpushpipe.scenarios;

import java.util.List;

import org.ecrpushpipe.testbed.EcrBed;

/** The oracle table with the packaged pipe ({@code java -jar quarkus-run.jar}) as a separate process. */
class JarDockerfileOracleIT extends DockerfileOracleScenarios {
    JarDockerfileOracleIT(EcrBed bed) {
        super(bed);
    }

    @Override
    protected List<OracleRow> table() {
        return OracleTable.launcherRows();
    }

    @Override
    protected Launcher launcher() {
        return new JarLauncher();
    }
}
