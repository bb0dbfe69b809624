package org.ecrpushpipe.publish;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.ecrpushpipe.config.Tag;
import org.ecrpushpipe.docker.Cancellation;
import org.ecrpushpipe.docker.DockerEngine;
import org.ecrpushpipe.docker.PullOutcome;
import org.ecrpushpipe.registry.Registry;
import org.ecrpushpipe.registry.Digest;
import org.ecrpushpipe.registry.ImageReference;
import org.ecrpushpipe.registry.RegistryCredentials;
import org.ecrpushpipe.registry.TaggedImage;

/**
 * Brings the chosen cache images into the engine before the build: asks the registry which of them exist (one
 * request per repository, none where the registry side asked already; a missing one costs no pull), pulls those with the run's registry login, and says
 * what will be used. A cache image that cannot be had is never a failure: the build just starts colder.
 */
final class RegistryCache {
    private final Registry registry;
    private final DockerEngine engine;
    private final PublishEvents events;

    RegistryCache(Registry registry, DockerEngine engine, PublishEvents events) {
        this.registry = registry;
        this.engine = engine;
        this.events = events;
    }

    /**
     * The cache images, in the engine now, most relevant first: by name when pulled, by id when the engine already
     * held the very image the registry's tag names (no pull at all, as on a re-run in the same step) — unless
     * {@code byName}: BuildKit takes a cache source by name only, so such an image is tagged with its name first.
     */
    List<String> pull(CacheSources sources, KnownTags known, RegistryCredentials credentials, boolean byName,
                      Cancellation run) {
        for (String foreign : sources.foreign()) {
            events.warning("CACHE_FROM " + foreign + " is in a registry the pipe has no login for; building"
                    + " without it.");
        }
        Map<ImageReference, TaggedImage> held = heldInRegistry(sources, known);
        if (held.isEmpty()) {
            if (!sources.candidates().isEmpty()) {
                events.info("Registry cache: no previous image in the registry ("
                        + String.join(", ", sources.candidates().values().stream().flatMap(List::stream)
                        .map(r -> r.tag().value()).toList()) + "); building without it.");
            }
            return List.of();
        }
        List<String> used = new ArrayList<>();
        List<String> named = new ArrayList<>();
        held.forEach((reference, image) -> bring(reference, image, credentials, byName, run).filter(
                source -> !used.contains(source)).ifPresent(source -> {
                    used.add(source);
                    named.add(reference.toString());
                }));
        if (!used.isEmpty()) {
            events.info("Registry cache: building with " + named.size() + " cache image"
                    + (named.size() == 1 ? "" : "s") + ": " + String.join(", ", named) + ".");
        }
        return List.copyOf(used);
    }

    /**
     * Which of the candidates the registry holds, and what each names: one request per repository, none for those
     * the registry side asked already.
     */
    private Map<ImageReference, TaggedImage> heldInRegistry(CacheSources sources, KnownTags known) {
        Map<ImageReference, TaggedImage> held = new LinkedHashMap<>();
        for (Map.Entry<String, List<ImageReference>> repository : sources.candidates().entrySet()) {
            List<Tag> asked = repository.getValue().stream().map(ImageReference::tag).toList();
            Map<Tag, TaggedImage> there = known.of(repository.getKey(), asked)
                    .orElseGet(() -> registry.heldTags(repository.getKey(), asked));
            repository.getValue().stream().filter(r -> there.containsKey(r.tag()))
                    .forEach(r -> held.put(r, there.get(r.tag())));
        }
        return held;
    }

    /** One cache image brought into the engine, as the build names it; empty when it cannot be had. */
    private Optional<String> bring(ImageReference reference, TaggedImage image, RegistryCredentials credentials,
                                   boolean byName, Cancellation run) {
        Optional<Digest> imageId = image.imageId();
        if (imageId.isPresent() && engine.holds(imageId.get())) {
            events.info("Registry cache: " + reference + " is already in the engine (" + imageId.get() + ").");
            if (!byName) {
                return Optional.of(imageId.get().value());
            }
            engine.tag(imageId.get(), reference);
            return Optional.of(reference.toString());
        }
        events.info("Registry cache: pulling " + reference + ".");
        PullOutcome outcome = engine.pull(reference, credentials, events::debug, run);
        if (outcome instanceof PullOutcome.Missing) {
            events.info("Registry cache: " + reference + " is gone from the registry; building without it.");
        } else if (outcome instanceof PullOutcome.Refused refused) {
            events.warning("Registry cache: could not pull " + reference + " (" + refused.detail()
                    + "); building without it.");
        }
        return outcome instanceof PullOutcome.Pulled ? Optional.of(reference.toString()) : Optional.empty();
    }
}
