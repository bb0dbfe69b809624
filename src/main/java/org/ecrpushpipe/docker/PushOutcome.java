package org.ecrpushpipe.docker;

/** How the push of one tag ended, as the engine reported it. */
public sealed interface PushOutcome {

    /** The registry accepted the manifest; {@code digest} is its {@code sha256:…} digest. */
    record Pushed(String digest) implements PushOutcome {
    }

    /** The push failed; {@code message} is the engine's error text (from the progress stream or the call). */
    record Failed(String message) implements PushOutcome {
    }
}
