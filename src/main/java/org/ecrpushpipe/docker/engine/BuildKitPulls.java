package org.ecrpushpipe.docker.engine;

import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

import org.ecrpushpipe.docker.BuildOutcome;
import org.ecrpushpipe.docker.BuildRequest;
import org.ecrpushpipe.docker.Cancellation;
import org.ecrpushpipe.docker.PullAccess;
import org.ecrpushpipe.docker.PullOutcome;
import org.ecrpushpipe.errors.BuildProblem;
import org.ecrpushpipe.registry.RegistryCredentials;

/**
 * The pulls a BuildKit build needs before it starts. Without a client session BuildKit asks no one for registry
 * credentials (the build request's {@code X-Registry-Config} is ignored), so an image of a registry that wants a
 * login fails with {@code no active sessions}; but BuildKit takes an image the engine already holds. So every image
 * the Dockerfile pulls whose registry the run has a login for is pulled first with that login (when the engine does
 * not hold it, or always when the build asks to pull), and with {@code pull} the others are pulled first too,
 * anonymously. The build itself is never sent {@code pull=1}: BuildKit would then ask the registry again, without
 * credentials, even for an image just pulled.
 */
final class BuildKitPulls {
    private final EngineConnection engine;

    BuildKitPulls(EngineConnection engine) {
        this.engine = engine;
    }

    /** Pulls what the build needs; the first pull that fails, as the build's failure, or empty. */
    Optional<BuildOutcome.Failed> pull(BuildRequest request, Consumer<String> output, Cancellation cancellation) {
        PullAccess access = request.access();
        for (String image : access.images()) {
            Optional<RegistryCredentials> login = access.loginFor(image);
            if (!request.pull() && (login.isEmpty() || EnginePulls.holds(engine, image))) {
                continue;
            }
            output.accept("#0 pulling " + image + login.map(l -> " with the login for " + l.registryHost())
                    .orElse(""));
            String[] nameAndTag = nameAndTag(image);
            PullOutcome outcome = EnginePulls.pull(engine, nameAndTag[0], nameAndTag[1], login,
                    line -> output.accept("#0 " + line), cancellation);
            output.accept("");
            if (outcome instanceof PullOutcome.Missing missing) {
                return Optional.of(failed(image, missing.detail()));
            }
            if (outcome instanceof PullOutcome.Refused refused) {
                return Optional.of(failed(image, refused.detail()));
            }
        }
        return Optional.empty();
    }

    private static BuildOutcome.Failed failed(String image, String detail) {
        return new BuildOutcome.Failed(BuildProblem.BASE_IMAGE, image + ": " + detail, Optional.empty(), List.of());
    }

    /**
     * An image reference as the engine's pull takes it: the name, and the tag or digest ({@code latest} when it
     * names neither, as {@code docker pull} does; the engine would otherwise pull every tag).
     */
    static String[] nameAndTag(String image) {
        int at = image.indexOf('@');
        if (at >= 0) {
            return new String[] {image.substring(0, at), image.substring(at + 1)};
        }
        int colon = image.lastIndexOf(':');
        if (colon > image.lastIndexOf('/')) {
            return new String[] {image.substring(0, colon), image.substring(colon + 1)};
        }
        return new String[] {image, "latest"};
    }
}
