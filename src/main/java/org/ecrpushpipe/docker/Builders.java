package org.ecrpushpipe.docker;

/** The engine's builders, by kind. */
@FunctionalInterface
public interface Builders {

    /** The builder of this kind; whether the engine has it is the caller's to check ({@link EngineVersion}). */
    ImageBuilder of(BuilderKind kind);
}
