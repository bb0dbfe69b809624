package org.ecrpushpipe.errors;

/**
 * Why a push failed, as the engine adapter classifies the registry's answer. The use case decides on these
 * (retry, log in again, look at what an immutable tag holds), never on the registry's wording.
 */
public enum PushProblem {
    /** The network or the registry failed in a way that may pass: 5xx, throttling, a dropped connection. */
    TRANSIENT(true),
    /** The registry says the login expired: log in again. */
    LOGIN_EXPIRED(false),
    /** The registry refused the login: it is for another registry, or no credentials went. */
    LOGIN_REFUSED(false),
    /** The IAM policy of the pushing principal denies a push action. */
    DENIED(false),
    /** The repository's own policy does not allow this principal (a cross-account push). */
    DENIED_BY_REPOSITORY_POLICY(false),
    /** The repository does not exist. */
    REPOSITORY_MISSING(false),
    /** The tag is immutable and already names another manifest. */
    TAG_IMMUTABLE(false),
    /** A layer is larger than the registry takes. */
    LAYER_TOO_LARGE(false),
    /** The engine could not be reached, or went away, during the push. */
    ENGINE_UNREACHABLE(false),
    /** The push was stopped (the run was cancelled). */
    CANCELLED(false),
    /** Anything else the registry or engine said; not retried. */
    OTHER(false);

    private final boolean transientFailure;

    PushProblem(boolean transientFailure) {
        this.transientFailure = transientFailure;
    }

    /** Whether trying again may succeed. */
    public boolean isTransient() {
        return transientFailure;
    }
}
