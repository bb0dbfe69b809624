package org.ecrpushpipe.testbed;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The bed's Docker engine on a unix socket, the way a user hands it to a container with
 * {@code -v /var/run/docker.sock:/var/run/docker.sock}: a socket file that relays every connection to the engine
 * at a {@code tcp://127.0.0.1:PORT} DOCKER_HOST. The file is {@code rw} for everyone, as a test that runs a
 * container as another user needs (the real socket's group does that on a workstation). {@link #close()} stops it
 * and removes its directory.
 */
public final class UnixSocketRelay implements AutoCloseable {
    private final Path dir;
    private final Path socket;
    private final ServerSocketChannel server;
    private final InetSocketAddress engine;

    private UnixSocketRelay(Path dir, Path socket, ServerSocketChannel server, InetSocketAddress engine) {
        this.dir = dir;
        this.socket = socket;
        this.server = server;
        this.engine = engine;
    }

    /** Starts a relay to {@code tcpDockerHost} ({@code tcp://127.0.0.1:PORT}) in a new temporary directory. */
    public static UnixSocketRelay start(String tcpDockerHost) throws IOException {
        URI uri = URI.create(tcpDockerHost);
        if (!"tcp".equals(uri.getScheme()) || uri.getPort() < 0) {
            throw new IllegalArgumentException("expected a tcp://HOST:PORT DOCKER_HOST, got " + tcpDockerHost);
        }
        // Under /tmp: a unix socket path may not exceed 107 bytes.
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "ecr-engine-sock-");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path socket = dir.resolve("docker.sock");
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw-rw-"));
        UnixSocketRelay relay = new UnixSocketRelay(dir, socket, server,
                new InetSocketAddress(uri.getHost(), uri.getPort()));
        Thread acceptor = new Thread(relay::acceptLoop, "engine-socket-relay");
        acceptor.setDaemon(true);
        acceptor.start();
        return relay;
    }

    /** The socket file to mount as {@code /var/run/docker.sock}. */
    public Path socket() {
        return socket;
    }

    private void acceptLoop() {
        while (server.isOpen()) {
            SocketChannel client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return; // closed
            }
            Thread handler = new Thread(() -> relay(client), "engine-socket-connection");
            handler.setDaemon(true);
            handler.start();
        }
    }

    private void relay(SocketChannel client) {
        try (client; SocketChannel upstream = SocketChannel.open(engine)) {
            Thread back = new Thread(() -> copy(upstream, client), "engine-socket-response");
            back.setDaemon(true);
            back.start();
            copy(client, upstream);
            back.join();
        } catch (IOException e) {
            // the engine is gone: the client sees its connection close
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Copies until {@code from} ends, then half-closes {@code to}, as an HTTP client's end of request does. */
    private static void copy(SocketChannel from, SocketChannel to) {
        ByteBuffer buffer = ByteBuffer.allocate(1 << 16);
        try {
            while (from.read(buffer) >= 0) {
                buffer.flip();
                while (buffer.hasRemaining()) {
                    to.write(buffer);
                }
                buffer.clear();
            }
            to.shutdownOutput();
        } catch (IOException e) {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private static void closeQuietly(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        Files.deleteIfExists(socket);
        Files.deleteIfExists(dir);
    }
}
