package org.ecrpushpipe.publish;

import java.util.List;
import java.util.Optional;

import org.ecrpushpipe.config.BuildSettings;
import org.ecrpushpipe.docker.BuilderKind;
import org.ecrpushpipe.docker.EngineVersion;
import org.ecrpushpipe.dockerfile.Dockerfile;
import org.ecrpushpipe.errors.Failures;

/**
 * Which of the engine's builders builds the image (BUILDER): BuildKit whenever the engine has it, as the docker CLI
 * does since 23, unless the user asks for one. What the Dockerfile needs of the builder is checked here, before
 * anything is built: syntax only BuildKit knows, under the classic builder; BUILD_SECRETS without BuildKit; a secret
 * mount without BUILD_SECRETS; an SSH mount, which the pipe does not serve.
 */
final class BuilderChoice {
    private BuilderChoice() {
    }

    /**
     * The builder for this build, said once with the engine it runs on.
     *
     * @param dockerfile the Dockerfile, when it could be read (the build reports an unreadable one)
     * @throws org.ecrpushpipe.errors.PipeException when the builder asked for is missing or cannot build the
     *                                              Dockerfile
     */
    static BuilderKind choose(BuildSettings settings, EngineVersion engine, Optional<Dockerfile> dockerfile,
                              PublishEvents events) {
        BuildSettings.Builder asked = settings.builder();
        BuilderKind kind = switch (asked) {
            case AUTO -> engine.buildsWithBuildKit() ? BuilderKind.BUILDKIT : BuilderKind.CLASSIC;
            case BUILDKIT -> {
                if (!engine.buildsWithBuildKit()) {
                    throw Failures.engineLacksBuildKit(engine.toString());
                }
                yield BuilderKind.BUILDKIT;
            }
            case CLASSIC -> BuilderKind.CLASSIC;
        };
        if (kind == BuilderKind.CLASSIC && !settings.secrets().isEmpty()) {
            throw Failures.secretsNeedBuildKit(engine.toString());
        }
        events.info("Building with " + (kind == BuilderKind.BUILDKIT ? "BuildKit" : "the classic builder") + " on "
                + engine + ".");
        dockerfile.ifPresent(file -> check(kind, settings, engine, file));
        return kind;
    }

    private static void check(BuilderKind kind, BuildSettings settings, EngineVersion engine, Dockerfile file) {
        BuildSettings.Builder asked = settings.builder();
        if (kind == BuilderKind.CLASSIC) {
            List<String> buildKitOnly = file.buildKitSyntax();
            if (!buildKitOnly.isEmpty()) {
                throw Failures.needsBuildKit(buildKitOnly, asked == BuildSettings.Builder.CLASSIC,
                        engine.buildsWithBuildKit(), engine.toString());
            }
            return;
        }
        if (file.mountTypes().contains("ssh")) {
            throw Failures.sshMountUnsupported();
        }
        if (file.mountTypes().contains("secret") && settings.secrets().isEmpty()) {
            throw Failures.secretMountWithoutSecrets();
        }
    }
}
