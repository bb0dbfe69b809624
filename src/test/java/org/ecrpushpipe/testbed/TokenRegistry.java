package org.ecrpushpipe.testbed;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;

/**
 * A real registry (Debian's {@code docker-registry}) with {@code auth: token}, in front of which a
 * {@link TokenServer} of the test issues the tokens it verifies: Docker Hub's and GHCR's flow (401 with a
 * {@code WWW-Authenticate: Bearer realm=...,service=...,scope=...} challenge, a token fetched from the realm with the
 * Basic login, the request sent again with it). Two placements:
 * <ul>
 *   <li>{@link #onLoopback()}: both on free ports of 127.0.0.1 over plain HTTP, as the engine and the pipe reach a
 *       loopback registry; image references name {@code 127.0.0.1:<port>}.</li>
 *   <li>{@link #asDockerHub(BedEngine)}: Docker Hub's own names, where the bed's engine resolves them: the registry
 *       at {@code registry-1.docker.io}:443 and the token service at {@code auth.docker.io}:443 (realm
 *       {@code https://auth.docker.io/token}, service {@code registry.docker.io}, as Docker Hub answers), over
 *       HTTPS with the bed's certificate; image references name {@code docker.io}.</li>
 * </ul>
 * One user ({@code username()}, a random password) may pull and push in its namespace, {@code <username>/...}.
 * {@link #close()} stops exactly the process and server this object started and removes its directory.
 */
public final class TokenRegistry implements AutoCloseable {
    private static final String BINARY = "/usr/bin/docker-registry";
    private static final String ACCEPT = "application/vnd.docker.distribution.manifest.v2+json, "
            + "application/vnd.oci.image.manifest.v1+json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;
    private final Process process;
    private final TokenServer tokens;
    private final URI registryUrl;
    private final String host;
    private final String username;
    private final String password;
    private final HttpClient http;

    private TokenRegistry(Path dir, Process process, TokenServer tokens, URI registryUrl, String host,
                          String username, String password, HttpClient http) {
        this.dir = dir;
        this.process = process;
        this.tokens = tokens;
        this.registryUrl = registryUrl;
        this.host = host;
        this.username = username;
        this.password = password;
        this.http = http;
    }

    /** Registry and token service on free ports of 127.0.0.1, plain HTTP. */
    public static TokenRegistry onLoopback() throws IOException, InterruptedException {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        int port = RegistryProcess.freePort();
        return start(new InetSocketAddress(loopback, port), new InetSocketAddress(loopback, 0), Optional.empty(),
                "bed-token-registry", "bed-token-issuer", "127.0.0.1:" + port);
    }

    /** Registry and token service where {@code engine} resolves Docker Hub's names, port 443, over HTTPS. */
    public static TokenRegistry asDockerHub(BedEngine engine) throws IOException, InterruptedException {
        return start(new InetSocketAddress(engine.addressOf("registry-1.docker.io"), BedEngine.REGISTRY_PORT),
                new InetSocketAddress(engine.addressOf("auth.docker.io"), BedEngine.REGISTRY_PORT),
                Optional.of(engine), "registry.docker.io", "auth.docker.io", "docker.io");
    }

    private static TokenRegistry start(InetSocketAddress registryAddress, InetSocketAddress tokenAddress,
                                       Optional<BedEngine> tls, String service, String issuerName, String host)
            throws IOException, InterruptedException {
        requireExecutable(BINARY, "docker-registry");
        requireExecutable("/usr/bin/openssl", "openssl");
        Path dir = Files.createTempDirectory("ecr-pipe-token-registry-");
        TokenServer tokens = null;
        Process process = null;
        try {
            TokenServer.Issuer issuer = signingKey(dir, issuerName, service);
            String username = "bed" + RegistryProcess.randomHex(4);
            String password = "dckr_pat_" + RegistryProcess.randomHex(16);
            tokens = TokenServer.start(tokenAddress, tls.map(BedEngine::facadeTls), issuer, username, password);
            String scheme = tls.isPresent() ? "https://" : "http://";
            String realm = tls.isPresent() ? "https://auth.docker.io/token"
                    : "http://127.0.0.1:" + tokens.port() + "/token";
            Files.createDirectories(dir.resolve("data"));
            Files.writeString(dir.resolve("config.yml"), RegistryProcess.baseConfig(dir.resolve("data"),
                    registryAddress.getAddress().getHostAddress(), registryAddress.getPort())
                    + tls.map(engine -> """
                      tls:
                        certificate: %s
                        key: %s
                    """.formatted(engine.serverCertificate(), engine.serverKey())).orElse("") + """
                    auth:
                      token:
                        realm: %s
                        service: %s
                        issuer: %s
                        rootcertbundle: %s
                    """.formatted(realm, service, issuerName, dir.resolve("token.crt")));
            process = new ProcessBuilder(BINARY, "serve", dir.resolve("config.yml").toString())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("registry.log").toFile())).start();
            HttpClient.Builder client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
            tls.ifPresent(engine -> client.sslContext(engine.clientTlsTrustingEngineCa("registry-1.docker.io")));
            URI url = URI.create(scheme + registryAddress.getAddress().getHostAddress() + ":" + registryAddress.getPort());
            TokenRegistry registry = new TokenRegistry(dir, process, tokens, url, host, username, password,
                    client.build());
            registry.awaitReady(Duration.ofSeconds(20));
            return registry;
        } catch (IOException | RuntimeException | InterruptedException e) {
            if (process != null) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            if (tokens != null) {
                tokens.close();
            }
            RegistryProcess.deleteRecursively(dir);
            throw e;
        }
    }

    /** A fresh RSA key and its self-signed certificate (the registry's {@code rootcertbundle}), made by openssl. */
    private static TokenServer.Issuer signingKey(Path dir, String issuer, String service) throws IOException,
            InterruptedException {
        Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                "-subj", "/CN=" + issuer, "-keyout", dir.resolve("token.key").toString(),
                "-out", dir.resolve("token.crt").toString()).redirectErrorStream(true).start();
        String output = new String(openssl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (openssl.waitFor() != 0) {
            throw new IllegalStateException("openssl could not make the token signing key: " + output);
        }
        try (InputStream certificate = Files.newInputStream(dir.resolve("token.crt"))) {
            String key = Files.readString(dir.resolve("token.key"), StandardCharsets.US_ASCII)
                    .replaceAll("-----[A-Z ]+-----", "");
            PrivateKey privateKey = KeyFactory.getInstance("RSA").generatePrivate(
                    new PKCS8EncodedKeySpec(Base64.getMimeDecoder().decode(key)));
            byte[] der = CertificateFactory.getInstance("X.509").generateCertificate(certificate).getEncoded();
            Files.delete(dir.resolve("token.key"));
            return new TokenServer.Issuer(issuer, service, privateKey, der);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("could not read the token signing key", e);
        }
    }

    private void awaitReady(Duration timeout) throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IOException("docker-registry exited with " + process.exitValue() + ": " + log());
            }
            try {
                HttpResponse<Void> answer = http.send(HttpRequest.newBuilder(registryUrl.resolve("/v2/"))
                        .timeout(Duration.ofSeconds(1)).build(), HttpResponse.BodyHandlers.discarding());
                if (answer.statusCode() == 401
                        && answer.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer ")) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(50);
        }
        throw new IOException("docker-registry did not answer on " + registryUrl + " within " + timeout + ": " + log());
    }

    private String log() {
        try {
            return Files.readString(dir.resolve("registry.log"));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    /** The registry part of an image reference: {@code 127.0.0.1:<port>}, or {@code docker.io}. */
    public String host() {
        return host;
    }

    /** The one user, whose namespace ({@code <username>/...}) it may push to. */
    public String username() {
        return username;
    }

    /** The user's password (an access token, as Docker Hub and GHCR take for a push). */
    public String password() {
        return password;
    }

    /** The token service's requests, as {@link TokenServer#requests()} records them. */
    public List<String> tokenRequests() {
        return tokens.requests();
    }

    /** The tags the registry holds for {@code repository}, read with a pull token of the test's own. */
    public List<String> tags(String repository) {
        HttpResponse<byte[]> answer = read(repository, "/tags/list");
        if (answer.statusCode() == 404) {
            return List.of();
        }
        List<String> tags = new ArrayList<>();
        json(answer).path("tags").forEach(tag -> tags.add(tag.asText()));
        return tags;
    }

    /** The manifest digest the registry holds for {@code repository:tag}, if any. */
    public Optional<String> manifestDigest(String repository, String tag) {
        HttpResponse<byte[]> answer = read(repository, "/manifests/" + tag);
        return answer.statusCode() == 404 ? Optional.empty() : answer.headers().firstValue("Docker-Content-Digest");
    }

    /** The config digest (the image id) of the manifest the registry holds under {@code reference}, if any. */
    public Optional<String> imageIdOf(String repository, String reference) {
        HttpResponse<byte[]> answer = read(repository, "/manifests/" + reference);
        return answer.statusCode() == 404 ? Optional.empty()
                : Optional.of(json(answer).path("config").path("digest").asText());
    }

    private HttpResponse<byte[]> read(String repository, String path) {
        ArrayNode access = JSON.createArrayNode();
        access.addObject().put("type", "repository").put("name", repository).putArray("actions").add("pull");
        HttpRequest request = HttpRequest.newBuilder(registryUrl.resolve("/v2/" + repository + path))
                .header("Authorization", "Bearer " + tokens.mint("bed-reader", access)).header("Accept", ACCEPT)
                .timeout(Duration.ofSeconds(10)).build();
        try {
            HttpResponse<byte[]> answer = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            if (answer.statusCode() != 200 && answer.statusCode() != 404) {
                throw new IllegalStateException("the token registry answered " + answer.statusCode() + " for "
                        + repository + path + ": " + new String(answer.body(), StandardCharsets.UTF_8));
            }
            return answer;
        } catch (IOException e) {
            throw new IllegalStateException("could not read " + repository + path + " from " + registryUrl, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode json(HttpResponse<byte[]> answer) {
        try {
            return JSON.readTree(answer.body());
        } catch (IOException e) {
            throw new IllegalStateException("the token registry's answer is not JSON", e);
        }
    }

    private static void requireExecutable(String path, String debianPackage) {
        if (!Files.isExecutable(Path.of(path))) {
            throw new IllegalStateException(path + " is missing: install Debian's '" + debianPackage
                    + "' package (test/run-tests.sh does this on a fresh machine)");
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        tokens.close();
        RegistryProcess.deleteRecursively(dir);
    }
}
