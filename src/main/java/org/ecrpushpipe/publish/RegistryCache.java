package org.ecrpushpipe.publish;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.ecrpushpipe.config.Tag;
import org.ecrpushpipe.docker.Cancellation;
import org.ecrpushpipe.docker.DockerEngine;
import org.ecrpushpipe.docker.PullOutcome;
import org.ecrpushpipe.registry.ContainerRegistry;
import org.ecrpushpipe.registry.ImageReference;
import org.ecrpushpipe.registry.RegistryCredentials;

/**
 * Brings the chosen cache images into the engine before the build: asks the registry which of them exist (one
 * request per repository, so a missing one costs no pull), pulls those with the run's registry login, and says
 * what will be used. A cache image that cannot be had is never a failure: the build just starts colder.
 */
final class RegistryCache {
    private final ContainerRegistry registry;
    private final DockerEngine engine;
    private final PublishEvents events;

    RegistryCache(ContainerRegistry registry, DockerEngine engine, PublishEvents events) {
        this.registry = registry;
        this.engine = engine;
        this.events = events;
    }

    /** The images pulled, ready to be the build's cache sources, most relevant first. */
    List<ImageReference> pull(CacheSources sources, RegistryCredentials credentials, Cancellation run) {
        for (String foreign : sources.foreign()) {
            events.warning("CACHE_FROM " + foreign + " is in a registry the pipe has no login for; building"
                    + " without it.");
        }
        List<ImageReference> held = new ArrayList<>();
        for (Map.Entry<String, List<ImageReference>> repository : sources.candidates().entrySet()) {
            List<Tag> asked = repository.getValue().stream().map(ImageReference::tag).toList();
            List<Tag> there = registry.heldTags(repository.getKey(), asked);
            repository.getValue().stream().filter(r -> there.contains(r.tag())).forEach(held::add);
        }
        if (held.isEmpty()) {
            if (!sources.candidates().isEmpty()) {
                events.info("Registry cache: no previous image in the registry ("
                        + String.join(", ", sources.candidates().values().stream().flatMap(List::stream)
                        .map(r -> r.tag().value()).toList()) + "); building without it.");
            }
            return List.of();
        }
        List<ImageReference> pulled = new ArrayList<>();
        for (ImageReference reference : held) {
            events.info("Registry cache: pulling " + reference + ".");
            PullOutcome outcome = engine.pull(reference, credentials, events::debug, run);
            if (outcome instanceof PullOutcome.Pulled) {
                pulled.add(reference);
            } else if (outcome instanceof PullOutcome.Missing) {
                events.info("Registry cache: " + reference + " is gone from the registry; building without it.");
            } else if (outcome instanceof PullOutcome.Refused refused) {
                events.warning("Registry cache: could not pull " + reference + " (" + refused.detail()
                        + "); building without it.");
            }
        }
        if (!pulled.isEmpty()) {
            events.info("Registry cache: building with " + pulled.size() + " cache image"
                    + (pulled.size() == 1 ? "" : "s") + ": " + String.join(", ",
                    pulled.stream().map(ImageReference::toString).toList()) + ".");
        }
        return List.copyOf(pulled);
    }
}
