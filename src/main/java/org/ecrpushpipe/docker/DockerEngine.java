package org.ecrpushpipe.docker;

import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;

import org.ecrpushpipe.registry.Digest;
import org.ecrpushpipe.registry.ImageReference;
import org.ecrpushpipe.registry.RegistryCredentials;

/**
 * The Docker engine of the pipeline step: the pipe tags, pushes and pulls through it (its builds go through an
 * {@link ImageBuilder}). Implementations classify
 * their library's failures at this boundary: a failed push comes back as a {@link PushOutcome.Failed} with its
 * {@link org.ecrpushpipe.errors.PushProblem}, so the caller decides what to retry; other failures are thrown as the
 * {@link org.ecrpushpipe.errors.PipeException} that {@link org.ecrpushpipe.errors.Failures} words for their kind.
 */
public interface DockerEngine extends AutoCloseable {

    /** The engine's address, for messages. */
    String address();

    /** Checks that the engine answers, and returns what it says of itself (its version, API version, system). */
    EngineVersion ping();

    /**
     * The full id ({@code sha256:…}) of an image the engine holds, by name, name:tag or id; empty when it holds
     * none of that name.
     */
    Optional<Digest> imageId(String image);

    /**
     * The size of the image with this id as the engine holds it (uncompressed, as {@code docker images} shows it),
     * for the report on the commit; empty when the engine does not say. Never fails the run.
     */
    default OptionalLong imageSize(Digest imageId) {
        return OptionalLong.empty();
    }

    /** Points {@code reference} at an image. */
    void tag(Digest imageId, ImageReference reference);

    /**
     * Pushes {@code reference} with the given credentials, passed with the request only.
     *
     * @param progress     receives progress lines
     * @param cancellation stops the push (the engine abandons it; a manifest not yet sent is never sent)
     */
    PushOutcome push(ImageReference reference, RegistryCredentials credentials, Consumer<String> progress,
                     Cancellation cancellation);

    /**
     * Pulls {@code reference} with the given credentials, passed with the request only (nothing is written to a
     * docker config file). A tag the registry does not hold is {@link PullOutcome.Missing}, not a failure.
     *
     * @param progress     receives status lines
     * @param cancellation stops the pull (the engine abandons it)
     */
    PullOutcome pull(ImageReference reference, RegistryCredentials credentials, Consumer<String> progress,
                     Cancellation cancellation);

    /** Whether the engine holds the image with this id (so it need not be pulled again). */
    boolean holds(Digest imageId);

    @Override
    void close();
}
