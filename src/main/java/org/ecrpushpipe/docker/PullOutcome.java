package org.ecrpushpipe.docker;

/**
 * How the pull of one image ended, as the engine reported it. A cache image that cannot be had is never a failure
 * of the run: the caller only decides what to say and what to build with.
 */
public sealed interface PullOutcome {

    /** The engine now holds the image. */
    record Pulled() implements PullOutcome {
    }

    /** The registry holds no such tag (or no such repository). */
    record Missing(String detail) implements PullOutcome {
    }

    /** The registry or the engine refused or failed the pull; {@code detail} is their own words. */
    record Refused(String detail) implements PullOutcome {
    }
}
