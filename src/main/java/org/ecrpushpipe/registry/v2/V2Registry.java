package org.ecrpushpipe.registry.v2;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.ecrpushpipe.config.ImageRef;
import org.ecrpushpipe.config.Secret;
import org.ecrpushpipe.config.Tag;
import org.ecrpushpipe.errors.Failures;
import org.ecrpushpipe.errors.PipeException;
import org.ecrpushpipe.errors.RootCause;
import org.ecrpushpipe.registry.Registry;
import org.ecrpushpipe.registry.Digest;
import org.ecrpushpipe.registry.Manifest;
import org.ecrpushpipe.registry.RegistryCredentials;
import org.ecrpushpipe.registry.TagAndDigest;
import org.ecrpushpipe.registry.TaggedImage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * {@link Registry} on any registry that speaks the Docker Registry HTTP API v2 (Docker Hub, GHCR, a
 * self-hosted {@code registry}), through the JDK's HTTP client with the user's REGISTRY_USERNAME and
 * REGISTRY_PASSWORD: Basic auth, or the Bearer token flow when the registry answers 401 with a
 * {@code WWW-Authenticate: Bearer} challenge. No AWS call. Such registries create a repository on its first push,
 * so nothing is checked before it: the check that matters is the verify after the push.
 */
public final class V2Registry implements Registry {
    private static final String ACCEPT = String.join(", ",
            "application/vnd.docker.distribution.manifest.v2+json", "application/vnd.oci.image.manifest.v1+json",
            "application/vnd.docker.distribution.manifest.list.v2+json", "application/vnd.oci.image.index.v1+json");
    private static final Pattern CHALLENGE_PARAM = Pattern.compile("(\\w+)=\"([^\"]*)\"");
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Where Docker Hub ({@code docker.io} in an image reference) serves the registry API, as Docker reaches it. */
    private static final String DOCKER_HUB_API = "registry-1.docker.io";

    private final String host;
    private final String username;
    private final Secret password;
    private final URI base;
    private final HttpClient http;
    /** For blobs: redirects are followed by hand, so that the registry's Authorization stays with the registry. */
    private final HttpClient storage;
    private volatile String authorization;

    /**
     * @param host the registry host as IMAGE names it ({@code registry.example.com}, {@code 127.0.0.1:5000});
     *             loopback hosts are reached over plain HTTP, as the Docker engine does, others over HTTPS;
     *             Docker Hub ({@code docker.io}) at its API host, {@code registry-1.docker.io}
     */
    public V2Registry(String host, String username, Secret password) {
        this.host = host;
        this.username = username;
        this.password = password;
        String name = host.replaceFirst(":\\d+$", "");
        boolean loopback = name.equals("localhost") || name.startsWith("127.") || name.equals("[::1]");
        String apiHost = host.equals(ImageRef.DOCKER_HUB) ? DOCKER_HUB_API : host;
        this.base = URI.create((loopback ? "http://" : "https://") + apiHost);
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NORMAL).build();
        this.storage = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NEVER).build();
        this.authorization = "Basic " + basic();
    }

    private String basic() {
        return Secret.basicCredentials(username, password).reveal();
    }

    /** The user's own credentials, for the engine's push; checked against the registry first. */
    @Override
    public RegistryCredentials login() {
        HttpResponse<byte[]> answer = send("GET", "/v2/", null, null, "login");
        if (answer.statusCode() != 200) {
            throw refused("login", answer);
        }
        return new RegistryCredentials(host, username, password, Instant.now().plus(Duration.ofDays(365)));
    }

    @Override
    public Optional<TaggedImage> image(String repository, Tag tag) {
        return held(repository, tag.value()).map(Held::taggedImage);
    }

    @Override
    public TagAndDigest images(String repository, Tag tag, Digest manifestDigest) {
        return new TagAndDigest(image(repository, tag),
                held(repository, manifestDigest.value()).map(Held::taggedImage));
    }

    /**
     * Which of {@code tags} the repository holds, for the registry cache: one manifest HEAD each (a registry's own
     * API has no batch read).
     */
    @Override
    public Map<Tag, TaggedImage> heldTags(String repository, List<Tag> tags) {
        Map<Tag, TaggedImage> held = new LinkedHashMap<>();
        for (Tag tag : tags) {
            image(repository, tag).ifPresent(image -> held.put(tag, image));
        }
        return held;
    }

    @Override
    public TaggedImage addTag(String repository, Digest manifestDigest, Tag tag) {
        Held manifest = held(repository, manifestDigest.value()).orElseThrow(
                () -> Failures.imageGone(manifestDigest.value(), host + "/" + repository + ":" + tag));
        HttpResponse<byte[]> answer = send("PUT", "/v2/" + repository + "/manifests/" + tag.value(),
                manifest.mediaType(), manifest.body(), "putting the manifest");
        if (answer.statusCode() != 201 && answer.statusCode() != 200) {
            throw refused("putting the manifest for " + tag.value(), answer);
        }
        return image(repository, tag).orElseThrow(() -> Failures.tagGone(host + "/" + repository + ":" + tag,
                manifestDigest.value()));
    }

    @Override
    public TaggedImage putManifest(String repository, Manifest manifest, Tag tag) {
        HttpResponse<byte[]> answer = send("PUT", "/v2/" + repository + "/manifests/" + tag.value(),
                manifest.mediaType(), manifest.text().getBytes(StandardCharsets.UTF_8), "putting the manifest");
        if (answer.statusCode() != 201 && answer.statusCode() != 200) {
            throw refused("putting the manifest for " + tag.value(), answer);
        }
        return image(repository, tag).orElseThrow(() -> Failures.tagGone(host + "/" + repository + ":" + tag,
                manifest.digest().value()));
    }

    @Override
    public Optional<Manifest> manifest(String repository, String reference) {
        return held(repository, reference).map(h -> new Manifest(Digest.of(h.digest()), h.mediaType(),
                new String(h.body(), StandardCharsets.UTF_8)));
    }

    /**
     * A blob, whole and checked against its digest. A registry may answer with a redirect to its storage (Docker
     * Hub does): the storage gets no Authorization header of the registry's, as the Docker engine sends none there.
     */
    @Override
    public Optional<byte[]> blob(String repository, Digest digest) {
        String doing = "reading the blob " + digest + " of " + repository;
        HttpResponse<byte[]> answer = send(storage, "GET", "/v2/" + repository + "/blobs/" + digest.value(), null, null,
                doing);
        URI at = base;
        for (int redirects = 0; answer.statusCode() / 100 == 3 && redirects < 5; redirects++) {
            Optional<String> location = answer.headers().firstValue("Location");
            if (location.isEmpty()) {
                break;
            }
            at = at.resolve(location.get());
            HttpRequest.Builder request = HttpRequest.newBuilder(at).timeout(TIMEOUT).GET();
            if (sameOrigin(at)) {
                request.header("Authorization", authorization);
            }
            answer = exchange(storage, request.build(), doing);
        }
        if (answer.statusCode() == 404) {
            return Optional.empty();
        }
        if (answer.statusCode() != 200) {
            throw refused(doing, answer);
        }
        if (!sha256(answer.body()).equals(digest.value())) {
            throw Failures.otherRegistryRefused(host, doing, 200, "the content is not that of " + digest);
        }
        return Optional.of(answer.body());
    }

    private boolean sameOrigin(URI uri) {
        return base.getScheme().equalsIgnoreCase(uri.getScheme()) && base.getAuthority().equalsIgnoreCase(
                String.valueOf(uri.getAuthority()));
    }

    /** A manifest as the registry holds it. */
    private record Held(String digest, String mediaType, byte[] body) {
        TaggedImage taggedImage() {
            Optional<Digest> config = Optional.empty();
            try {
                JsonNode node = JSON.readTree(body).path("config").path("digest");
                if (node.isTextual()) {
                    config = Optional.of(Digest.of(node.asText()));
                }
            } catch (IOException e) {
                // not JSON: a manifest without a config (the caller treats it as another image)
            }
            return new TaggedImage(Digest.of(digest), config);
        }
    }

    private Optional<Held> held(String repository, String reference) {
        HttpResponse<byte[]> answer = send("GET", "/v2/" + repository + "/manifests/" + reference, null, null,
                "reading " + repository + ":" + reference);
        if (answer.statusCode() == 404) {
            return Optional.empty();
        }
        if (answer.statusCode() != 200) {
            throw refused("reading the manifest of " + repository + ":" + reference, answer);
        }
        String digest = answer.headers().firstValue("Docker-Content-Digest").orElseGet(() -> sha256(answer.body()));
        String type = answer.headers().firstValue("Content-Type").map(t -> t.replaceFirst(";.*", "").strip())
                .orElse("application/vnd.docker.distribution.manifest.v2+json");
        return Optional.of(new Held(digest, type, answer.body()));
    }

    private static String sha256(byte[] body) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Sends one request; on a Bearer challenge gets a token for it (with the user's credentials) and sends again. A
     * refusal of that token means the token service took the login but granted the user nothing the request needs.
     */
    private HttpResponse<byte[]> send(String method, String path, String contentType, byte[] body, String doing) {
        return send(http, method, path, contentType, body, doing);
    }

    /** {@link #send(String, String, String, byte[], String)} through {@code client}. */
    private HttpResponse<byte[]> send(HttpClient client, String method, String path, String contentType, byte[] body,
                                      String doing) {
        HttpResponse<byte[]> answer = sendOnce(client, method, path, contentType, body, doing, authorization);
        Optional<String> challenge = answer.headers().firstValue("WWW-Authenticate");
        if (answer.statusCode() == 401 && challenge.isPresent()
                && challenge.get().toLowerCase(Locale.ROOT).startsWith("bearer ")) {
            // this request's own token: a concurrent request may replace the shared one with a token of another scope
            String bearer = "Bearer " + token(challenge.get(), doing);
            authorization = bearer;
            answer = sendOnce(client, method, path, contentType, body, doing, bearer);
            if (answer.statusCode() == 401 || answer.statusCode() == 403) {
                throw Failures.otherRegistryAccessDenied(host, doing, detail(answer));
            }
        }
        return answer;
    }

    private HttpResponse<byte[]> sendOnce(HttpClient client, String method, String path, String contentType,
                                          byte[] body, String doing, String credentials) {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(TIMEOUT)
                .header("Authorization", credentials).header("Accept", ACCEPT)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return exchange(client, request.build(), doing);
    }

    /** The Bearer token flow: the realm hands out a token for the service and scope, given the user's Basic login. */
    private String token(String challenge, String doing) {
        Map<String, String> params = new HashMap<>();
        Matcher m = CHALLENGE_PARAM.matcher(challenge);
        while (m.find()) {
            params.put(m.group(1).toLowerCase(Locale.ROOT), m.group(2));
        }
        String realm = params.get("realm");
        if (realm == null) {
            throw Failures.otherRegistryRefused(host, doing, 401, "a Bearer challenge without a realm");
        }
        StringBuilder query = new StringBuilder();
        for (String name : List.of("service", "scope")) {
            if (params.containsKey(name)) {
                query.append(query.isEmpty() ? "?" : "&").append(name).append('=')
                        .append(URLEncoder.encode(params.get(name), StandardCharsets.UTF_8));
            }
        }
        HttpResponse<byte[]> answer = exchange(http, HttpRequest.newBuilder(URI.create(realm + query)).timeout(TIMEOUT)
                .header("Authorization", "Basic " + basic()).GET().build(), doing);
        if (answer.statusCode() != 200) {
            throw refused(doing, answer);
        }
        try {
            JsonNode json = JSON.readTree(answer.body());
            String token = json.hasNonNull("token") ? json.get("token").asText() : json.path("access_token").asText();
            if (token.isEmpty()) {
                throw Failures.otherRegistryRefused(host, doing, 200, "the token service answered without a token");
            }
            return token;
        } catch (IOException e) {
            throw Failures.otherRegistryRefused(host, doing, 200, "the token service's answer is not JSON");
        }
    }

    private HttpResponse<byte[]> exchange(HttpClient client, HttpRequest request, String doing) {
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw Failures.otherRegistryUnreachable(host, RootCause.message(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw Failures.interrupted(doing, e);
        }
    }

    private PipeException refused(String doing, HttpResponse<byte[]> answer) {
        String detail = detail(answer);
        return answer.statusCode() == 401 || answer.statusCode() == 403
                ? Failures.otherRegistryCredentialsRefused(host, detail)
                : Failures.otherRegistryRefused(host, doing, answer.statusCode(), detail);
    }

    /** The registry's own error text ({@code errors[0]}), never a header that may echo credentials. */
    private static String detail(HttpResponse<byte[]> answer) {
        String detail = "HTTP " + answer.statusCode();
        try {
            JsonNode errors = JSON.readTree(answer.body()).path("errors");
            if (errors.isArray() && !errors.isEmpty()) {
                detail = errors.get(0).path("code").asText() + ": " + errors.get(0).path("message").asText();
            }
        } catch (IOException e) {
            // not JSON: the status says enough
        }
        return detail;
    }
}
