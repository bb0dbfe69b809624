package org.ecrpushpipe.docker;

import java.util.List;
import java.util.Optional;

import org.ecrpushpipe.errors.BuildProblem;
import org.ecrpushpipe.registry.Digest;

/** How a build ended, as the builder read it from the engine. */
public sealed interface BuildOutcome {

    /**
     * The engine built the image.
     *
     * @param imageId     the image's full id ({@code sha256:…}), which is also its config digest in a registry
     * @param steps       the build's steps that make a layer or change the config ({@code FROM} does neither)
     * @param cachedSteps how many of those were taken from a cache instead of being run
     */
    record Built(Digest imageId, int steps, int cachedSteps) implements BuildOutcome {
    }

    /**
     * The build failed.
     *
     * @param problem   why, classified by the builder
     * @param detail    the engine's own words, for the user (never decided on)
     * @param step      the step that failed, as the builder names it to the user, when known
     * @param lastLines that step's last lines of output, oldest first
     */
    record Failed(BuildProblem problem, String detail, Optional<String> step, List<String> lastLines)
            implements BuildOutcome {
        public Failed {
            lastLines = List.copyOf(lastLines);
        }
    }
}
