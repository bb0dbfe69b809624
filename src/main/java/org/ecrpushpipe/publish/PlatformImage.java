package org.ecrpushpipe.publish;

import org.ecrpushpipe.config.Tag;
import org.ecrpushpipe.registry.Digest;
import org.ecrpushpipe.registry.Platform;

/**
 * One platform's image in a multi-platform image (PLATFORM_TAGS).
 *
 * @param platform the platform its configuration names
 * @param digest   its manifest digest, which the multi-platform image names
 * @param source   the tag of PLATFORM_TAGS it came from (the tag of an index it was an entry of)
 */
public record PlatformImage(Platform platform, Digest digest, Tag source) {
}
