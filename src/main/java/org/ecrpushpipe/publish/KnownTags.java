package org.ecrpushpipe.publish;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import org.ecrpushpipe.config.Tag;
import org.ecrpushpipe.registry.TaggedImage;

/**
 * What tags of the image's own repository named when the run began, asked of the registry once, alongside the login:
 * the tags being pushed and the registry cache's own candidates. A later step finds its answer here instead of
 * asking again, one round trip later.
 *
 * @param repository the repository asked about
 * @param asked      every tag asked about
 * @param held       those of them that named an image, and what each named
 */
record KnownTags(String repository, Set<Tag> asked, Map<Tag, TaggedImage> held) {
    /** Nothing known: every step asks for itself. */
    static final KnownTags NONE = new KnownTags("", Set.of(), Map.of());

    KnownTags {
        asked = Set.copyOf(asked);
        held = Map.copyOf(held);
    }

    /** What {@code tags} of {@code repository} named, when every one of them was asked; else empty. */
    Optional<Map<Tag, TaggedImage>> of(String repository, Collection<Tag> tags) {
        if (!this.repository.equals(repository) || !asked.containsAll(tags)) {
            return Optional.empty();
        }
        return Optional.of(Map.copyOf(held.entrySet().stream().filter(e -> tags.contains(e.getKey()))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue))));
    }
}
