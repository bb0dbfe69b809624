package org.ecrpushpipe.config;

import java.util.List;
import java.util.Optional;

/**
 * Where the image comes from and where else it goes: built from the clone (the default), or promoted from an image
 * already in the repository ({@code SOURCE_TAG} or {@code SOURCE_DIGEST}); and the other regions of the account
 * that get the same image ({@code MIRROR_REGIONS}).
 *
 * @param sourceTag     the tag of the image to promote; empty when building (or promoting by digest)
 * @param sourceDigest  the manifest digest ({@code sha256:…}) of the image to promote; empty when building (or
 *                      promoting by tag)
 * @param mirrorRegions other regions to put the same image in, in the order given, without duplicates and never the
 *                      image's own region
 */
public record ReleaseSettings(Optional<Tag> sourceTag, Optional<String> sourceDigest, List<String> mirrorRegions) {
    /** Build the image, push it to its own region only. */
    public static final ReleaseSettings NONE = new ReleaseSettings(Optional.empty(), Optional.empty(), List.of());

    public ReleaseSettings {
        mirrorRegions = List.copyOf(mirrorRegions);
    }

    /** Whether the run promotes an image already in the repository instead of building one. */
    public boolean promotes() {
        return sourceTag.isPresent() || sourceDigest.isPresent();
    }
}
