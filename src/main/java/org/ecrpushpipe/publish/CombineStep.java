package org.ecrpushpipe.publish;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.ecrpushpipe.config.ImageRef;
import org.ecrpushpipe.config.Tag;
import org.ecrpushpipe.errors.Failures;
import org.ecrpushpipe.errors.PipeException;
import org.ecrpushpipe.errors.RegistryKind;
import org.ecrpushpipe.registry.Digest;
import org.ecrpushpipe.registry.EcrRepositories;
import org.ecrpushpipe.registry.Manifest;
import org.ecrpushpipe.registry.Platform;
import org.ecrpushpipe.registry.Registry;
import org.ecrpushpipe.registry.Repository;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Multi-platform images without buildx (PLATFORM_TAGS): images of one platform each, pushed by earlier steps (one
 * per runner's architecture), become one multi-platform image under TAGS, made in the registry — an OCI image index,
 * or a Docker manifest list when every image is a Docker v2 manifest — with each image's platform read from its
 * configuration. A source that is itself a multi-platform image is taken apart into its entries. Nothing is built,
 * pulled or uploaded: ECR's BatchGetImage and GetDownloadUrlForLayer (the configurations) read, PutImage writes
 * the index; another registry does the same through its own API.
 *
 * <p>Everything is read and checked first ({@link #read}): a source missing, archived, of no platform, or of a
 * platform another source has, fails the run before anything is written, all such problems at once. Then the
 * index is written under every tag as a push would ({@link #write}: {@link RegistryTags}).
 */
final class CombineStep {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Registry registry;
    private final Optional<EcrRepositories> repositories;
    private final RunContext context;

    CombineStep(Registry registry, Optional<EcrRepositories> repositories, RunContext context) {
        this.registry = registry;
        this.repositories = repositories;
        this.context = context;
    }

    /**
     * The multi-platform image, made but not written yet.
     *
     * @param repository where it goes
     * @param host       the repository's registry host
     * @param index      its manifest
     * @param platforms  each platform's image, in the index's order
     * @param entries    every manifest the index names (attestations too), with what to call it in messages
     * @param start      when the run began to read, for the summary
     */
    record Combined(Repository repository, String host, Manifest index, List<PlatformImage> platforms,
                    Map<Digest, String> entries, long start) {
    }

    /**
     * Reads every source and makes the index.
     *
     * @throws PipeException.Configuration naming every source that cannot go into it
     */
    Combined read(PublishRequest request, List<Tag> sources) {
        context.events().info((request.kind() == RegistryKind.ECR
                ? "Combining in Amazon ECR in " + request.region().orElseThrow()
                : "Combining in " + request.host().orElseThrow()) + ": nothing is built, pulled or uploaded.");
        Repository repository = repository(request);
        String host = PromoteStep.hostOf(repository);
        long start = context.nanoTime().getAsLong();
        Sources read = new Sources(repository);
        sources.forEach(read::add);
        if (!read.problems.isEmpty()) {
            throw Failures.platformSourcesRefused(read.problems);
        }
        Manifest index = Manifest.index(read.descriptors);
        context.events().info("Made the multi-platform image " + index.digest() + ": "
                + (index.mediaType().equals(Manifest.DOCKER_LIST) ? "a Docker manifest list" : "an OCI image index")
                + " of " + read.platforms.size() + " platforms.");
        return new Combined(repository, host, index, List.copyOf(read.platforms),
                Collections.unmodifiableMap(new LinkedHashMap<>(read.entries)), start);
    }

    /**
     * Writes the index under every tag: immutable tags looked at first, {@code latest} last, each tag read back.
     */
    PublishResult write(PublishRequest request, Combined combined) {
        repositories.ifPresent(ecr -> new RepositoryPreparer(context.events()).keepLifecyclePolicy(ecr,
                combined.repository().name(), request.repository()));
        List<PushedTag> tagged = new RegistryTags(context).put(registry, combined.repository(), combined.host(),
                combined.index(), request.tags());
        return new PublishResult(combined.repository().uri(), combined.index().digest(), tagged, Duration.ZERO,
                context.since(combined.start())).withPlatforms(combined.platforms());
    }

    /** The repository: ECR's, which must exist; another registry's is made on the first write. */
    private Repository repository(PublishRequest request) {
        String name = request.image().repository();
        if (repositories.isEmpty()) {
            return Repository.createdOnPush(request.host().orElseThrow(), name);
        }
        return repositories.get().repository(name).orElseThrow(() -> Failures.repositoryMissing(name,
                request.image().registry().map(ImageRef.EcrRegistryHost::host).orElse("the account's registry"),
                request.region().orElseThrow(), null));
    }

    /** The sources read so far: the index's entries, and every problem found. */
    private final class Sources {
        private final Repository repository;
        private final List<Manifest.Descriptor> descriptors = new ArrayList<>();
        private final List<PlatformImage> platforms = new ArrayList<>();
        private final Map<Digest, String> entries = new LinkedHashMap<>();
        private final List<PipeException.Configuration.Problem> problems = new ArrayList<>();
        private Map<Tag, Digest> archived;

        Sources(Repository repository) {
            this.repository = repository;
        }

        void add(Tag source) {
            String name = repository.name();
            Optional<Manifest> found = registry.manifest(name, source.value());
            if (found.isEmpty()) {
                problems.add(archived(source).map(d -> Failures.platformSourceArchived(source.value(),
                        repository.uri(), d.value())).orElseGet(() -> Failures.platformSourceMissing(source.value(),
                        repository.uri())));
                return;
            }
            Manifest manifest = found.get();
            if (manifest.isImage()) {
                platformOf(source, manifest).ifPresent(p -> entry(source, new Manifest.Descriptor(
                        manifest.mediaType(), manifest.digest(), manifest.size(), Optional.of(p), Map.of()), ""));
            } else if (manifest.isIndex() && manifest.entries().isPresent()) {
                for (Manifest.Descriptor entry : manifest.entries().get()) {
                    flatten(source, entry);
                }
            } else {
                problems.add(Failures.platformSourceNotAnImage(source.value(), manifest.digest().value(),
                        manifest.mediaType()));
            }
        }

        /** An entry of a source that is itself a multi-platform image: taken as it is. */
        private void flatten(Tag source, Manifest.Descriptor entry) {
            if (entry.isAttestation()) {
                // BuildKit's provenance of a sibling entry: it stays with it, and is no platform of its own
                descriptors.add(entry);
                entries.put(entry.digest(), "an attestation in " + source + " (" + entry.digest() + ")");
                context.events().debug("Keeping the attestation " + entry.digest() + " of " + source + ".");
                return;
            }
            Optional<Platform> platform = entry.platform();
            if (platform.isEmpty()) {
                Optional<Manifest> named = registry.manifest(repository.name(), entry.digest().value());
                if (named.isEmpty() || !named.get().isImage()) {
                    problems.add(Failures.platformSourceWithoutPlatform(source.value(), entry.digest().value(),
                            "its index names the entry " + entry.digest() + " without a platform, and it is not an"
                                    + " image of the repository"));
                    return;
                }
                platform = platformOf(source, named.get());
                if (platform.isEmpty()) {
                    return;
                }
            }
            entry(source, new Manifest.Descriptor(entry.mediaType(), entry.digest(), entry.size(), platform,
                    entry.annotations()), ", an entry of its index");
        }

        /** One platform's image: refused when another source already gave the index that platform. */
        private void entry(Tag source, Manifest.Descriptor descriptor, String where) {
            Platform platform = descriptor.platform().orElseThrow();
            for (PlatformImage earlier : platforms) {
                if (earlier.platform().sameAs(platform)) {
                    problems.add(Failures.platformTwice(source.value(), platform.toString(),
                            earlier.source().value()));
                    return;
                }
            }
            descriptors.add(descriptor);
            platforms.add(new PlatformImage(platform, descriptor.digest(), source));
            entries.put(descriptor.digest(), source + " (" + descriptor.digest() + ")");
            context.events().info("Platform " + platform + ": " + repository.uri() + ":" + source + where + " ("
                    + descriptor.digest() + ").");
        }

        /** The platform an image's configuration names; empty after noting why there is none. */
        private Optional<Platform> platformOf(Tag source, Manifest image) {
            Optional<Manifest.Descriptor> config = image.config();
            if (config.isEmpty()) {
                problems.add(Failures.platformSourceWithoutPlatform(source.value(), image.digest().value(),
                        "its manifest names no configuration"));
                return Optional.empty();
            }
            Digest configDigest = config.get().digest();
            Optional<byte[]> blob = registry.blob(repository.name(), configDigest);
            if (blob.isEmpty()) {
                problems.add(Failures.platformSourceWithoutPlatform(source.value(), image.digest().value(),
                        "its configuration " + configDigest + " is not in the repository"));
                return Optional.empty();
            }
            Optional<Platform> platform;
            try {
                platform = Platform.of(JSON.readTree(new String(blob.get(), StandardCharsets.UTF_8)));
            } catch (IOException e) {
                platform = Optional.empty();
            }
            if (platform.isEmpty()) {
                problems.add(Failures.platformSourceWithoutPlatform(source.value(), image.digest().value(),
                        "its configuration " + configDigest + " has no os or no architecture"));
            }
            return platform;
        }

        /** The digest of an archived image under the tag, in ECR; a principal not allowed to look is told none. */
        private Optional<Digest> archived(Tag source) {
            if (repositories.isEmpty()) {
                return Optional.empty();
            }
            if (archived == null) {
                try {
                    archived = repositories.get().archivedTags(repository.name());
                } catch (PipeException.Authentication e) {
                    context.events().debug("Not looking for archived images: " + e.getMessage());
                    archived = Map.of();
                }
            }
            return Optional.ofNullable(archived.get(source));
        }
    }
}
