package org.ecrpushpipe.scenarios;

import org.ecrpushpipe.image.PipeImage;
import org.ecrpushpipe.testbed.EcrBed;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/**
 * The cancellation cases with the pipe's image run as Bitbucket runs a pipe, building with the classic builder,
 * stopped with {@code docker kill --signal TERM} (or INT) on its container.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ImageClassicCancellationIT extends CancellationScenarios {
    private ImageLauncher launcher;

    ImageClassicCancellationIT(EcrBed bed) {
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
        return Builder.CLASSIC;
    }
}
