package org.ecrpushpipe.scenarios;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

import org.ecrpushpipe.testbed.EcrBed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * What the real registry behind the stand-in holds, read through its HTTP API ({@code /v2/…}) the way a client
 * pulling the image would: a tag's manifest, and every blob it names, each checked against its digest. So a test can
 * tell "the tag is absent" from "the tag names a whole image" from "the tag names an image a pull would fail on".
 */
final class RegistryImages {
    private static final String MANIFEST_TYPES = "application/vnd.docker.distribution.manifest.v2+json, "
            + "application/vnd.oci.image.manifest.v1+json";

    /** A tag's image as the registry holds it, every part of it fetched and found whole. */
    record WholeImage(String digest, String configDigest, List<String> layers) {
    }

    private final EcrBed bed;
    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();

    RegistryImages(EcrBed bed) {
        this.bed = bed;
    }

    /**
     * The image {@code repository:tag} names, empty when the tag is absent. Fails the test (an
     * {@link AssertionError}) when the tag names a manifest whose body does not match its digest, or one whose config
     * or any layer cannot be fetched whole (missing, or content not matching its digest).
     */
    Optional<WholeImage> image(String repository, String tag) {
        HttpResponse<byte[]> manifest = get("/v2/" + repository + "/manifests/" + tag, MANIFEST_TYPES,
                HttpResponse.BodyHandlers.ofByteArray());
        if (manifest.statusCode() == 404) {
            return Optional.empty();
        }
        if (manifest.statusCode() != 200) {
            throw new AssertionError("the registry answered " + manifest.statusCode() + " for the manifest of "
                    + repository + ":" + tag);
        }
        String digest = manifest.headers().firstValue("Docker-Content-Digest")
                .orElseThrow(() -> new AssertionError("no Docker-Content-Digest for " + repository + ":" + tag));
        if (!digest.equals(sha256(manifest.body()))) {
            throw new AssertionError("the manifest of " + repository + ":" + tag + " does not match its digest "
                    + digest);
        }
        JsonNode json;
        try {
            json = new ObjectMapper().readTree(manifest.body());
        } catch (IOException e) {
            throw new AssertionError("the manifest of " + repository + ":" + tag + " is not JSON", e);
        }
        String config = json.path("config").path("digest").asText();
        List<String> layers = new ArrayList<>();
        json.path("layers").forEach(layer -> layers.add(layer.path("digest").asText()));
        if (config.isEmpty() || layers.isEmpty()) {
            throw new AssertionError("the manifest of " + repository + ":" + tag + " names no config or no layers: "
                    + json);
        }
        assertBlobWhole(repository, tag, config);
        layers.forEach(layer -> assertBlobWhole(repository, tag, layer));
        return Optional.of(new WholeImage(digest, config, layers));
    }

    /** Fetches a blob and checks that its content is what its digest says. */
    private void assertBlobWhole(String repository, String tag, String digest) {
        HttpResponse<InputStream> blob = get("/v2/" + repository + "/blobs/" + digest, "*/*",
                HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream body = blob.body()) {
            if (blob.statusCode() != 200) {
                throw new AssertionError(repository + ":" + tag + " names the blob " + digest
                        + ", which the registry cannot serve (HTTP " + blob.statusCode() + ")");
            }
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = body.read(buffer)) >= 0; ) {
                sha256.update(buffer, 0, n);
            }
            String actual = "sha256:" + HexFormat.of().formatHex(sha256.digest());
            if (!actual.equals(digest)) {
                throw new AssertionError(repository + ":" + tag + " names the blob " + digest
                        + ", but the registry serves content of " + actual);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not read the blob " + digest + " of " + repository, e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private <T> HttpResponse<T> get(String path, String accept, HttpResponse.BodyHandler<T> handler) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(bed.registry().url() + path))
                .header("Authorization", bed.registry().basicAuthorization())
                .header("Accept", accept)
                .GET().build();
        try {
            return http.send(request, handler);
        } catch (IOException e) {
            throw new UncheckedIOException("the registry did not answer GET " + path, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading the registry", e);
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
