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
    /**
     * BuildKit: the Dockerfile uses syntax that a newer Dockerfile frontend knows but the one built into this engine
     * does not (a here-document or {@code COPY --link} on Docker 20.10, whose BuildKit 0.8 reads Dockerfile syntax
     * 1.2; Docker 23.0 brings 1.4). The failure's detail ends by naming the engine's version.
     */
    FRONTEND_TOO_OLD,
    /**
     * BuildKit: a step needs what only a client session gives ({@code RUN --mount=type=secret} or
     * {@code type=ssh}), and the build has none (the engine says {@code no active sessions}).
     */
    SESSION_NEEDED,
    /**
     * BuildKit: a {@code RUN --mount=type=secret} marked {@code required} names an id the build's session does not
     * serve (BUILD_SECRETS lacks it).
     */
    SECRET_MISSING,
    /**
     * BuildKit: the engine cannot give the build's steps the network asked for, e.g. its default network on an
     * engine started without a bridge ({@code network bridge not found}); no step's command ran.
     */
    NETWORK_UNAVAILABLE,
    /** Anything else the build said. */
    OTHER
}
