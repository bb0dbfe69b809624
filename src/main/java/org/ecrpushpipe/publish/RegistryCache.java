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
 * request per repository, so a missing one costs no pull), pulls those with the run's registry login, and says
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
     * held the very image the registry's tag names (no pull at all, as on a re-run in the same step).
     */
    List<String> pull(CacheSources sources, RegistryCredentials credentials, Cancellation run) {
        for (String foreign : sources.foreign()) {
            events.warning("CACHE_FROM " + foreign + " is in a registry the pipe has no login for; building"
                    + " without it.");
        }
        Map<ImageReference, TaggedImage> held = new LinkedHashMap<>();
        for (Map.Entry<String, List<ImageReference>> repository : sources.candidates().entrySet()) {
            List<Tag> asked = repository.getValue().stream().map(ImageReference::tag).toList();
            Map<Tag, TaggedImage> there = registry.heldTags(repository.getKey(), asked);
            repository.getValue().stream().filter(r -> there.containsKey(r.tag()))
                    .forEach(r -> held.put(r, there.get(r.tag())));
        }
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
        for (Map.Entry<ImageReference, TaggedImage> entry : held.entrySet()) {
            ImageReference reference = entry.getKey();
            Optional<Digest> imageId = entry.getValue().imageId();
            if (imageId.isPresent() && engine.holds(imageId.get())) {
                events.info("Registry cache: " + reference + " is already in the engine (" + imageId.get() + ").");
                if (!used.contains(imageId.get().value())) {
                    used.add(imageId.get().value());
                    named.add(reference.toString());
                }
                continue;
            }
            events.info("Registry cache: pulling " + reference + ".");
            PullOutcome outcome = engine.pull(reference, credentials, events::debug, run);
            if (outcome instanceof PullOutcome.Pulled) {
                used.add(reference.toString());
                named.add(reference.toString());
            } else if (outcome instanceof PullOutcome.Missing) {
                events.info("Registry cache: " + reference + " is gone from the registry; building without it.");
            } else if (outcome instanceof PullOutcome.Refused refused) {
                events.warning("Registry cache: could not pull " + reference + " (" + refused.detail()
                        + "); building without it.");
            }
        }
        if (!used.isEmpty()) {
            events.info("Registry cache: building with " + named.size() + " cache image"
                    + (named.size() == 1 ? "" : "s") + ": " + String.join(", ", named) + ".");
        }
        return List.copyOf(used);
    }
}
