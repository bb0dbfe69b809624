package org.ecrpushpipe.publish;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

import org.ecrpushpipe.config.CacheSettings;
import org.ecrpushpipe.config.ImageRef;
import org.ecrpushpipe.config.Tag;
import org.ecrpushpipe.docker.BuilderKind;
import org.ecrpushpipe.docker.DockerEngine;
import org.ecrpushpipe.dockerfile.Dockerfile;
import org.ecrpushpipe.registry.Digest;
import org.ecrpushpipe.registry.ImageReference;
import org.ecrpushpipe.registry.Registry;

/**
 * The registry cache of a build (CACHE, CACHE_FROM): which images its steps may be taken from, brought into the
 * engine before it builds. A re-run on the same engine builds at once from the image the engine holds under a tag
 * being pushed; otherwise the previous images are asked of the registry and pulled, which needs the login, so the
 * build waits for the registry side then.
 */
final class CacheStep {
    private final Registry registry;
    private final Login login;
    private final DockerEngine engine;
    private final RunContext context;

    CacheStep(Registry registry, Login login, DockerEngine engine, RunContext context) {
        this.registry = registry;
        this.login = login;
        this.engine = engine;
        this.context = context;
    }

    /**
     * The cache a build takes its steps from.
     *
     * @param sources images the engine holds, by name or id, to take steps from
     * @param stages  the Dockerfile's named intermediate stages, each pushed as its cache image (CACHE=stages)
     * @param pulled  whether the sources were asked of the registry (the run then says how many steps hit)
     * @param buildKit whether BuildKit builds: its cache images carry its cache metadata, and the image's own cache
     *                image is pushed as {@code cache} when the build made something new
     * @param current whether the registry's {@code cache} image is known to hold this build's steps already (it
     *                served the build, or the engine builds a re-run from its own cache)
     */
    record Cache(List<String> sources, List<String> stages, boolean pulled, boolean buildKit, boolean current) {
        static final Cache NONE = new Cache(List.of(), List.of(), false, false, true);

        /** The cache images to push after the image, for a build that took {@code cached} of its {@code steps}. */
        List<CacheImagesStep.CacheImage> toPush(int steps, int cached) {
            List<CacheImagesStep.CacheImage> images = new ArrayList<>();
            if (buildKit && (!current || cached < steps)) {
                images.add(new CacheImagesStep.CacheImage(CacheSources.IMAGE_CACHE_TAG, Optional.empty()));
            }
            stages.forEach(stage -> images.add(CacheImagesStep.CacheImage.ofStage(stage)));
            return images;
        }
    }

    /**
     * @param kind  the builder: BuildKit's images serve as cache sources only with cache metadata written into them
     * @param ready the registry side, waited for only when the registry must be asked
     */
    Cache prepare(PublishRequest request, ImageSource.Build build, BuilderKind kind, Optional<Dockerfile> dockerfile,
                  Supplier<PrepareStep.Ready> ready) {
        CacheSettings settings = request.cache();
        if (!settings.mode().pulls()) {
            return Cache.NONE;
        }
        boolean buildKit = kind == BuilderKind.BUILDKIT;
        boolean stagesToo = settings.mode() == CacheSettings.CacheMode.STAGES;
        Optional<Held> held = stagesToo ? Optional.empty() : engineHoldsATag(request, buildKit);
        if (held.isPresent()) {
            // BuildKit's own cache serves a re-run on the same engine. The classic builder needs the image as a
            // source (by id, which another run cannot move) to use its local cache at all.
            return new Cache(buildKit ? List.of() : List.of(held.get().id().value()), List.of(), false, buildKit,
                    true);
        }
        List<String> stages = stagesToo ? dockerfile.map(Dockerfile::intermediateStages).orElse(List.of())
                : List.of();
        PrepareStep.Ready registrySide = ready.get();
        String host = registrySide.host();
        List<String> sources = new RegistryCache(registry, engine, context.events()).pull(CacheSources.choose(
                settings, host, request.image().repository(), request.tags(), stages, buildKit),
                registrySide.known().orElse(KnownTags.NONE), login.current(), buildKit, context.cancellation());
        context.stopIfCancelled("starting the build");
        String imageCache = new ImageReference(host, request.image().repository(), CacheSources.IMAGE_CACHE_TAG)
                .toString();
        return new Cache(sources, stages, true, buildKit, sources.contains(imageCache));
    }

    /**
     * The image the engine already holds under a tag being pushed, if any: a re-run on the same engine. That image
     * is the cache source, so the build need not wait for the registry side to name cache images, and nothing is
     * pulled. Known only when IMAGE names its host.
     */
    private Optional<Held> engineHoldsATag(PublishRequest request, boolean buildKit) {
        Optional<String> host = request.image().registry().map(ImageRef.EcrRegistryHost::host);
        if (host.isEmpty()) {
            return Optional.empty();
        }
        for (Tag tag : request.tags()) {
            ImageReference reference = new ImageReference(host.get(), request.image().repository(), tag);
            Optional<Digest> held = engine.imageId(reference.toString());
            if (held.isPresent()) {
                context.events().info("Registry cache: not needed, the engine already holds " + reference + " ("
                        + held.get() + "); building with " + (buildKit ? "the engine's own cache."
                        : "it as the cache image."));
                return Optional.of(new Held(reference, held.get()));
            }
        }
        return Optional.empty();
    }

    /** A tag being pushed that the engine holds, and the image it names there. */
    private record Held(ImageReference reference, Digest id) {
    }
}
