package org.ecrpushpipe.docker.engine;

import java.io.IOException;

/**
 * A BuildKit session for one build, which the build request names ({@code session=<id>}); closing it (the build
 * ended, failed or was cancelled) closes its connection, and the engine forgets it. An interface of its own, free of
 * gRPC and Netty types, so that a builder without secrets, which never opens one, never loads them either.
 */
interface BuildSession extends AutoCloseable {
    /** The session's id, as the build request names it. */
    String id();

    @Override
    void close();

    /**
     * Opens a session on the engine at {@code dockerHost} serving {@code services}.
     *
     * @param name the session's name as the engine shows it
     * @throws SessionSocket.Refused when the engine does not take the session
     * @throws IOException           when the engine cannot be reached
     */
    static BuildSession open(String dockerHost, String name, SessionServices services) throws IOException {
        return GrpcSession.open(dockerHost, name, services);
    }
}
