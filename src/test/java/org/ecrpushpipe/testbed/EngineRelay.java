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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A TCP relay on a free port of 127.0.0.1 in front of the bed's Docker engine ({@code tcp://127.0.0.1:PORT}) that
 * can make the engine go away for its client: {@link #cutWhenEngineSends(String)} closes every relayed
 * connection, and the listener, the moment the engine's answers carry a marker (e.g. a line a {@code RUN} step
 * echoes: as it is from the classic builder, base64-encoded inside BuildKit's status messages), so a pipe that uses
 * the relay as DOCKER_HOST loses its engine mid-build, as when Bitbucket's docker
 * service dies. The engine itself keeps running (the bed's engine is shared; it sees its client go and abandons
 * the build); for the client there is no difference: its connection breaks and nothing answers on the address
 * any more. {@link #close()} stops the relay.
 */
public final class EngineRelay implements AutoCloseable {
    private final ServerSocket server;
    private final InetSocketAddress engine;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final CountDownLatch cut = new CountDownLatch(1);
    private volatile List<byte[]> markers = List.of();

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

    /**
     * Cuts everything once the engine's answers contain {@code text} (ASCII): as it is (the classic builder's JSON
     * stream), or base64-encoded in a BuildKit status message ({@code "aux":"<base64 protobuf>"}) at any of the
     * three offsets it can have in the encoded bytes.
     */
    public void cutWhenEngineSends(String text) {
        byte[] plain = text.getBytes(StandardCharsets.US_ASCII);
        List<byte[]> all = new ArrayList<>(List.of(plain));
        for (int offset = 0; offset < 3; offset++) {
            // the text after `offset` other bytes: the first group of four characters also encodes those, the last
            // may encode what follows; the groups between encode the text's bytes alone
            byte[] shifted = new byte[offset + plain.length];
            System.arraycopy(plain, 0, shifted, offset, plain.length);
            String encoded = Base64.getEncoder().encodeToString(shifted);
            int from = offset == 0 ? 0 : 4;
            int to = (shifted.length / 3) * 4;
            all.add(encoded.substring(from, to).getBytes(StandardCharsets.US_ASCII));
        }
        markers = List.copyOf(all);
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
                List<byte[]> wanted = markers;
                if (fromEngine && !wanted.isEmpty()) {
                    byte[] joined = new byte[window.length + n];
                    System.arraycopy(window, 0, joined, 0, window.length);
                    System.arraycopy(buffer, 0, joined, window.length, n);
                    if (wanted.stream().anyMatch(m -> indexOf(joined, m) >= 0)) {
                        cut();
                        return; // the client never sees the marker's chunk: the engine died before sending it
                    }
                    int longest = wanted.stream().mapToInt(m -> m.length).max().orElse(1);
                    int keep = Math.min(joined.length, longest - 1);
                    window = Arrays.copyOfRange(joined, joined.length - keep, joined.length);
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
