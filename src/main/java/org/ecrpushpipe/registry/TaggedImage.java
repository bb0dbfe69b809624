package org.ecrpushpipe.registry;

import java.util.Optional;

/**
 * What a tag points at in the registry.
 *
 * @param manifestDigest the digest of the manifest the tag names ({@code sha256:…})
 * @param imageId        the digest of the image's configuration, which is the image id a Docker engine shows
 *                       for it; empty when the tag names a manifest list or an artifact
 */
public record TaggedImage(Digest manifestDigest, Optional<Digest> imageId) {
}
