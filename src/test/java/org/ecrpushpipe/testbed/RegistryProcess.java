package org.ecrpushpipe.testbed;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;

/**
 * A real registry (Debian's {@code docker-registry}, distribution 2.8) started as a child process on a free
 * port of 127.0.0.1, with htpasswd auth and filesystem storage in a temporary directory. {@link #close()}
 * stops exactly the process this object started and removes its directory. For fault tests, {@link #kill()}
 * kills that process (SIGKILL, no clean shutdown) and {@link #restart()} starts it again on the same port and
 * storage, so what it had stored is served again.
 */
public final class RegistryProcess implements AutoCloseable {
    private static final String BINARY = "/usr/bin/docker-registry";
    private static final String HTPASSWD = "/usr/bin/htpasswd";

    private final Path dir;
    private final int port;
    private final String username;
    private final String password;
    /** The running process; replaced by {@link #restart()}. */
    private volatile Process process;

    private RegistryProcess(Path dir, int port, String username, String password, Process process) {
        this.dir = dir;
        this.port = port;
        this.username = username;
        this.password = password;
        this.process = process;
    }

    /** Starts a fresh, empty registry and waits until it answers on {@code /v2/}. */
    public static RegistryProcess start() throws IOException, InterruptedException {
        return start(true);
    }

    /**
     * Starts a fresh, empty registry that asks for no credentials, as a public registry serves base images: the
     * engine pulls from it (on loopback, where it needs no TLS) during a build, which sends no credentials.
     */
    public static RegistryProcess startOpen() throws IOException, InterruptedException {
        return start(false);
    }

    private static RegistryProcess start(boolean withAuth) throws IOException, InterruptedException {
        requireExecutable(BINARY, "docker-registry");
        requireExecutable(HTPASSWD, "apache2-utils");
        Path dir = Files.createTempDirectory("ecr-pipe-registry-");
        String username = "registry-" + randomHex(4);
        String password = randomHex(16);
        Process htpasswd = new ProcessBuilder(HTPASSWD, "-Bbn", username, password).redirectErrorStream(true).start();
        String line = new String(htpasswd.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (htpasswd.waitFor() != 0) {
            throw new IllegalStateException("htpasswd failed: " + line);
        }
        Files.writeString(dir.resolve("htpasswd"), line + "\n");
        Files.createDirectories(dir.resolve("data"));

        IOException last = null;
        for (int attempt = 0; attempt < 5; attempt++) {
            int port = freePort();
            Files.writeString(dir.resolve("config.yml"), baseConfig(dir.resolve("data"), "127.0.0.1", port)
                    + (!withAuth ? "" : """
                    auth:
                      htpasswd:
                        realm: ecr-pipe-test
                        path: %s
                    """.formatted(dir.resolve("htpasswd"))));
            Process process = launch(dir);
            RegistryProcess registry = new RegistryProcess(dir, port, username, password, process);
            try {
                registry.awaitReady(Duration.ofSeconds(20));
                return registry;
            } catch (IOException e) {
                process.destroy();
                process.waitFor(5, TimeUnit.SECONDS);
                last = e;
            }
        }
        throw last;
    }

    private static Process launch(Path dir) throws IOException {
        return new ProcessBuilder(BINARY, "serve", dir.resolve("config.yml").toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("registry.log").toFile()))
                .start();
    }

    /**
     * Kills the registry process this object started (SIGKILL, by its PID: no clean shutdown, as when a machine
     * or container dies) and waits until it is gone. Requests then fail until {@link #restart()}.
     */
    public void kill() throws InterruptedException {
        Process running = process;
        running.destroyForcibly();
        if (!running.waitFor(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("docker-registry (pid " + running.pid() + ") did not die within 10 s");
        }
    }

    /**
     * Starts the registry again, on the same port, configuration and storage (what it stored before is served
     * again), and waits until it answers; a no-op while it is still running.
     */
    public synchronized void restart() throws IOException, InterruptedException {
        if (process.isAlive()) {
            return;
        }
        process = launch(dir);
        try {
            awaitReady(Duration.ofSeconds(20));
        } catch (IOException e) {
            process.destroyForcibly();
            throw e;
        }
    }

    private void awaitReady(Duration timeout) throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IOException("docker-registry exited with " + process.exitValue() + ": " + log());
            }
            try {
                HttpURLConnection c = (HttpURLConnection) URI.create(url() + "/v2/").toURL().openConnection();
                c.setConnectTimeout(500);
                c.setReadTimeout(1000);
                int status = c.getResponseCode();
                c.disconnect();
                if (status == 401 || status == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(50);
        }
        throw new IOException("docker-registry did not answer on " + url() + " within " + timeout + ": " + log());
    }

    private String log() {
        try {
            return Files.readString(dir.resolve("registry.log"));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    /** {@code http://127.0.0.1:PORT}. */
    public String url() {
        return "http://127.0.0.1:" + port;
    }

    /** {@code 127.0.0.1:PORT}, the registry part of an image reference. */
    public String host() {
        return "127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public String username() {
        return username;
    }

    public String password() {
        return password;
    }

    /** The value of an {@code Authorization} header that this registry accepts. */
    public String basicAuthorization() {
        return "Basic " + Base64.getEncoder().encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** Whether the process this object started is still running. */
    public boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public void close() throws IOException, InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        deleteRecursively(dir);
    }

    static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static void requireExecutable(String path, String debianPackage) {
        if (!Files.isExecutable(Path.of(path))) {
            throw new IllegalStateException(path + " is missing: install Debian's '" + debianPackage
                    + "' package (test/run-tests.sh does this on a fresh machine)");
        }
    }

    /**
     * The start of a registry's config.yml: quiet logs, storage under {@code data} with deletes allowed, and the
     * address it listens on (the {@code http} section, to which a caller may add {@code tls}); {@code auth} follows.
     */
    static String baseConfig(Path data, String host, int port) {
        return """
                version: 0.1
                log:
                  level: warn
                  accesslog:
                    disabled: true
                storage:
                  filesystem:
                    rootdirectory: %s
                  delete:
                    enabled: true
                http:
                  addr: %s:%d
                  secret: %s
                """.formatted(data, host, port, randomHex(16));
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    static String randomHex(int bytes) {
        byte[] b = new byte[bytes];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
