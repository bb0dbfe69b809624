package org.ecrpushpipe.publish;

/**
 * One tag the registry now holds, verified.
 *
 * @param reference {@code <repository uri>:<tag>}
 * @param digest    the manifest digest the registry holds for it ({@code sha256:…})
 * @param alreadyThere whether the tag held this image before the run, so nothing was pushed for it
 */
public record PushedTag(String reference, String digest, boolean alreadyThere) {
}
