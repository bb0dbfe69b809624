package org.ecrpushpipe.docker.engine;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The connection a BuildKit session runs on: a socket of its own to the engine at {@code DOCKER_HOST} (TCP or a unix
 * socket), upgraded by {@code POST /session} with {@code Upgrade: h2c} as the docker CLI upgrades it (moby's
 * {@code client/session.go}; BuildKit's {@code session/manager.go}). After {@code 101 Switching Protocols} the engine
 * speaks HTTP/2 on it as the client. docker-java's transport cannot carry it: its hijacked requests always say
 * {@code Upgrade: tcp}, which the engine refuses for a session.
 */
final class SessionSocket implements Closeable {
    private static final Pattern CONTENT_LENGTH = Pattern.compile("(?im)^content-length:\\s*(\\d{1,7})\\s*$");
    private static final Pattern MESSAGE = Pattern.compile("\"message\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");

    private final Closeable connection;
    private final InputStream in;
    private final OutputStream out;

    /** The engine answered the upgrade with something else than {@code 101}: its status line and message. */
    static final class Refused extends IOException {
        Refused(String answer) {
            super(answer);
        }
    }

    private SessionSocket(Closeable connection, InputStream in, OutputStream out) {
        this.connection = connection;
        this.in = in;
        this.out = out;
    }

    /**
     * Connects and upgrades.
     *
     * @param name    the session's name, as the engine shows it (the CLI sends the context directory's name)
     * @param methods the gRPC methods the session serves ({@code /package.Service/Method})
     * @throws Refused when the engine does not switch protocols
     */
    static SessionSocket open(String dockerHost, String id, String name, List<String> methods) throws IOException {
        SessionSocket socket = connect(URI.create(dockerHost));
        try {
            socket.out.write(request(id, name, methods).getBytes(StandardCharsets.US_ASCII));
            socket.out.flush();
            String head = socket.readHead();
            if (!head.startsWith("HTTP/1.1 101") && !head.startsWith("HTTP/1.0 101")) {
                throw new Refused(refusal(head, socket));
            }
            return socket;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    private static String request(String id, String name, List<String> methods) {
        StringBuilder request = new StringBuilder("POST /session HTTP/1.1\r\nHost: docker\r\n")
                .append("Content-Length: 0\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n")
                .append("X-Docker-Expose-Session-Uuid: ").append(id).append("\r\n")
                .append("X-Docker-Expose-Session-Name: ").append(name).append("\r\n");
        methods.forEach(m -> request.append("X-Docker-Expose-Session-Grpc-Method: ").append(m).append("\r\n"));
        return request.append("\r\n").toString();
    }

    /** The engine's refusal: its status line, and the {@code message} of its JSON answer when there is one. */
    private static String refusal(String head, SessionSocket socket) {
        String status = head.lines().findFirst().orElse("").strip();
        Matcher length = CONTENT_LENGTH.matcher(head);
        try {
            int size = length.find() ? Integer.parseInt(length.group(1)) : 0;
            String body = new String(socket.in.readNBytes(Math.min(size, 64 * 1024)), StandardCharsets.UTF_8);
            Matcher message = MESSAGE.matcher(body);
            return message.find() ? status + ": " + message.group(1) : status;
        } catch (IOException | RuntimeException e) {
            return status;
        }
    }

    private static SessionSocket connect(URI dockerHost) throws IOException {
        if ("unix".equals(dockerHost.getScheme().toLowerCase(Locale.ROOT))) {
            SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(Path.of(dockerHost.getPath())));
            return new SessionSocket(channel, channelInput(channel), channelOutput(channel));
        }
        Socket socket = new Socket(dockerHost.getHost(), dockerHost.getPort());
        socket.setTcpNoDelay(true);
        return new SessionSocket(socket, socket.getInputStream(), socket.getOutputStream());
    }

    /**
     * A unix socket channel's reading side. Not {@code Channels.newInputStream}: its streams take the channel's
     * blocking lock, so a read waiting for the engine would hold up every write.
     */
    private static InputStream channelInput(SocketChannel channel) {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return channel.read(ByteBuffer.wrap(b, off, len));
            }
        };
    }

    private static OutputStream channelOutput(SocketChannel channel) {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                ByteBuffer buffer = ByteBuffer.wrap(b, off, len);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
            }
        };
    }

    /**
     * The answer's head, read byte by byte up to its blank line: the engine's HTTP/2 preface may follow in the same
     * packet, and none of it may be taken here.
     */
    private String readHead() throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        for (int c; (c = in.read()) >= 0; ) {
            head.write(c);
            matched = c == (matched % 2 == 0 ? '\r' : '\n') ? matched + 1 : c == '\r' ? 1 : 0;
            if (matched == 4) {
                return head.toString(StandardCharsets.ISO_8859_1);
            }
            if (head.size() > 64 * 1024) {
                break;
            }
        }
        throw new IOException("the engine closed the connection before answering the session request");
    }

    InputStream input() {
        return in;
    }

    OutputStream output() {
        return out;
    }

    @Override
    public void close() {
        EngineConnection.closeQuietly(connection);
    }
}
