package org.ecrpushpipe.testbed;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A relay on a free port of 127.0.0.1 in front of the bed's engine ({@code tcp://127.0.0.1:PORT}) that answers one
 * kind of request itself, as an engine the bed cannot run would: {@link Doctoring#NO_BUILDKIT} answers
 * {@code GET /version} as an engine of API 1.37 (Docker 18.03, before BuildKit), {@link Doctoring#NO_SESSIONS}
 * refuses {@code POST /session} as an engine that takes no BuildKit session. The first request of every connection
 * is looked at; everything else goes to the engine and back unchanged, so builds and pushes work as usual.
 */
public final class DoctoredEngine implements AutoCloseable {
    /** What the relay answers itself. */
    public enum Doctoring {
        NO_BUILDKIT, NO_SESSIONS
    }

    private final ServerSocket server;
    private final URI engine;
    private final Doctoring doctoring;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();

    private DoctoredEngine(ServerSocket server, URI engine, Doctoring doctoring) {
        this.server = server;
        this.engine = engine;
        this.doctoring = doctoring;
    }

    public static DoctoredEngine start(String tcpDockerHost, Doctoring doctoring) throws IOException {
        DoctoredEngine relay = new DoctoredEngine(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()),
                URI.create(tcpDockerHost), doctoring);
        Thread acceptor = new Thread(relay::accept, "doctored-engine-" + relay.server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
        return relay;
    }

    /** The DOCKER_HOST to hand the pipe. */
    public String dockerHost() {
        return "tcp://127.0.0.1:" + server.getLocalPort();
    }

    private void accept() {
        try {
            while (true) {
                Socket client = server.accept();
                sockets.add(client);
                Thread thread = new Thread(() -> serve(client), "doctored-engine-connection");
                thread.setDaemon(true);
                thread.start();
            }
        } catch (IOException closed) {
            // close() ended the relay
        }
    }

    private void serve(Socket client) {
        try {
            byte[] head = head(client.getInputStream());
            String request = new String(head, StandardCharsets.ISO_8859_1);
            if (doctoring == Doctoring.NO_BUILDKIT && request.matches("(?s)GET (/v[0-9.]+)?/version[ ?].*")) {
                answer(client, "200 OK", "{\"Version\":\"18.03.1-ce\",\"ApiVersion\":\"1.37\",\"MinAPIVersion\":"
                        + "\"1.12\",\"Os\":\"linux\",\"Arch\":\"amd64\"}");
            } else if (doctoring == Doctoring.NO_SESSIONS && request.matches("(?s)POST (/v[0-9.]+)?/session[ ?].*")) {
                answer(client, "400 Bad Request", "{\"message\":\"session not supported by this engine\"}");
            } else {
                forward(client, head);
            }
        } catch (IOException e) {
            close(client);
        }
    }

    private static byte[] head(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("closed before a request");
            }
            head.write(c);
        }
        return head.toByteArray();
    }

    private static void answer(Socket client, String status, String json) throws IOException {
        byte[] body = (json + "\n").getBytes(StandardCharsets.UTF_8);
        OutputStream out = client.getOutputStream();
        out.write(("HTTP/1.1 " + status + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length
                + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.write(body);
        out.flush();
        client.close();
    }

    private void forward(Socket client, byte[] head) throws IOException {
        Socket upstream = new Socket(engine.getHost(), engine.getPort());
        sockets.add(upstream);
        upstream.getOutputStream().write(head);
        pump(client, upstream);
        pump(upstream, client);
    }

    private static void pump(Socket from, Socket to) {
        Thread thread = new Thread(() -> {
            try {
                from.getInputStream().transferTo(to.getOutputStream());
            } catch (IOException e) {
                // either side closed
            }
            close(from);
            close(to);
        }, "doctored-engine-pump");
        thread.setDaemon(true);
        thread.start();
    }

    private static void close(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        sockets.forEach(DoctoredEngine::close);
    }
}
