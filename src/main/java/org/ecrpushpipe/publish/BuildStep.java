package org.ecrpushpipe.publish;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

import org.ecrpushpipe.config.BuildSettings;
import org.ecrpushpipe.config.Tag;
import org.ecrpushpipe.docker.BuildCache;
import org.ecrpushpipe.docker.BuildOutcome;
import org.ecrpushpipe.docker.BuildRequest;
import org.ecrpushpipe.docker.Cancellation;
import org.ecrpushpipe.docker.ImageBuilder;
import org.ecrpushpipe.docker.PullAccess;
import org.ecrpushpipe.errors.BuildProblem;
import org.ecrpushpipe.errors.Failures;
import org.ecrpushpipe.errors.IamDenial;
import org.ecrpushpipe.errors.PipeException;
import org.ecrpushpipe.errors.RegistryKind;

/**
 * Builds the image with the request's options and the commit's OCI labels (the user's LABELS win), saying what it
 * builds before it starts. Build-argument values are never printed: only their names, at debug level; build
 * secrets are named by id and source, never their values.
 */
final class BuildStep {
    private final ImageBuilder builder;
    private final PublishEvents events;
    private final RegistryKind kind;

    BuildStep(ImageBuilder builder, PublishEvents events, RegistryKind kind) {
        this.builder = builder;
        this.events = events;
        this.kind = kind;
    }

    /**
     * An image built.
     *
     * @param request the build as it was sent, for the stages' cache images (the same arguments, so their steps
     *                match)
     */
    record Built(BuildOutcome.Built outcome, BuildRequest request) {
    }

    /**
     * @param output receives the build's output
     * @param stop   stops the build
     * @throws org.ecrpushpipe.errors.PipeException when the build fails
     */
    Built build(ImageSource.Build build, List<Tag> tags, BuildCache cache, PullAccess access,
                Consumer<String> output, Cancellation stop) {
        BuildRequest request = request(build, tags, cache, access);
        BuildOutcome outcome = builder.build(request, output, stop);
        if (outcome instanceof BuildOutcome.Failed failed) {
            throw failure(failed, access);
        }
        return new Built((BuildOutcome.Built) outcome, request);
    }

    /** The failure of a build; one that could not pull an image the Dockerfile names says what would give access. */
    private PipeException failure(BuildOutcome.Failed failed, PullAccess access) {
        if (failed.problem() == BuildProblem.BASE_IMAGE) {
            // a pull the registry refused for the IAM policy's sake is a missing permission, as everywhere
            Optional<IamDenial> denial = IamDenial.in(failed.detail());
            if (denial.isPresent()) {
                return Failures.missingPermission(denial.get().action(), denial.get().resource(), failed.detail(),
                        null);
            }
            Optional<String> image = failedImage(failed, access);
            if (image.isPresent()) {
                return Failures.baseImageUnavailable(image.get(), PullAccess.registryHost(image.get()),
                        access.loginFor(image.get()).isPresent(), kind, failed.detail(), failed.step());
            }
        }
        return Failures.buildFailed(failed.problem(), failed.detail(), failed.step(), failed.lastLines());
    }

    /**
     * The image whose pull failed: the one the failure names (the engine names it without its tag), else the only
     * one of the registry the failure names.
     */
    private static Optional<String> failedImage(BuildOutcome.Failed failed, PullAccess access) {
        Optional<String> named = access.images().stream().filter(i -> mentions(failed, i)).findFirst();
        if (named.isPresent()) {
            return named;
        }
        List<String> ofHost = access.images().stream()
                .filter(i -> failed.detail().contains(PullAccess.registryHost(i))).toList();
        return ofHost.size() == 1 ? Optional.of(ofHost.get(0)) : Optional.empty();
    }

    /** Whether the failure names the image (the engine names it without its tag, or with its registry). */
    private static boolean mentions(BuildOutcome.Failed failed, String image) {
        String repository = image.replaceFirst("@.*$", "").replaceFirst(":[^:/]+$", "");
        return failed.detail().contains(repository) || failed.step().filter(s -> s.contains(repository)).isPresent();
    }

    private BuildRequest request(ImageSource.Build build, List<Tag> tags, BuildCache cache, PullAccess access) {
        BuildSettings options = build.settings();
        events.info("Building " + build.context().dockerfile() + " in " + build.context().directory()
                + options.target().map(t -> ", stage " + t).orElse("") + ".");
        if (!options.buildArgs().isEmpty()) {
            events.debug("Build arguments: " + String.join(", ", options.buildArgs().stream()
                    .map(a -> a.name() + (a.value().isPresent() ? "" : " (unset: the Dockerfile's default)"))
                    .toList()) + ".");
        }
        if (!options.secrets().isEmpty()) {
            events.info("Build secrets: " + String.join(", ", options.secrets().stream()
                    .map(s -> s.id() + " (" + s.source() + ")").toList()) + "; their values are never shown.");
        }
        Map<String, String> labels = ImageLabels.of(options, tags);
        events.debug("Labels: " + String.join(", ", labels.keySet()) + ".");
        return new BuildRequest(build.context(), options.buildArgs(), options.target(), labels, options.noCache(),
                options.pull(), options.network(), cache, access, options.secrets());
    }
}
