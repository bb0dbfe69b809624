package org.ecrpushpipe.publish;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

import org.ecrpushpipe.registry.Digest;

/**
 * The outcome of a successful run: every tag pushed, in push order, and where the time went.
 *
 * @param repositoryUri {@code <registry host>/<repository>}
 * @param imageId       the built image's id (a promoted image's id, or its manifest digest for a manifest list)
 * @param regions       what each region holds now, the image's own region first, then MIRROR_REGIONS in order;
 *                      empty until {@link MirrorStep} has been through them
 * @param platforms     each platform's image of a multi-platform image made of them (PLATFORM_TAGS), in the
 *                      index's order; empty for an image of one platform
 * @param image         the image's size and the build cache's share, for the report on the commit
 */
public record PublishResult(String repositoryUri, Digest imageId, List<PushedTag> tags, Duration build,
                            Duration push, List<RegionOutcome> regions, List<PlatformImage> platforms,
                            ImageFacts image) {
    public PublishResult {
        tags = List.copyOf(tags);
        regions = List.copyOf(regions);
        platforms = List.copyOf(platforms);
        Objects.requireNonNull(image);
    }

    /** A result of the image's own region alone, of one platform, without facts of the image. */
    public PublishResult(String repositoryUri, Digest imageId, List<PushedTag> tags, Duration build, Duration push) {
        this(repositoryUri, imageId, tags, build, push, List.of(), List.of(), ImageFacts.NONE);
    }

    /** A result of an image of one platform, without facts of the image. */
    public PublishResult(String repositoryUri, Digest imageId, List<PushedTag> tags, Duration build, Duration push,
                         List<RegionOutcome> regions) {
        this(repositoryUri, imageId, tags, build, push, regions, List.of(), ImageFacts.NONE);
    }

    /** The same result, with what each region holds. */
    public PublishResult withRegions(List<RegionOutcome> outcomes) {
        return new PublishResult(repositoryUri, imageId, tags, build, push, outcomes, platforms, image);
    }

    /** The same result, of a multi-platform image made of these images. */
    public PublishResult withPlatforms(List<PlatformImage> images) {
        return new PublishResult(repositoryUri, imageId, tags, build, push, regions, images, image);
    }
}
