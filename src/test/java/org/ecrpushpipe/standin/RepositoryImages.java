package org.ecrpushpipe.standin;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * ECR's view of the images of a repository: an image is a manifest digest with the tags that point at it. A call
 * that names an image costs the same whatever the repository holds, as ECR's does: a tag is resolved with one
 * registry request (the registry says what a tag names now), a digest from the repository's {@link ImageIndex},
 * an image's tags from that index, and manifests, immutable by digest, are fetched once. Only {@link #list} walks
 * every image.
 */
final class RepositoryImages {
    /** Manifests kept by digest: a digest names the same bytes in every repository, for ever. */
    private static final int CACHED_MANIFESTS = 4096;

    /** One image: its manifest and its tags (sorted); {@code pushedAt} is when the stand-in first saw it. */
    record Image(RegistryManifest manifest, List<String> tags, Instant pushedAt) {
        String digest() {
            return manifest.digest();
        }
    }

    private final RegistryClient registry;
    private final Clock clock;
    private final Map<String, RegistryManifest> manifests = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, RegistryManifest> eldest) {
            return size() > CACHED_MANIFESTS;
        }
    };

    /** Told of every manifest stored (a push, or PutImage): a repository that scans on push scans it. */
    private volatile BiConsumer<Repository, String> onStored = (repository, digest) -> { };

    RepositoryImages(RegistryClient registry, Clock clock) {
        this.registry = registry;
        this.clock = clock;
    }

    /** Who is told of every manifest stored, with its repository and digest. */
    void onStored(BiConsumer<Repository, String> listener) {
        this.onStored = listener;
    }

    /** Every image of the repository (the one call that walks them all: DescribeImages without imageIds). */
    List<Image> list(Repository repository) {
        ImageIndex index = index(repository);
        List<Image> images = new ArrayList<>();
        for (String digest : index.digests()) {
            manifest(repository, digest).ifPresent(m -> images.add(image(index, m)));
        }
        return images;
    }

    /** The image an imageId names (a digest, a tag, or both, which must agree). */
    Optional<Image> find(Repository repository, String digest, String tag) {
        ImageIndex index = index(repository);
        if (tag != null) {
            Optional<RegistryManifest> tagged = registry.manifest(repository.name(), tag);
            tagged.ifPresent(this::remember);
            return tagged.filter(m -> digest == null || m.digest().equals(digest)).map(m -> image(index, m));
        }
        if (!index.holds(digest)) {
            return Optional.empty();
        }
        return manifest(repository, digest).map(m -> image(index, m));
    }

    /** Notes a manifest the registry stored (under {@code tag}, or by digest alone when null). */
    void stored(Repository repository, String digest, String tag) {
        repository.index().stored(digest, tag, clock.instant());
        onStored.accept(repository, digest);
    }

    /** Notes a manifest the registry deleted, with every tag that pointed at it. */
    void deleted(Repository repository, String digest) {
        repository.index().deleted(digest);
    }

    /** Notes a tag removed from an image that keeps its other tags. */
    void untagged(Repository repository, String tag) {
        repository.index().untagged(tag);
    }

    /** ECR's imageSizeInBytes: the compressed size of the layers (of every platform, for an index). */
    long sizeInBytes(Image image) {
        JsonNode manifest = registry.parse(image.manifest().bytes());
        long size = 0;
        for (JsonNode layer : manifest.path("layers")) {
            size += layer.path("size").asLong();
        }
        for (JsonNode child : manifest.path("manifests")) {
            size += child.path("size").asLong();
        }
        return size;
    }

    /** The config media type, ECR's artifactMediaType; null for an index. */
    String artifactMediaType(Image image) {
        JsonNode config = registry.parse(image.manifest().bytes()).path("config").path("mediaType");
        return config.isTextual() ? config.asText() : null;
    }

    private Image image(ImageIndex index, RegistryManifest manifest) {
        return new Image(manifest, index.tagsOf(manifest.digest()), index.firstSeen(manifest.digest(), clock.instant()));
    }

    /**
     * The repository's index with its tags read: the first time, from the registry (every tag and its manifest),
     * under the manifest lock so that no write slips between the reading and the keeping.
     */
    private ImageIndex index(Repository repository) {
        ImageIndex index = repository.index();
        if (index.tagsLoaded()) {
            return index;
        }
        repository.manifestLock().lock();
        try {
            if (!index.tagsLoaded()) {
                Map<String, String> digestByTag = new LinkedHashMap<>();
                for (String tag : registry.tags(repository.name())) {
                    registry.manifest(repository.name(), tag).ifPresent(m -> {
                        remember(m);
                        digestByTag.put(tag, m.digest());
                    });
                }
                index.loadTags(digestByTag, clock.instant());
            }
        } finally {
            repository.manifestLock().unlock();
        }
        return index;
    }

    /** A manifest the repository holds, by digest: from the cache, else from the registry (once). */
    private Optional<RegistryManifest> manifest(Repository repository, String digest) {
        RegistryManifest cached;
        synchronized (manifests) {
            cached = manifests.get(digest);
        }
        if (cached != null) {
            return Optional.of(cached);
        }
        Optional<RegistryManifest> fetched = registry.manifest(repository.name(), digest);
        if (fetched.isPresent()) {
            remember(fetched.get());
        } else {
            repository.index().deleted(digest); // gone from the registry: no longer an image
        }
        return fetched;
    }

    private void remember(RegistryManifest manifest) {
        synchronized (manifests) {
            manifests.put(manifest.digest(), manifest);
        }
    }
}
