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
 * anything is built: syntax only BuildKit knows, under the classic builder; a mount that needs a build session.
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
    static BuilderKind choose(BuildSettings.Builder asked, EngineVersion engine, Optional<Dockerfile> dockerfile,
                              PublishEvents events) {
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
        events.info("Building with " + (kind == BuilderKind.BUILDKIT ? "BuildKit" : "the classic builder") + " on "
                + engine + ".");
        dockerfile.ifPresent(file -> check(kind, asked, engine, file));
        return kind;
    }

    private static void check(BuilderKind kind, BuildSettings.Builder asked, EngineVersion engine, Dockerfile file) {
        if (kind == BuilderKind.CLASSIC) {
            List<String> buildKitOnly = file.buildKitSyntax();
            if (!buildKitOnly.isEmpty()) {
                throw Failures.needsBuildKit(buildKitOnly, asked == BuildSettings.Builder.CLASSIC,
                        engine.buildsWithBuildKit(), engine.toString());
            }
            return;
        }
        for (String type : List.of("secret", "ssh")) {
            if (file.mountTypes().contains(type)) {
                throw Failures.mountNeedsSession(type);
            }
        }
    }
}
