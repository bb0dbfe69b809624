package org.ecrpushpipe.docker;

/** Which of the engine's builders builds the image. */
public enum BuilderKind {
    /** The classic builder ({@code POST /build?version=1}): every engine has it; no BuildKit syntax. */
    CLASSIC,
    /**
     * BuildKit, through the engine's API ({@code POST /build?version=2}): {@code RUN --mount}, {@code COPY --chmod},
     * only the stages the target needs; the Dockerfile syntax is that of the frontend built into the engine.
     */
    BUILDKIT
}
