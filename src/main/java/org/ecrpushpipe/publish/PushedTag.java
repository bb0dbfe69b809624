package org.ecrpushpipe.publish;

import org.ecrpushpipe.registry.Digest;
import org.ecrpushpipe.registry.ImageReference;

/**
 * One tag the registry now holds, verified.
 *
 * @param reference    the tag, with its repository
 * @param digest       the manifest digest the registry holds for it
 * @param alreadyThere whether the tag held this image before the run, so nothing was pushed for it
 */
public record PushedTag(ImageReference reference, Digest digest, boolean alreadyThere) {
}
