package org.ecrpushpipe.standin;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What one repository holds, as the stand-in keeps it while it writes: the manifest digests (with when each was
 * first seen, ECR's imagePushedAt) and the tags that point at them, so that ECR's answers about named images never
 * list the registry. Every manifest write and delete goes through the stand-in (the facade or the API) and is
 * noted here. The tags are read from the registry once, the first time they are needed ({@link #loadTags}); the
 * digests the stand-in saw stored are noted from the start (an untagged image has no tag to list it by).
 * Thread-safe; the caller serialises a write and its note with the repository's manifest lock.
 */
final class ImageIndex {
    /** Every manifest the repository holds, in the order first seen. */
    private final Map<String, Instant> digests = new LinkedHashMap<>();
    /** Tag to digest, sorted by tag; null until read from the registry. */
    private TreeMap<String, String> tags;
    private final Map<String, SortedSet<String>> tagsByDigest = new HashMap<>();

    synchronized boolean tagsLoaded() {
        return tags != null;
    }

    /** The registry's tags at the moment the index starts keeping them (their digests count as seen now). */
    synchronized void loadTags(Map<String, String> digestByTag, Instant now) {
        tags = new TreeMap<>();
        digestByTag.forEach((tag, digest) -> stored(digest, tag, now));
    }

    /** A manifest was written, under a tag or (null) by digest alone; a tag that pointed elsewhere moves. */
    synchronized void stored(String digest, String tag, Instant now) {
        digests.putIfAbsent(digest, now);
        if (tag == null || tags == null) {
            return; // tags not kept yet: they are read from the registry when first needed
        }
        String before = tags.put(tag, digest);
        if (before != null && !before.equals(digest)) {
            removeTag(before, tag);
        }
        tagsByDigest.computeIfAbsent(digest, d -> new TreeSet<>()).add(tag);
    }

    /** A tag was removed while its image stays (with its other tags). */
    synchronized void untagged(String tag) {
        String digest = tags == null ? null : tags.remove(tag);
        if (digest != null) {
            removeTag(digest, tag);
        }
    }

    /** A manifest was deleted, and with it every tag that pointed at it. */
    synchronized void deleted(String digest) {
        digests.remove(digest);
        SortedSet<String> gone = tagsByDigest.remove(digest);
        if (gone != null && tags != null) {
            gone.forEach(tags::remove);
        }
    }

    synchronized boolean holds(String digest) {
        return digests.containsKey(digest);
    }

    /** The tags of an image, sorted. */
    synchronized List<String> tagsOf(String digest) {
        return List.copyOf(tagsByDigest.getOrDefault(digest, new TreeSet<>()));
    }

    synchronized Instant firstSeen(String digest, Instant now) {
        return digests.getOrDefault(digest, now);
    }

    /** Every image: the tagged ones in the order of their first tag, then the untagged ones as first seen. */
    synchronized List<String> digests() {
        Set<String> ordered = new LinkedHashSet<>(tags == null ? List.of() : tags.values());
        List<String> all = new ArrayList<>(ordered);
        digests.keySet().stream().filter(d -> !ordered.contains(d)).forEach(all::add);
        return all;
    }

    private void removeTag(String digest, String tag) {
        SortedSet<String> of = tagsByDigest.get(digest);
        if (of != null) {
            of.remove(tag);
            if (of.isEmpty()) {
                tagsByDigest.remove(digest);
            }
        }
    }
}
