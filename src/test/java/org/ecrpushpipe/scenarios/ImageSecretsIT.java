package org.ecrpushpipe.scenarios;

import org.ecrpushpipe.image.PipeImage;
import org.ecrpushpipe.testbed.EcrBed;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/**
 * Build secrets with the pipe's image run as Bitbucket runs a pipe: the clone mounted as the working directory,
 * {@code DOCKER_HOST=tcp://host.docker.internal:2375}, and every variable, the secret's own included, passed by
 * name ({@code --env=NPM_TOKEN}); the session runs from inside the container to the step's engine.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ImageSecretsIT extends SecretScenarios {
    private ImageLauncher launcher;

    ImageSecretsIT(EcrBed bed) {
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
}
