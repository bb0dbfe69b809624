package org.ecrpushpipe.standin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The real registry behind the stand-in, through its v2 HTTP API with its own Basic credentials. Registry
 * repository names are the ECR repository names. Every request the stand-in sends the registry (the facade's
 * forwarded ones included) goes through {@link #exchange} and is counted, so tests can show what a call costs.
 */
final class RegistryClient {
    static final String MANIFEST_TYPES = String.join(", ",
            "application/vnd.docker.distribution.manifest.v2+json",
            "application/vnd.docker.distribution.manifest.list.v2+json",
            "application/vnd.oci.image.manifest.v1+json",
            "application/vnd.oci.image.index.v1+json");

    /** A registry answer the caller did not expect: status and the registry's body. */
    static final class RegistryException extends RuntimeException {
        final int status;
        final String body;

        RegistryException(String what, int status, String body) {
            super(what + " failed with HTTP " + status + ": " + body, null, false, false);
            this.status = status;
            this.body = body;
        }
    }

    private final URI base;
    private final String authorization;
    private final HttpClient http;
    private final ObjectMapper json = new ObjectMapper();
    private final AtomicLong sent = new AtomicLong();

    RegistryClient(URI base, String username, String password) {
        this.base = base;
        this.authorization = "Basic " + Base64.getEncoder()
                .encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    /** {@code http://host:port} of the real registry, without a trailing slash. */
    String base() {
        String s = base.toString();
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    /** How many requests the stand-in has sent the registry so far. */
    long sent() {
        return sent.get();
    }

    /** Sends one request to the registry (counted); the caller handles the failures. */
    <T> HttpResponse<T> exchange(HttpRequest request, HttpResponse.BodyHandler<T> body)
            throws IOException, InterruptedException {
        sent.incrementAndGet();
        return http.send(request, body);
    }

    /** Every tag of a repository; none when the registry has never seen the repository. */
    List<String> tags(String repository) {
        HttpResponse<byte[]> response = send(request(repository, "tags/list").GET().build());
        if (response.statusCode() == 404) {
            return List.of();
        }
        expect(response, 200, "listing tags of " + repository);
        List<String> tags = new ArrayList<>();
        JsonNode node = parse(response.body()).path("tags");
        node.forEach(t -> tags.add(t.asText()));
        return tags;
    }

    Optional<RegistryManifest> manifest(String repository, String reference) {
        HttpResponse<byte[]> response = send(request(repository, "manifests/" + reference)
                .header("Accept", MANIFEST_TYPES).GET().build());
        if (response.statusCode() == 404) {
            return Optional.empty();
        }
        expect(response, 200, "fetching manifest " + repository + ":" + reference);
        String digest = response.headers().firstValue("Docker-Content-Digest")
                .orElseGet(() -> RegistryManifest.digestOf(response.body()));
        String mediaType = response.headers().firstValue("Content-Type").orElse("");
        return Optional.of(new RegistryManifest(digest, mediaType, response.body()));
    }

    /** Writes a manifest under a tag or digest and returns the digest the registry reports. */
    String putManifest(String repository, String reference, String mediaType, byte[] manifest) {
        HttpResponse<byte[]> response = send(request(repository, "manifests/" + reference)
                .header("Content-Type", mediaType)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(manifest)).build());
        expect(response, 201, "writing manifest " + repository + ":" + reference);
        return response.headers().firstValue("Docker-Content-Digest")
                .orElseGet(() -> RegistryManifest.digestOf(manifest));
    }

    /** Whether the repository holds a blob (a layer or an image's configuration). */
    boolean hasBlob(String repository, String digest) {
        HttpResponse<byte[]> response = send(request(repository, "blobs/" + digest)
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build());
        if (response.statusCode() == 404) {
            return false;
        }
        expect(response, 200, "looking for blob " + repository + "@" + digest);
        return true;
    }

    /** Deletes a manifest, and with it every tag that points at it (distribution deletes by digest only). */
    boolean deleteManifest(String repository, String digest) {
        HttpResponse<byte[]> response = send(request(repository, "manifests/" + digest).DELETE().build());
        if (response.statusCode() == 404) {
            return false;
        }
        expect(response, 202, "deleting manifest " + repository + "@" + digest);
        return true;
    }

    JsonNode parse(byte[] body) {
        try {
            return json.readTree(body);
        } catch (IOException e) {
            return json.createObjectNode();
        }
    }

    /** A request to {@code path} (and query) of the registry, with its credentials. */
    HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(base() + path)).header("Authorization", authorization);
    }

    private HttpRequest.Builder request(String repository, String rest) {
        return request("/v2/" + repository + "/" + rest).timeout(Duration.ofSeconds(30));
    }

    private HttpResponse<byte[]> send(HttpRequest request) {
        try {
            return exchange(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException("the registry behind the stand-in did not answer", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while talking to the registry", e);
        }
    }

    private static void expect(HttpResponse<byte[]> response, int status, String what) {
        if (response.statusCode() != status) {
            throw new RegistryException(what, response.statusCode(), new String(response.body(), StandardCharsets.UTF_8));
        }
    }
}
