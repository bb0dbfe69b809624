package org.ecrpushpipe.publish;

import java.util.Optional;
import java.util.OptionalLong;

/**
 * What a run learnt of its image beyond the tags, for the report on the commit.
 *
 * @param size  the image's size as the engine holds it (uncompressed, as {@code docker images} shows it); empty
 *              for a promotion, which has no image in the engine
 * @param build the build's steps and how many a cache served; empty when nothing was built
 */
public record ImageFacts(OptionalLong size, Optional<BuildSteps> build) {
    /** Nothing known. */
    public static final ImageFacts NONE = new ImageFacts(OptionalLong.empty(), Optional.empty());

    /**
     * @param total  the build's steps that make a layer or change the config
     * @param cached how many of those a cache served
     */
    public record BuildSteps(int total, int cached) {
    }
}
