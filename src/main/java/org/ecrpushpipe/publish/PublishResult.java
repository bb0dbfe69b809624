package org.ecrpushpipe.publish;

import java.time.Duration;
import java.util.List;

import org.ecrpushpipe.registry.Digest;

/**
 * The outcome of a successful run: every tag pushed, in push order, and where the time went.
 *
 * @param repositoryUri {@code <registry host>/<repository>}
 * @param imageId       the built image's id (a promoted image's id, or its manifest digest for a manifest list)
 * @param regions       what each region holds now, the image's own region first, then MIRROR_REGIONS in order;
 *                      empty until {@link RegionMirror} has been through them
 * @param platforms     each platform's image of a multi-platform image made of them (PLATFORM_TAGS), in the
 *                      index's order; empty for an image of one platform
 */
public record PublishResult(String repositoryUri, Digest imageId, List<PushedTag> tags, Duration build,
                            Duration push, List<RegionOutcome> regions, List<PlatformImage> platforms) {
    public PublishResult {
        tags = List.copyOf(tags);
        regions = List.copyOf(regions);
        platforms = List.copyOf(platforms);
    }

    /** A result of the image's own region alone. */
    public PublishResult(String repositoryUri, Digest imageId, List<PushedTag> tags, Duration build, Duration push) {
        this(repositoryUri, imageId, tags, build, push, List.of(), List.of());
    }

    /** A result of an image of one platform. */
    public PublishResult(String repositoryUri, Digest imageId, List<PushedTag> tags, Duration build, Duration push,
                         List<RegionOutcome> regions) {
        this(repositoryUri, imageId, tags, build, push, regions, List.of());
    }

    /** The same result, with what each region holds. */
    public PublishResult withRegions(List<RegionOutcome> outcomes) {
        return new PublishResult(repositoryUri, imageId, tags, build, push, outcomes, platforms);
    }

    /** The same result, of a multi-platform image made of these images. */
    public PublishResult withPlatforms(List<PlatformImage> images) {
        return new PublishResult(repositoryUri, imageId, tags, build, push, regions, images);
    }
}
