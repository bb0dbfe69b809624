package org.ecrpushpipe.publish;

import java.util.List;

import org.ecrpushpipe.config.BuildSettings;
import org.ecrpushpipe.config.CacheSettings;
import org.ecrpushpipe.config.ImageRef;
import org.ecrpushpipe.config.Tag;
import org.ecrpushpipe.context.BuildContext;

/**
 * What the use case is asked to do, and nothing more: build this context (or take this image from the engine),
 * push it as these tags of this repository. Credentials, endpoints and the engine's address stay with the adapters
 * that use them.
 *
 * @param image  the repository, as IMAGE named it
 * @param region the AWS region of the registry, for messages
 * @param tags   the tags to push, in the order given, never empty
 * @param source what to publish: a build, or an image already in the engine; a build of nothing (a null context)
 *               for a promotion, which builds nothing
 * @param repository what to do to the repository first: create it when missing, keep its lifecycle policy
 * @param cache  the registry layer cache to use (CACHE, CACHE_FROM); only a build uses it
 */
public record PublishRequest(ImageRef image, String region, List<Tag> tags, ImageSource source,
                             org.ecrpushpipe.config.RepositorySettings repository, CacheSettings cache) {
    public PublishRequest {
        tags = List.copyOf(tags);
    }

    /** A build of {@code build} with no option set, into a repository left as it is (it must exist). */
    public PublishRequest(ImageRef image, String region, List<Tag> tags, BuildContext build) {
        this(image, region, tags, new ImageSource.Build(build, BuildSettings.NONE));
    }

    /** A build of {@code build} with no option set, with this registry cache. */
    public PublishRequest(ImageRef image, String region, List<Tag> tags, BuildContext build, CacheSettings cache) {
        this(image, region, tags, new ImageSource.Build(build, BuildSettings.NONE),
                org.ecrpushpipe.config.RepositorySettings.NONE, cache);
    }

    /** A request that leaves the repository as it is (it must exist), without the registry cache. */
    public PublishRequest(ImageRef image, String region, List<Tag> tags, ImageSource source) {
        this(image, region, tags, source, org.ecrpushpipe.config.RepositorySettings.NONE, CacheSettings.NONE);
    }

    /** A request without the registry cache. */
    public PublishRequest(ImageRef image, String region, List<Tag> tags, ImageSource source,
                          org.ecrpushpipe.config.RepositorySettings repository) {
        this(image, region, tags, source, repository, CacheSettings.NONE);
    }
}
