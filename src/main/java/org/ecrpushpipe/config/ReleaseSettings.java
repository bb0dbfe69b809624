package org.ecrpushpipe.config;

import java.util.List;
import java.util.Optional;

/**
 * Where the image comes from and where else it goes: built from the clone (the default), promoted from an image
 * already in the repository ({@code SOURCE_TAG} or {@code SOURCE_DIGEST}), or combined from images of several
 * platforms already in the repository ({@code PLATFORM_TAGS}); and the other regions of the account that get the
 * same image ({@code MIRROR_REGIONS}).
 *
 * @param sourceTag     the tag of the image to promote; empty when building (or promoting by digest)
 * @param sourceDigest  the manifest digest ({@code sha256:…}) of the image to promote; empty when building (or
 *                      promoting by tag)
 * @param mirrorRegions other regions to put the same image in, in the order given, without duplicates and never the
 *                      image's own region
 * @param platformTags  the tags of the single-platform images to combine into one multi-platform image, in the
 *                      order given, without duplicates; empty when building (or promoting)
 */
public record ReleaseSettings(Optional<Tag> sourceTag, Optional<String> sourceDigest, List<String> mirrorRegions,
                              List<Tag> platformTags) {
    /** Build the image, push it to its own region only. */
    public static final ReleaseSettings NONE = new ReleaseSettings(Optional.empty(), Optional.empty(), List.of());

    public ReleaseSettings {
        mirrorRegions = List.copyOf(mirrorRegions);
        platformTags = List.copyOf(platformTags);
    }

    /** Build (or promote) rather than combine. */
    public ReleaseSettings(Optional<Tag> sourceTag, Optional<String> sourceDigest, List<String> mirrorRegions) {
        this(sourceTag, sourceDigest, mirrorRegions, List.of());
    }

    /** Whether the run combines images of several platforms (PLATFORM_TAGS) instead of building one. */
    public boolean combines() {
        return !platformTags.isEmpty();
    }

    /** Whether the run promotes an image already in the repository instead of building one. */
    public boolean promotes() {
        return sourceTag.isPresent() || sourceDigest.isPresent();
    }
}
