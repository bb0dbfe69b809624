package org.ecrpushpipe.scenarios;

import org.ecrpushpipe.image.PipeImage;
import org.ecrpushpipe.testbed.EcrBed;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/** The scenarios with the pipe's image run as Bitbucket runs a pipe, building with the classic builder. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ImageClassicScenariosIT extends PipeScenarios {
    private ImageLauncher launcher;

    ImageClassicScenariosIT(EcrBed bed) {
        super(bed);
    }

    @BeforeAll
    void buildTheImage() throws Exception {
        launcher = ImageLauncher.onTheBed(PipeImage.build(bed));
    }

    @Override
    protected Launcher launcher() {
        return launcher;
    }

    @Override
    protected Builder builder() {
        return Builder.CLASSIC;
    }
}
