package org.ecrpushpipe.testbed;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;

/**
 * An HTTPS front for a plain-HTTP endpoint on loopback, such as the ECR stand-in's API: real ECR is reached over
 * TLS only, and a pipe run against the plain stand-in never loads the TLS half of the JDK. The relay terminates
 * TLS with a self-signed EC certificate for 127.0.0.1 (made with the JDK's keytool) and copies bytes both ways,
 * so the HTTP requests, their {@code Host} header and SigV4 signatures reach the stand-in unchanged. Clients
 * trust it through {@link #trustStore()}, a PKCS12 file holding only that certificate (password
 * {@value #TRUST_STORE_PASSWORD}, the JDK's usual one: the file holds nothing secret), e.g.
 * {@code -Djavax.net.ssl.trustStore=… -Djavax.net.ssl.trustStorePassword=changeit}.
 */
public final class TlsRelay implements AutoCloseable {
    /** The trust store's password; it protects only a public certificate. */
    public static final String TRUST_STORE_PASSWORD = "changeit";

    private final Path dir;
    private final SSLServerSocket server;
    private final InetSocketAddress target;
    private final Thread acceptor;

    private TlsRelay(Path dir, SSLServerSocket server, InetSocketAddress target) {
        this.dir = dir;
        this.server = server;
        this.target = target;
        this.acceptor = new Thread(this::acceptLoop, "tls-relay-" + server.getLocalPort());
        this.acceptor.setDaemon(true);
    }

    /**
     * Starts a relay on a free port of 127.0.0.1 in front of {@code httpEndpoint} ({@code http://127.0.0.1:P}).
     */
    public static TlsRelay start(String httpEndpoint) throws IOException {
        URI uri = URI.create(httpEndpoint);
        if (!"http".equals(uri.getScheme()) || uri.getPort() < 0) {
            throw new IllegalArgumentException("expected http://HOST:PORT, got " + httpEndpoint);
        }
        Path dir = Files.createTempDirectory("ecr-tls-relay-");
        try {
            SSLContext context = makeCertificate(dir);
            SSLServerSocket server = (SSLServerSocket) context.getServerSocketFactory()
                    .createServerSocket(0, 50, InetAddress.getLoopbackAddress());
            TlsRelay relay = new TlsRelay(dir, server, new InetSocketAddress(uri.getHost(), uri.getPort()));
            relay.acceptor.start();
            return relay;
        } catch (IOException | RuntimeException e) {
            deleteDir(dir);
            throw e;
        }
    }

    /** {@code https://127.0.0.1:P}, for AWS_ENDPOINT_URL. */
    public String endpoint() {
        return "https://127.0.0.1:" + server.getLocalPort();
    }

    /** A PKCS12 trust store holding the relay's certificate (password {@value #TRUST_STORE_PASSWORD}). */
    public Path trustStore() {
        return dir.resolve("truststore.p12");
    }

    private static SSLContext makeCertificate(Path dir) throws IOException {
        Path keystore = dir.resolve("relay.p12");
        byte[] random = new byte[16];
        new SecureRandom().nextBytes(random);
        String password = HexFormat.of().formatHex(random);
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        keytool(dir, password, List.of(keytool, "-genkeypair", "-alias", "relay", "-keyalg", "EC",
                "-groupname", "secp256r1", "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1,dns:localhost",
                "-validity", "7", "-storetype", "PKCS12", "-keystore", keystore.toString(),
                "-storepass:env", "RELAY_KEYSTORE_PASSWORD", "-keypass:env", "RELAY_KEYSTORE_PASSWORD"));
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(keystore)) {
                store.load(in, password.toCharArray());
            }
            KeyStore trusted = KeyStore.getInstance("PKCS12");
            trusted.load(null, null);
            trusted.setCertificateEntry("ecr-tls-relay", store.getCertificate("relay"));
            try (OutputStream out = Files.newOutputStream(dir.resolve("truststore.p12"))) {
                trusted.store(out, TRUST_STORE_PASSWORD.toCharArray());
            }
            // Readable by any user: the image test runs the pipe as uid 1000 with this file mounted.
            dir.toFile().setReadable(true, false);
            dir.toFile().setExecutable(true, false);
            dir.resolve("truststore.p12").toFile().setReadable(true, false);
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, password.toCharArray());
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), null, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IOException("could not load the relay's certificate", e);
        } finally {
            Files.deleteIfExists(keystore);
        }
    }

    private static void keytool(Path dir, String password, List<String> command) throws IOException {
        Path log = dir.resolve("keytool.log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("RELAY_KEYSTORE_PASSWORD", password);
        Process process = builder.start();
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException("keytool did not finish within 60 s");
            }
            if (process.exitValue() != 0) {
                throw new IOException("keytool failed: " + Files.readString(log));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while making the relay's certificate", e);
        } finally {
            Files.deleteIfExists(log);
        }
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return; // closed
            }
            Thread handler = new Thread(() -> relay(client), "tls-relay-connection");
            handler.setDaemon(true);
            handler.start();
        }
    }

    private void relay(Socket client) {
        try (client; Socket upstream = new Socket()) {
            upstream.connect(target, 5_000);
            Thread back = new Thread(() -> copy(upstream, client), "tls-relay-response");
            back.setDaemon(true);
            back.start();
            copy(client, upstream);
            back.join(TimeUnit.MINUTES.toMillis(10));
        } catch (IOException e) {
            // the client or the stand-in went away: nothing to relay any more
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Copies until {@code from} ends, then closes both sockets so the other direction ends too. */
    private static void copy(Socket from, Socket to) {
        byte[] buffer = new byte[1 << 15];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (SocketException e) {
            // closed by the other direction
        } catch (IOException e) {
            // a broken connection ends this relay like a closed one
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // already closed
        }
    }

    private static void deleteDir(Path dir) {
        try (var files = Files.list(dir)) {
            for (Path file : files.toList()) {
                Files.deleteIfExists(file);
            }
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            // a temporary directory left behind is harmless
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            // already closed
        }
        deleteDir(dir);
    }
}
