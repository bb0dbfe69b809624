package org.ecrpushpipe.publish;

import java.util.List;
import java.util.Optional;

import org.ecrpushpipe.config.BuildSettings;
import org.ecrpushpipe.config.CacheSettings;
import org.ecrpushpipe.config.ImageRef;
import org.ecrpushpipe.config.RepositorySettings;
import org.ecrpushpipe.config.ScanSettings;
import org.ecrpushpipe.config.Tag;
import org.ecrpushpipe.context.BuildContext;
import org.ecrpushpipe.errors.RegistryKind;

/**
 * What the use case is asked to do in the image's own registry, and nothing more: build this context (or take this
 * image from the engine), push it as these tags of this repository. Credentials, endpoints and the engine's address
 * stay with the adapters that use them.
 *
 * @param kind       the kind of registry IMAGE names
 * @param host       the registry host IMAGE names; empty for a bare ECR repository name, whose host ECR's login names
 * @param image      the repository, as IMAGE named it
 * @param region     the AWS region of an ECR registry, for messages; empty for another registry
 * @param tags       the tags to push, in the order given, never empty
 * @param source     what to publish: a build, or an image already in the engine
 * @param repository what to do to the repository first: create it when missing, keep its lifecycle policy
 * @param cache      the registry layer cache to use (CACHE, CACHE_FROM); only a build uses it
 * @param scan       the scan gate the image passes before any tag of {@code tags} names it (SCAN_FAIL_ON); ECR only
 */
public record PublishRequest(RegistryKind kind, Optional<String> host, ImageRef image, Optional<String> region,
                             List<Tag> tags,
                             ImageSource source, RepositorySettings repository, CacheSettings cache,
                             Optional<ScanSettings> scan) {
    public PublishRequest {
        tags = List.copyOf(tags);
    }

    /** A request without the scan gate. */
    public PublishRequest(RegistryKind kind, Optional<String> host, ImageRef image, Optional<String> region,
                          List<Tag> tags, ImageSource source, RepositorySettings repository, CacheSettings cache) {
        this(kind, host, image, region, tags, source, repository, cache, Optional.empty());
    }

    /** The same request, with the scan gate. */
    public PublishRequest withScan(ScanSettings gate) {
        return new PublishRequest(kind, host, image, region, tags, source, repository, cache, Optional.of(gate));
    }

    /** A build of {@code build} with no option set, into an ECR repository left as it is (it must exist). */
    public PublishRequest(ImageRef image, String region, List<Tag> tags, BuildContext build) {
        this(image, region, tags, new ImageSource.Build(build, BuildSettings.NONE));
    }

    /** A build of {@code build} with no option set, into an ECR repository, with this registry cache. */
    public PublishRequest(ImageRef image, String region, List<Tag> tags, BuildContext build, CacheSettings cache) {
        this(RegistryKind.ECR, ecrHost(image), image, Optional.of(region), tags,
                new ImageSource.Build(build, BuildSettings.NONE), RepositorySettings.NONE, cache);
    }

    /** A request to ECR that leaves the repository as it is (it must exist), without the registry cache. */
    public PublishRequest(ImageRef image, String region, List<Tag> tags, ImageSource source) {
        this(image, region, tags, source, RepositorySettings.NONE);
    }

    /** A request to ECR without the registry cache. */
    public PublishRequest(ImageRef image, String region, List<Tag> tags, ImageSource source,
                          RepositorySettings repository) {
        this(RegistryKind.ECR, ecrHost(image), image, Optional.of(region), tags, source, repository,
                CacheSettings.NONE);
    }

    /** The ECR registry host a repository URI names; empty for a bare name. */
    static Optional<String> ecrHost(ImageRef image) {
        return image.registry().map(ImageRef.EcrRegistryHost::host);
    }

    /** The build asked for; empty when an image already in the engine is pushed. */
    Optional<ImageSource.Build> build() {
        return source instanceof ImageSource.Build build ? Optional.of(build) : Optional.empty();
    }
}
