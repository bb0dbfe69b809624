package org.ecrpushpipe.registry;

import java.util.Optional;

/**
 * What a repository holds under a tag and under a manifest digest, read in one request: after a push, whether the
 * pushed manifest is this build's image, and whether the tag still names it.
 *
 * @param tag    what the tag points at; empty when the tag does not exist
 * @param digest the image with that manifest digest; empty when there is none
 */
public record TagAndDigest(Optional<TaggedImage> tag, Optional<TaggedImage> digest) {
}
