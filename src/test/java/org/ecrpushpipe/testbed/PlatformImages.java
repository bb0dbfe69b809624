package org.ecrpushpipe.testbed;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Random;

import org.ecrpushpipe.standin.EcrStandIn;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Images of any platform written through an ECR stand-in's registry (its facade on loopback, with an ECR login),
 * the way an arm64 runner's {@code docker push} writes them: a configuration blob naming the platform, layers, and a
 * manifest naming them under a tag. The bed's engine is amd64 and cannot build for another architecture (Bitbucket's
 * runtime forbids emulation too), but a registry holds what it is given: a configuration and a manifest are all that
 * make an image arm64. Also writes indexes (multi-platform images) of images written so.
 */
public final class PlatformImages {
    public static final String DOCKER_V2 = "application/vnd.docker.distribution.manifest.v2+json";
    public static final String DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
    public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String base;
    private final String authorization;
    private final HttpClient http;

    private PlatformImages(String base, String authorization, HttpClient http) {
        this.base = base;
        this.authorization = authorization;
        this.http = http;
    }

    /** Writes through {@code standIn}'s registry, logged in with the bed's access key and this secret. */
    public static PlatformImages through(EcrStandIn standIn, String secretKey) {
        return through(standIn, EcrBed.ACCESS_KEY, secretKey);
    }

    /** Writes through {@code standIn}'s registry, logged in with this key. */
    public static PlatformImages through(EcrStandIn standIn, String accessKey, String secretKey) {
        String password = EcrBed.registryAuth(standIn.apiEndpoint(), standIn.region(), accessKey, secretKey,
                standIn.registryHost()).getPassword();
        return new PlatformImages("https://" + standIn.loopbackRegistryHost(), "Basic " + Base64.getEncoder()
                .encodeToString(("AWS:" + password).getBytes(StandardCharsets.UTF_8)),
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(standIn.registryClientTls())
                        .build());
    }

    /** Writes straight into a plain registry (a registry other than ECR), with its own credentials. */
    public static PlatformImages into(RegistryProcess registry) {
        return new PlatformImages(registry.url(), registry.basicAuthorization(), HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1).build());
    }

    /**
     * A manifest written.
     *
     * @param digest    its digest
     * @param mediaType its media type
     * @param size      its length in bytes
     * @param platform  the platform its configuration names ({@code linux/arm64/v8}); null for none or an index
     */
    public record Written(String digest, String mediaType, long size, String platform) {
    }

    /**
     * An image of one small layer of random bytes and a configuration naming {@code platform}
     * ({@code os/architecture[/variant]}; null for a configuration that names none).
     *
     * @param mediaType {@link #DOCKER_V2} or {@link #OCI_MANIFEST}
     */
    public Written image(String repository, String tag, String platform, String mediaType) {
        byte[] layer = new byte[1024];
        new Random((repository + tag).hashCode()).nextBytes(layer);
        String layerDigest = upload(repository, layer);
        ObjectNode config = JSON.createObjectNode();
        setPlatform(config, platform);
        config.putObject("config").putObject("Labels").put("written-as", repository + ":" + tag);
        config.putObject("rootfs").put("type", "layers").putArray("diff_ids").add(layerDigest);
        ArrayNode layers = JSON.createArrayNode();
        layers.addObject().put("mediaType", layerType(mediaType)).put("size", layer.length).put("digest", layerDigest);
        return manifest(repository, tag, mediaType, config, layers, platform);
    }

    /**
     * An image of another platform made of the layers of {@code fromTag}, an image the repository holds (pushed by
     * the engine): its configuration with the platform replaced, and a manifest of its layers.
     */
    public Written imageLike(String repository, String fromTag, String tag, String platform, String mediaType) {
        JsonNode from = read(repository, fromTag);
        ObjectNode config = (ObjectNode) parse(get("/v2/" + repository + "/blobs/"
                + from.path("config").path("digest").asText(), "*/*"));
        config.remove(List.of("architecture", "os", "variant"));
        setPlatform(config, platform);
        ArrayNode layers = JSON.createArrayNode();
        for (JsonNode layer : from.path("layers")) {
            layers.addObject().put("mediaType", layerType(mediaType)).put("size", layer.path("size").asLong())
                    .put("digest", layer.path("digest").asText());
        }
        return manifest(repository, tag, mediaType, config, layers, platform);
    }

    /** An index (a multi-platform image) of these manifests, each entry with its platform. */
    public Written index(String repository, String tag, String mediaType, List<Written> entries) {
        ObjectNode index = JSON.createObjectNode().put("schemaVersion", 2).put("mediaType", mediaType);
        ArrayNode manifests = index.putArray("manifests");
        for (Written entry : entries) {
            ObjectNode node = manifests.addObject().put("mediaType", entry.mediaType()).put("digest", entry.digest())
                    .put("size", entry.size());
            if (entry.platform() != null) {
                setPlatform(node.putObject("platform"), entry.platform());
            }
        }
        byte[] bytes = index.toString().getBytes(StandardCharsets.UTF_8);
        return new Written(put(repository, tag, mediaType, bytes), mediaType, bytes.length, null);
    }

    /** The manifest {@code reference} (a tag or a digest) names, as the registry serves it. */
    public JsonNode read(String repository, String reference) {
        return parse(get("/v2/" + repository + "/manifests/" + reference, String.join(", ", DOCKER_V2, DOCKER_LIST,
                OCI_MANIFEST, OCI_INDEX)));
    }

    /**
     * The digest {@code reference} names, read accepting indexes too (a registry asked for an image manifest alone
     * answers a manifest list's tag with its linux/amd64 entry); empty when it names nothing.
     */
    public Optional<String> digest(String repository, String reference) {
        HttpResponse<String> answer = send(HttpRequest.newBuilder(URI.create(base + "/v2/" + repository
                + "/manifests/" + reference)).header("Accept", String.join(", ", DOCKER_V2, DOCKER_LIST,
                OCI_MANIFEST, OCI_INDEX)).method("HEAD", HttpRequest.BodyPublishers.noBody()));
        if (answer.statusCode() == 404) {
            return Optional.empty();
        }
        expect(answer, 200, "HEAD " + repository + ":" + reference);
        return Optional.of(answer.headers().firstValue("Docker-Content-Digest").orElseThrow());
    }

    private Written manifest(String repository, String tag, String mediaType, ObjectNode config, ArrayNode layers,
                             String platform) {
        byte[] configBytes = config.toString().getBytes(StandardCharsets.UTF_8);
        String configDigest = upload(repository, configBytes);
        ObjectNode manifest = JSON.createObjectNode().put("schemaVersion", 2).put("mediaType", mediaType);
        manifest.putObject("config").put("mediaType", mediaType.equals(DOCKER_V2)
                        ? "application/vnd.docker.container.image.v1+json" : "application/vnd.oci.image.config.v1+json")
                .put("size", configBytes.length).put("digest", configDigest);
        manifest.set("layers", layers);
        byte[] bytes = manifest.toString().getBytes(StandardCharsets.UTF_8);
        return new Written(put(repository, tag, mediaType, bytes), mediaType, bytes.length, platform);
    }

    private static void setPlatform(ObjectNode node, String platform) {
        if (platform == null) {
            return;
        }
        String[] parts = platform.split("/");
        node.put("architecture", parts[1]).put("os", parts[0]);
        if (parts.length > 2) {
            node.put("variant", parts[2]);
        }
    }

    private static String layerType(String manifestType) {
        return manifestType.equals(DOCKER_V2) ? "application/vnd.docker.image.rootfs.diff.tar.gzip"
                : "application/vnd.oci.image.layer.v1.tar+gzip";
    }

    /** Uploads a blob as docker does a small one (POST, then PUT with the digest); returns the digest. */
    private String upload(String repository, byte[] blob) {
        String digest = sha256(blob);
        HttpResponse<String> started = send(HttpRequest.newBuilder(URI.create(base + "/v2/" + repository
                + "/blobs/uploads/")).POST(HttpRequest.BodyPublishers.noBody()));
        expect(started, 202, "starting an upload to " + repository);
        String location = started.headers().firstValue("Location").orElseThrow();
        URI target = URI.create(base).resolve(location + (location.contains("?") ? "&" : "?") + "digest=" + digest);
        HttpResponse<String> done = send(HttpRequest.newBuilder(target).header("Content-Type",
                "application/octet-stream").PUT(HttpRequest.BodyPublishers.ofByteArray(blob)));
        expect(done, 201, "uploading " + digest + " to " + repository);
        return digest;
    }

    private String put(String repository, String tag, String mediaType, byte[] manifest) {
        HttpResponse<String> answer = send(HttpRequest.newBuilder(URI.create(base + "/v2/" + repository
                + "/manifests/" + tag)).header("Content-Type", mediaType)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(manifest)));
        expect(answer, 201, "putting the manifest " + repository + ":" + tag);
        String digest = answer.headers().firstValue("Docker-Content-Digest").orElseThrow();
        if (!digest.equals(sha256(manifest))) {
            throw new AssertionError("the registry names " + repository + ":" + tag + " " + digest
                    + ", not the digest of the manifest written");
        }
        return digest;
    }

    private String get(String path, String accept) {
        HttpResponse<String> answer = send(HttpRequest.newBuilder(URI.create(base + path)).header("Accept", accept)
                .GET());
        expect(answer, 200, "GET " + path);
        return answer.body();
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            // blob downloads are redirected to the layer bucket: followed without the registry's credentials
            HttpResponse<String> answer = http.send(request.header("Authorization", authorization).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() == 307) {
                answer = http.send(HttpRequest.newBuilder(URI.create(base).resolve(
                        answer.headers().firstValue("Location").orElseThrow())).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
            }
            return answer;
        } catch (IOException e) {
            throw new UncheckedIOException("the registry facade did not answer", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while writing an image", e);
        }
    }

    private static void expect(HttpResponse<String> answer, int status, String what) {
        if (answer.statusCode() != status) {
            throw new AssertionError(what + ": HTTP " + answer.statusCode() + " " + answer.body());
        }
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + json, e);
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
