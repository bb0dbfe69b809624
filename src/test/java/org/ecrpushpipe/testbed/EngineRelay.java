package org.ecrpushpipe.testbed;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A TCP relay on a free port of 127.0.0.1 in front of the bed's Docker engine ({@code tcp://127.0.0.1:PORT}) that
 * can make the engine go away for its client: {@link #cutWhenEngineSends(String)} closes every relayed
 * connection, and the listener, the moment the engine's answers carry a marker (e.g. a line a {@code RUN} step
 * echoes), so a pipe that uses the relay as DOCKER_HOST loses its engine mid-build, as when Bitbucket's docker
 * service dies. The engine itself keeps running (the bed's engine is shared; it sees its client go and abandons
 * the build); for the client there is no difference: its connection breaks and nothing answers on the address
 * any more. {@link #close()} stops the relay.
 */
public final class EngineRelay implements AutoCloseable {
    private final ServerSocket server;
    private final InetSocketAddress engine;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final CountDownLatch cut = new CountDownLatch(1);
    private volatile byte[] marker;

    private EngineRelay(ServerSocket server, InetSocketAddress engine) {
        this.server = server;
        this.engine = engine;
    }

    /** Starts a relay to {@code tcpDockerHost} ({@code tcp://127.0.0.1:PORT}). */
    public static EngineRelay start(String tcpDockerHost) throws IOException {
        URI uri = URI.create(tcpDockerHost);
        if (!"tcp".equals(uri.getScheme()) || uri.getPort() < 0) {
            throw new IllegalArgumentException("expected a tcp://HOST:PORT DOCKER_HOST, got " + tcpDockerHost);
        }
        EngineRelay relay = new EngineRelay(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()),
                new InetSocketAddress(uri.getHost(), uri.getPort()));
        Thread acceptor = new Thread(relay::acceptLoop, "engine-relay-" + relay.server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
        return relay;
    }

    /** {@code tcp://127.0.0.1:PORT}: the DOCKER_HOST to hand the pipe. */
    public String dockerHost() {
        return "tcp://127.0.0.1:" + server.getLocalPort();
    }

    /** Cuts everything once the engine's answers contain {@code text} (ASCII, as it appears on the wire). */
    public void cutWhenEngineSends(String text) {
        marker = text.getBytes(StandardCharsets.US_ASCII);
    }

    /** Waits until the relay has cut; false if it has not within {@code seconds}. */
    public boolean awaitCut(long seconds) throws InterruptedException {
        return cut.await(seconds, TimeUnit.SECONDS);
    }

    /** Closes the listener and every relayed connection: the engine is gone for every client of the relay. */
    public void cut() {
        cut.countDown();
        closeQuietly(server);
        sockets.forEach(EngineRelay::closeQuietly);
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException closed) {
                return;
            }
            Thread handler = new Thread(() -> relay(client), "engine-relay-connection");
            handler.setDaemon(true);
            handler.start();
        }
    }

    private void relay(Socket client) {
        sockets.add(client);
        try (client; Socket upstream = new Socket(engine.getAddress(), engine.getPort())) {
            sockets.add(upstream);
            if (cut.getCount() == 0) {
                return; // cut while this connection was being set up
            }
            Thread back = new Thread(() -> copy(upstream, client, true), "engine-relay-answers");
            back.setDaemon(true);
            back.start();
            copy(client, upstream, false);
            back.join();
        } catch (IOException | InterruptedException e) {
            // a side closed, or the relay was cut
        }
    }

    /** Copies until end of stream; on the engine's side, watches for the marker in a window over read boundaries. */
    private void copy(Socket from, Socket to, boolean fromEngine) {
        byte[] buffer = new byte[16384];
        byte[] window = new byte[0];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            int n;
            while ((n = in.read(buffer)) >= 0) {
                byte[] wanted = marker;
                if (fromEngine && wanted != null) {
                    byte[] joined = new byte[window.length + n];
                    System.arraycopy(window, 0, joined, 0, window.length);
                    System.arraycopy(buffer, 0, joined, window.length, n);
                    if (indexOf(joined, wanted) >= 0) {
                        cut();
                        return; // the client never sees the marker's chunk: the engine died before sending it
                    }
                    int keep = Math.min(joined.length, wanted.length - 1);
                    window = java.util.Arrays.copyOfRange(joined, joined.length - keep, joined.length);
                }
                out.write(buffer, 0, n);
                out.flush();
            }
            to.shutdownOutput();
        } catch (IOException e) {
            // closed by the other direction or by cut()
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception ignored) {
            // already closed
        }
    }

    @Override
    public void close() {
        closeQuietly(server);
        sockets.forEach(EngineRelay::closeQuietly);
    }
}
