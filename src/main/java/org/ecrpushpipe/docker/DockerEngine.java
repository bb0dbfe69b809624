package org.ecrpushpipe.docker;

import java.util.function.Consumer;

import org.ecrpushpipe.config.Tag;
import org.ecrpushpipe.registry.RegistryCredentials;

/**
 * The Docker engine of the pipeline step: the pipe builds, tags and pushes through it. Implementations translate
 * their library's failures into {@link org.ecrpushpipe.errors.PipeException}s, except push failures, which come
 * back as a {@link PushOutcome.Failed} so the caller decides what to retry.
 */
public interface DockerEngine extends AutoCloseable {

    /** The engine's address, for messages. */
    String address();

    /** Checks that the engine answers. */
    void ping();

    /**
     * Builds an image.
     *
     * @param output       receives the build's output, line by line
     * @param cancellation stops the build (the engine is told, and abandons it) when cancelled
     * @return the built image's full id ({@code sha256:…}), which is also its config digest in a registry
     */
    String build(BuildRequest request, Consumer<String> output, Cancellation cancellation);

    /** Points {@code repository:tag} at an image. */
    void tag(String imageId, String repository, Tag tag);

    /**
     * Pushes {@code repository:tag} with the given credentials, passed with the request only.
     *
     * @param progress receives progress lines
     */
    PushOutcome push(String repository, Tag tag, RegistryCredentials credentials, Consumer<String> progress);

    @Override
    void close();
}
