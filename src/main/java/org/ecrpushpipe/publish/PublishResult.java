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
 * @param image         the image's size and the build cache's share, for the report on the commit
 */
public record PublishResult(String repositoryUri, Digest imageId, List<PushedTag> tags, Duration build,
                            Duration push, List<RegionOutcome> regions, ImageFacts image) {
    public PublishResult {
        tags = List.copyOf(tags);
        regions = List.copyOf(regions);
    }

    /** A result of the image's own region alone. */
    public PublishResult(String repositoryUri, Digest imageId, List<PushedTag> tags, Duration build, Duration push) {
        this(repositoryUri, imageId, tags, build, push, List.of());
    }

    /** A result without facts of the image. */
    public PublishResult(String repositoryUri, Digest imageId, List<PushedTag> tags, Duration build, Duration push,
                         List<RegionOutcome> regions) {
        this(repositoryUri, imageId, tags, build, push, regions, ImageFacts.NONE);
    }

    /** The same result, with what each region holds. */
    public PublishResult withRegions(List<RegionOutcome> outcomes) {
        return new PublishResult(repositoryUri, imageId, tags, build, push, outcomes, image);
    }
}
