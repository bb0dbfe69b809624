package org.ecrpushpipe.scenarios;

import java.util.List;

import org.ecrpushpipe.image.PipeImage;
import org.ecrpushpipe.testbed.EcrBed;

/** The oracle table with the pipe's image, run as Bitbucket runs a pipe (see {@link ImageLauncher}). */
class ImageDockerfileOracleIT extends DockerfileOracleScenarios {
    ImageDockerfileOracleIT(EcrBed bed) {
        super(bed);
    }

    @Override
    protected List<OracleRow> table() {
        return OracleTable.launcherRows();
    }

    @Override
    protected Launcher launcher() throws Exception {
        return ImageLauncher.onTheBed(PipeImage.build(bed));
    }
}
