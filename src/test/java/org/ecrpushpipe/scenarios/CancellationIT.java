package org.ecrpushpipe.scenarios;

import org.ecrpushpipe.image.PipeImage;
import org.ecrpushpipe.testbed.EcrBed;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/**
 * The cancellation cases with the pipe's image run as Bitbucket runs a pipe, building with BuildKit, stopped as
 * Bitbucket stops a step: {@code docker kill --signal TERM} on its container, whose process 1 is the JVM.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CancellationIT extends CancellationScenarios {
    private ImageLauncher launcher;

    CancellationIT(EcrBed bed) {
        super(bed);
    }

    @BeforeAll
    void buildTheImage() throws Exception {
        launcher = ImageLauncher.onTheBed(PipeImage.build(bed));
    }

    @Override
    protected StoppableLauncher launcher() {
        return launcher;
    }

    @Override
    protected Builder builder() {
        return Builder.BUILDKIT;
    }
}
