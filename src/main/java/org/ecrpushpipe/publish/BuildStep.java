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
import org.ecrpushpipe.errors.Failures;

/**
 * Builds the image with the request's options and the commit's OCI labels (the user's LABELS win), saying what it
 * builds before it starts. Build-argument values are never printed: only their names, at debug level.
 */
final class BuildStep {
    private final ImageBuilder builder;
    private final PublishEvents events;

    BuildStep(ImageBuilder builder, PublishEvents events) {
        this.builder = builder;
        this.events = events;
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
    Built build(ImageSource.Build build, List<Tag> tags, List<String> cacheSources, Consumer<String> output,
                Cancellation stop) {
        BuildRequest request = request(build, tags, new BuildCache(cacheSources, Optional.empty(), false));
        BuildOutcome outcome = builder.build(request, output, stop);
        if (outcome instanceof BuildOutcome.Failed failed) {
            throw Failures.buildFailed(failed.problem(), failed.detail(), failed.step(), failed.lastLines());
        }
        return new Built((BuildOutcome.Built) outcome, request);
    }

    private BuildRequest request(ImageSource.Build build, List<Tag> tags, BuildCache cache) {
        BuildSettings options = build.settings();
        events.info("Building " + build.context().dockerfile() + " in " + build.context().directory()
                + options.target().map(t -> ", stage " + t).orElse("") + ".");
        if (!options.buildArgs().isEmpty()) {
            events.debug("Build arguments: " + String.join(", ", options.buildArgs().stream()
                    .map(a -> a.name() + (a.value().isPresent() ? "" : " (unset: the Dockerfile's default)"))
                    .toList()) + ".");
        }
        Map<String, String> labels = ImageLabels.of(options, tags);
        events.debug("Labels: " + String.join(", ", labels.keySet()) + ".");
        return new BuildRequest(build.context(), options.buildArgs(), options.target(), labels, options.noCache(),
                options.pull(), BuildRequest.HOST_NETWORK, cache, PullAccess.NONE);
    }
}
