package org.ecrpushpipe.publish;

import java.util.List;

import org.ecrpushpipe.config.CacheSettings;
import org.ecrpushpipe.config.ImageRef;
import org.ecrpushpipe.config.Tag;
import org.ecrpushpipe.context.BuildContext;

/**
 * What the use case is asked to do, and nothing more: build this context, push it as these tags of this
 * repository. Credentials, endpoints and the engine's address stay with the adapters that use them.
 *
 * @param image  the repository, as IMAGE named it
 * @param region the AWS region of the registry, for messages
 * @param tags   the tags to push, in the order given, never empty
 * @param build  the build context as it will be sent
 * @param cache  the registry layer cache to use (CACHE, CACHE_FROM)
 */
public record PublishRequest(ImageRef image, String region, List<Tag> tags, BuildContext build,
                             CacheSettings cache) {
    public PublishRequest {
        tags = List.copyOf(tags);
    }

    /** A request without the registry cache. */
    public PublishRequest(ImageRef image, String region, List<Tag> tags, BuildContext build) {
        this(image, region, tags, build, CacheSettings.NONE);
    }
}
