package org.ecrpushpipe.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.ecrpushpipe.config.BuildSecret;
import org.ecrpushpipe.config.BuildSettings;
import org.ecrpushpipe.docker.BuilderKind;
import org.ecrpushpipe.docker.EngineVersion;
import org.ecrpushpipe.dockerfile.Dockerfile;
import org.ecrpushpipe.errors.PipeException;
import org.ecrpushpipe.fakes.RecordingEvents;
import org.junit.jupiter.api.Test;

/**
 * What the builder choice checks before anything is built, for build secrets: a secret mount needs BUILD_SECRETS,
 * an ssh mount is refused naming why, and BUILD_SECRETS needs an engine with BuildKit (a configuration problem).
 */
class BuilderChoiceTest {
    private static final EngineVersion BUILDKIT_ENGINE = new EngineVersion("20.10.24+dfsg1", "1.41", "linux");
    private static final EngineVersion OLD_ENGINE = new EngineVersion("18.03.1-ce", "1.37", "linux");
    private static final Dockerfile SECRET_MOUNT = Dockerfile.parse(
            "FROM scratch\nRUN --mount=type=secret,id=npm cat /run/secrets/npm\n");

    private static BuildSettings settings(List<BuildSecret> secrets) {
        return new BuildSettings(Optional.empty(), List.of(), Optional.empty(), Map.of(), false, false,
                BuildSettings.Commit.NONE, BuildSettings.Builder.AUTO, "default", secrets);
    }

    private static final List<BuildSecret> NPM = List.of(new BuildSecret("npm", "the variable NPM_TOKEN",
            "token-value-1".getBytes(StandardCharsets.UTF_8)));

    @Test
    void aSecretMountWithBuildSecretsBuildsWithBuildKit() {
        assertEquals(BuilderKind.BUILDKIT, BuilderChoice.choose(settings(NPM), BUILDKIT_ENGINE,
                Optional.of(SECRET_MOUNT), new RecordingEvents()));
    }

    @Test
    void aSecretMountWithoutBuildSecretsIsRefusedSayingWhatToGive() {
        PipeException e = assertThrows(PipeException.class, () -> BuilderChoice.choose(settings(List.of()),
                BUILDKIT_ENGINE, Optional.of(SECRET_MOUNT), new RecordingEvents()));
        assertInstanceOf(PipeException.Build.class, e);
        assertEquals("The Dockerfile has RUN --mount=type=secret, but BUILD_SECRETS gives the build no secret;"
                + " nothing was built.", e.getMessage());
        assertTrue(e.hint().contains("id=npm,env=NPM_TOKEN"), e.hint());
    }

    @Test
    void anSshMountIsRefusedNamingWhyAndTheWayThatWorks() {
        Dockerfile ssh = Dockerfile.parse("FROM scratch\nRUN --mount=type=ssh ssh-add -l\n");
        PipeException e = assertThrows(PipeException.Build.class, () -> BuilderChoice.choose(settings(NPM),
                BUILDKIT_ENGINE, Optional.of(ssh), new RecordingEvents()));
        assertTrue(e.getMessage().contains("Bitbucket's runtime v2 disables SSH mounts in builds"), e.getMessage());
        assertTrue(e.hint().startsWith("mount the key as a build secret instead"), e.hint());
    }

    @Test
    void buildSecretsOnAnEngineWithoutBuildKitAreAConfigurationProblem() {
        PipeException.Configuration e = assertThrows(PipeException.Configuration.class,
                () -> BuilderChoice.choose(settings(NPM), OLD_ENGINE, Optional.of(SECRET_MOUNT), new RecordingEvents()));
        assertEquals(1, e.problems().size());
        assertEquals("BUILD_SECRETS", e.problems().get(0).variable());
        assertTrue(e.problems().get(0).message().startsWith("build secrets need BuildKit, which the Docker engine"
                + " (Docker 18.03.1-ce (API 1.37, linux)) does not have"), e.problems().get(0).message());
    }
}
