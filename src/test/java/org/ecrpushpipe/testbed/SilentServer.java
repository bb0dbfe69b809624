package org.ecrpushpipe.testbed;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A server on a free port of 127.0.0.1 that accepts every connection, reads whatever the client sends, and never
 * answers: an endpoint behind a firewall that drops replies, a load balancer whose backend hangs, a process that
 * stopped. A client without a read timeout waits forever on it. {@link #close()} closes the listener and every
 * connection (the clients then see end of stream).
 */
public final class SilentServer implements AutoCloseable {
    private final ServerSocket server;
    private final List<Socket> connections = new CopyOnWriteArrayList<>();
    private final AtomicInteger accepted = new AtomicInteger();

    private SilentServer(ServerSocket server) {
        this.server = server;
    }

    public static SilentServer start() throws IOException {
        SilentServer silent = new SilentServer(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
        Thread acceptor = new Thread(silent::acceptLoop, "silent-server-" + silent.port());
        acceptor.setDaemon(true);
        acceptor.start();
        return silent;
    }

    public int port() {
        return server.getLocalPort();
    }

    /** {@code http://127.0.0.1:PORT}, e.g. for AWS_ENDPOINT_URL. */
    public String httpUrl() {
        return "http://127.0.0.1:" + port();
    }

    /** {@code tcp://127.0.0.1:PORT}, for DOCKER_HOST. */
    public String tcpAddress() {
        return "tcp://127.0.0.1:" + port();
    }

    /** How many connections it has accepted so far: how many attempts a client made. */
    public int connectionsAccepted() {
        return accepted.get();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            Socket socket;
            try {
                socket = server.accept();
            } catch (IOException closed) {
                return;
            }
            accepted.incrementAndGet();
            connections.add(socket);
            Thread reader = new Thread(() -> swallow(socket), "silent-server-connection");
            reader.setDaemon(true);
            reader.start();
        }
    }

    /** Reads and drops the request, so a client's writes never block; answers nothing. */
    private static void swallow(Socket socket) {
        byte[] buffer = new byte[8192];
        try (InputStream in = socket.getInputStream()) {
            while (in.read(buffer) >= 0) {
                // nothing is ever answered
            }
        } catch (IOException gone) {
            // the client gave up, or close() closed it
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket socket : connections) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }
}
