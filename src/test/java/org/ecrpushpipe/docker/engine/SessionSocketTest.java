package org.ecrpushpipe.docker.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.ecrpushpipe.errors.BuildProblem;
import org.junit.jupiter.api.Test;

/**
 * The session's upgrade request as the engine reads it, and what the pipe makes of an engine that refuses it; the
 * failure of a required secret mount as BuildKit words it. No engine needed: a loopback server plays the engine.
 */
class SessionSocketTest {
    /** Accepts one connection, records the request's head and answers {@code answer}. */
    private static CompletableFuture<String> engine(ServerSocket server, String answer) {
        return CompletableFuture.supplyAsync(() -> {
            try (Socket socket = server.accept()) {
                InputStream in = socket.getInputStream();
                ByteArrayOutputStream head = new ByteArrayOutputStream();
                while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
                    head.write(in.read());
                }
                socket.getOutputStream().write(answer.getBytes(StandardCharsets.US_ASCII));
                socket.getOutputStream().flush();
                return head.toString(StandardCharsets.US_ASCII);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @Test
    void theUpgradeNamesTheSessionAndItsMethodsAndARefusalCarriesTheEnginesMessage() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            String body = "{\"message\":\"protocol h2c not supported\"}\n";
            CompletableFuture<String> request = engine(server, "HTTP/1.1 400 Bad Request\r\nContent-Type:"
                    + " application/json\r\nContent-Length: " + body.length() + "\r\n\r\n" + body);
            SessionSocket.Refused refused = assertThrows(SessionSocket.Refused.class, () -> SessionSocket.open(
                    "tcp://127.0.0.1:" + server.getLocalPort(), "abc123", "app",
                    List.of("/grpc.health.v1.Health/Check", "/moby.buildkit.secrets.v1.Secrets/GetSecret")));
            assertEquals("HTTP/1.1 400 Bad Request: protocol h2c not supported", refused.getMessage());
            String head = request.get(10, TimeUnit.SECONDS);
            assertTrue(head.startsWith("POST /session HTTP/1.1\r\n"), head);
            for (String header : List.of("Connection: Upgrade", "Upgrade: h2c", "X-Docker-Expose-Session-Uuid: abc123",
                    "X-Docker-Expose-Session-Name: app",
                    "X-Docker-Expose-Session-Grpc-Method: /grpc.health.v1.Health/Check",
                    "X-Docker-Expose-Session-Grpc-Method: /moby.buildkit.secrets.v1.Secrets/GetSecret")) {
                assertTrue(head.contains("\r\n" + header + "\r\n"), header + " in\n" + head);
            }
        }
    }

    @Test
    void aRequiredSecretNotServedIsItsOwnProblem() {
        assertEquals(BuildProblem.SECRET_MISSING, BuildKitErrors.classify("secret needed not found: not found",
                Optional.of("[4/4] RUN --mount=type=secret,id=npm,required cat /run/secrets/npm"), () -> false));
        assertEquals(BuildProblem.SESSION_NEEDED, BuildKitErrors.classify("no active sessions",
                Optional.of("[4/4] RUN --mount=type=secret,id=npm cat /run/secrets/npm"), () -> false));
    }
}
