package org.ecrpushpipe.docker;

import java.util.function.Consumer;

/**
 * A builder of images on the step's Docker engine: it sends a build request and reads the engine's answer, whose
 * form only it knows. It shows the build as lines of output and ends with a typed {@link BuildOutcome}; what the
 * engine could not do outside the build itself (answer at all, take the request) it throws as the
 * {@link org.ecrpushpipe.errors.PipeException} that {@link org.ecrpushpipe.errors.Failures} words.
 */
public interface ImageBuilder {

    /**
     * Builds an image.
     *
     * @param output       receives the build's output, line by line, as the user should see it
     * @param cancellation stops the build (the engine is told, and abandons it) when cancelled
     */
    BuildOutcome build(BuildRequest request, Consumer<String> output, Cancellation cancellation);
}
