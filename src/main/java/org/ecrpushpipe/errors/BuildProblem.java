package org.ecrpushpipe.errors;

/** Why an image build failed, as the engine adapter classifies the engine's answer. */
public enum BuildProblem {
    /** The engine refused the Dockerfile itself: empty, a syntax error, an unknown or unsupported instruction. */
    DOCKERFILE,
    /** A base image named by FROM could not be pulled. */
    BASE_IMAGE,
    /** A step's command exited with a non-zero code. */
    STEP_FAILED,
    /** A step's command was killed (exit code 137, SIGKILL): most often the engine ran out of memory. */
    STEP_KILLED,
    /** A COPY or ADD source is not in the build context. */
    CONTEXT_FILE,
    /** Anything else the build said. */
    OTHER
}
