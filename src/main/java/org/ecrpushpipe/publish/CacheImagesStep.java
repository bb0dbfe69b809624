package org.ecrpushpipe.publish;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

import org.ecrpushpipe.config.Tag;
import org.ecrpushpipe.docker.BuildCache;
import org.ecrpushpipe.docker.BuildOutcome;
import org.ecrpushpipe.docker.BuildRequest;
import org.ecrpushpipe.docker.Cancellation;
import org.ecrpushpipe.docker.DockerEngine;
import org.ecrpushpipe.docker.ImageBuilder;
import org.ecrpushpipe.docker.PushOutcome;
import org.ecrpushpipe.errors.Failures;
import org.ecrpushpipe.registry.Digest;
import org.ecrpushpipe.registry.ImageReference;
import org.ecrpushpipe.registry.RegistryCredentials;
import org.ecrpushpipe.registry.Repository;

/**
 * The registry cache's own images, pushed after the image so the next run on a fresh engine can take steps from
 * them: with {@code CACHE=stages}, each named intermediate stage built on its own as {@code cache-<stage>}; under
 * BuildKit, the image built again with BuildKit's cache metadata written into it, as {@code cache} (the pushed image
 * carries none: the metadata depends on the engine's cache history, and would make a re-run's image another one).
 * Every step comes from the build just made. The image is already pushed: a cache image that cannot be pushed is a
 * warning, never a failure of the run.
 */
final class CacheImagesStep {
    private final DockerEngine engine;
    private final ImageBuilder builder;
    private final PublishEvents events;

    CacheImagesStep(DockerEngine engine, ImageBuilder builder, PublishEvents events) {
        this.engine = engine;
        this.builder = builder;
        this.events = events;
    }

    /**
     * One cache image to push.
     *
     * @param tag   its tag in the repository
     * @param stage the stage it is built to; empty for the image's own cache (the build's own target)
     */
    record CacheImage(Tag tag, Optional<String> stage) {
        static CacheImage ofStage(String stage) {
            return new CacheImage(CacheSources.stageTag(stage), Optional.of(stage));
        }

        /** How the log names it. */
        String what() {
            return stage.map(s -> "the stage '" + s + "'").orElse("the cache image");
        }

        /** The log's prefix: the setting the image belongs to. */
        String setting() {
            return stage.isPresent() ? "CACHE=stages" : "Registry cache";
        }
    }

    /**
     * @param inline whether the cache images carry BuildKit's cache metadata (BuildKit needs it to take steps)
     * @return the cache tags pushed
     */
    List<ImageReference> push(List<CacheImage> images, BuildRequest build, List<String> sources, boolean inline,
                              Repository repository, String registryHost, RegistryCredentials credentials,
                              Consumer<String> output, Cancellation run) {
        List<ImageReference> pushed = new ArrayList<>();
        for (CacheImage image : images) {
            ImageReference reference = new ImageReference(registryHost, repository.name(), image.tag());
            if (repository.isImmutable(image.tag())) {
                events.warning(image.setting() + ": the tag " + image.tag() + " is immutable in " + repository.uri()
                        + ", so " + image.what() + " is not pushed; exclude cache* from immutability"
                        + " (IMMUTABLE_WITH_EXCLUSION) or make the tags mutable.");
                continue;
            }
            if (run.isCancelled()) {
                return pushed;
            }
            events.info(image.setting() + ": building " + image.what() + " for " + reference + ".");
            Optional<Digest> id = build(image, build.withCache(new BuildCache(sources,
                    image.stage().or(build::stage), inline)), output, run);
            if (id.isPresent() && push(image, id.get(), reference, credentials, run)) {
                pushed.add(reference);
            }
        }
        return pushed;
    }

    private boolean push(CacheImage image, Digest id, ImageReference reference, RegistryCredentials credentials,
                         Cancellation run) {
        engine.tag(id, reference);
        PushOutcome outcome = engine.push(reference, credentials, events::debug, run);
        if (outcome instanceof PushOutcome.Pushed ok) {
            events.info(image.setting() + ": pushed " + reference + " (" + ok.digest() + ").");
            return true;
        }
        events.warning(image.setting() + ": pushing " + reference + " failed ("
                + ((PushOutcome.Failed) outcome).detail() + "); the next run builds " + image.what()
                + " without it.");
        return false;
    }

    /** The cache image built, every step from the build just made; empty, after a warning, when it cannot be. */
    private Optional<Digest> build(CacheImage image, BuildRequest request, Consumer<String> output,
                                   Cancellation run) {
        String why;
        try {
            BuildOutcome outcome = builder.build(request, output, run);
            if (outcome instanceof BuildOutcome.Built built) {
                return Optional.of(built.imageId());
            }
            BuildOutcome.Failed failed = (BuildOutcome.Failed) outcome;
            why = Failures.buildFailed(failed.problem(), failed.detail(), failed.step(), failed.lastLines())
                    .getMessage();
        } catch (RuntimeException e) {
            why = e.getMessage();
        }
        events.warning(image.setting() + ": " + image.what() + " could not be built alone (" + why + "); it is not"
                + " cached.");
        return Optional.empty();
    }
}
