package org.ecrpushpipe.standin;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * ECR's view of the images of a repository, read from the real registry: an image is a manifest digest with the
 * tags that point at it. Untagged images are the digests the stand-in saw pushed that the registry still holds.
 */
final class RepositoryImages {
    /** One image: its manifest and its tags (sorted); {@code pushedAt} is when the stand-in first saw it. */
    record Image(RegistryManifest manifest, List<String> tags, java.time.Instant pushedAt) {
        String digest() {
            return manifest.digest();
        }
    }

    private final RegistryClient registry;
    private final Clock clock;

    RepositoryImages(RegistryClient registry, Clock clock) {
        this.registry = registry;
        this.clock = clock;
    }

    List<Image> list(Repository repository) {
        Map<String, RegistryManifest> manifests = new LinkedHashMap<>();
        Map<String, List<String>> tags = new LinkedHashMap<>();
        for (String tag : registry.tags(repository.name()).stream().sorted().toList()) {
            registry.manifest(repository.name(), tag).ifPresent(m -> {
                manifests.putIfAbsent(m.digest(), m);
                tags.computeIfAbsent(m.digest(), d -> new ArrayList<>()).add(tag);
            });
        }
        for (String digest : repository.knownDigests()) {
            if (!manifests.containsKey(digest)) {
                Optional<RegistryManifest> untagged = registry.manifest(repository.name(), digest);
                if (untagged.isPresent()) {
                    manifests.put(digest, untagged.get());
                } else {
                    repository.forget(digest);
                }
            }
        }
        List<Image> images = new ArrayList<>();
        manifests.forEach((digest, manifest) -> images.add(new Image(manifest,
                List.copyOf(tags.getOrDefault(digest, List.of())), repository.firstSeen(digest, clock.instant()))));
        return images;
    }

    Optional<Image> byTag(Repository repository, String tag) {
        return list(repository).stream().filter(i -> i.tags().contains(tag)).findFirst();
    }

    Optional<Image> byDigest(Repository repository, String digest) {
        return list(repository).stream().filter(i -> i.digest().equals(digest)).findFirst();
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
}
