package org.ecrpushpipe.results;

import java.util.List;

import org.ecrpushpipe.publish.PublishResult;
import org.ecrpushpipe.publish.PushedTag;
import org.ecrpushpipe.registry.Digest;

/**
 * What a later step needs from a successful run, and nothing secret: the repository URI, the manifest digest (to
 * deploy by digest) and the tags pushed. Rendered by {@link DotenvResults} and {@link JsonResults}.
 *
 * @param imageUri {@code <registry host>/<repository>}
 * @param digest   the pushed manifest's digest; {@code <imageUri>@<digest>} names the image immutably
 * @param tags     the tags now pointing at it, in push order
 * @param regions  the same image in further regions (mirroring), one record each; empty without mirroring
 * @param platforms the images of a multi-platform image (PLATFORM_TAGS), in its order; empty for one platform
 */
public record ImageResults(String imageUri, Digest digest, List<String> tags, List<Region> regions,
                           List<Platform> platforms) {
    public ImageResults {
        tags = List.copyOf(tags);
        regions = List.copyOf(regions);
        platforms = List.copyOf(platforms);
    }

    /** The results of an image of one platform. */
    public ImageResults(String imageUri, Digest digest, List<String> tags, List<Region> regions) {
        this(imageUri, digest, tags, regions, List.of());
    }

    /**
     * One platform's image of a multi-platform image.
     *
     * @param platform  its platform, {@code linux/arm64}
     * @param digest    its manifest digest, which names it alone ({@code <imageUri>@<digest>})
     * @param sourceTag the tag of PLATFORM_TAGS it came from
     */
    public record Platform(String platform, Digest digest, String sourceTag) {
    }

    /**
     * The image in one more region.
     *
     * @param region   the AWS region ({@code eu-west-1})
     * @param imageUri the repository URI in that region's registry
     * @param digest   the manifest digest there
     */
    public record Region(String region, String imageUri, Digest digest) {
    }

    /** The results of a run, from the use case's own result. */
    public static ImageResults of(PublishResult result) {
        List<PushedTag> tags = result.tags();
        if (tags.isEmpty()) {
            throw new IllegalArgumentException("a successful run pushed at least one tag");
        }
        return new ImageResults(result.repositoryUri(), tags.get(0).digest(),
                tags.stream().map(t -> t.reference().tag().value()).toList(),
                // the image's own region is the first outcome; the further ones are the mirror regions
                result.regions().stream().skip(1).filter(r -> r.digest().isPresent())
                        .map(r -> new Region(r.region(), r.repositoryUri(), r.digest().get())).toList(),
                result.platforms().stream().map(p -> new Platform(p.platform().toString(), p.digest(),
                        p.source().value())).toList());
    }
}
