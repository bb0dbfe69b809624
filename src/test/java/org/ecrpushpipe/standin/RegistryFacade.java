package org.ecrpushpipe.standin;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpsExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * ECR's data plane in front of the real registry: a streaming reverse proxy that checks ECR's Basic credentials
 * ({@code AWS} and a password from GetAuthorizationToken), refuses repositories the control plane never created
 * and overwrites of immutable tags with ECR's errors, then forwards with the real registry's own credentials, and
 * notes each manifest written or deleted in the repository's index before the client hears of it. Bodies are piped
 * through in both directions, never held whole in memory. Every request first waits out the registry's latency.
 */
final class RegistryFacade implements HttpHandler {
    private static final Pattern REPOSITORY_PATH = Pattern.compile("/v2/(.+?)/(manifests|blobs|tags)/(.*)");
    /** Hop-by-hop headers, and those this proxy sets itself. */
    private static final Set<String> NOT_FORWARDED = Set.of("connection", "keep-alive", "proxy-authenticate",
            "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade", "host", "content-length",
            "authorization", "expect", "date");

    private final RepositoryCatalog catalog;
    private final AuthorizationTokens tokens;
    private final RegistryClient registry;
    private final Faults faults;
    private final String accountId;
    private final String realm;
    /** Where blob downloads are redirected to, as ECR redirects them to its S3 layer bucket. */
    private final LayerBucket layerBucket;
    private final StrictMode strict;
    private final CreateOnPush createOnPush;
    private final RepositoryImages images;
    private final Latency latency;
    private final AccountBoundary boundary;
    /** Every request the facade received, as "METHOD path", for tests that count uploads. */
    private final List<String> requests = new CopyOnWriteArrayList<>();
    /** Every Host header received, to show which name a push went through. */
    private final Set<String> hostHeaders = ConcurrentHashMap.newKeySet();

    RegistryFacade(RepositoryCatalog catalog, AuthorizationTokens tokens, RegistryClient registry, Faults faults,
                   String accountId, String region, LayerBucket layerBucket, CreateOnPush createOnPush,
                   StrictMode strict, RepositoryImages images, Latency latency, AccountBoundary boundary) {
        this.boundary = boundary;
        this.createOnPush = createOnPush;
        this.strict = strict;
        this.catalog = catalog;
        this.tokens = tokens;
        this.registry = registry;
        this.faults = faults;
        this.accountId = accountId;
        this.images = images;
        this.latency = latency;
        this.realm = "https://" + EcrStandIn.ecrRegistryHost(accountId, region) + "/";
        this.layerBucket = layerBucket;
    }

    /** The requests received so far ("METHOD path"), oldest first; a live view, cleared by {@code clear()}. */
    List<String> requests() {
        return requests;
    }

    Set<String> hostHeaders() {
        return Set.copyOf(hostHeaders);
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getRawPath();
            requests.add(method + " " + path);
            Optional.ofNullable(exchange.getRequestHeaders().getFirst("Host")).ifPresent(hostHeaders::add);
            latency.await();
            Optional<Fault> fault = faults.take(method, path);
            if (fault.isPresent() && !faults.passes(fault.get(), method, path)) {
                if (fault.get() instanceof Fault.DropConnection) {
                    faults.record(method, path, "dropped the connection");
                    return; // closing the exchange before any response closes the socket
                } else if (fault.get() instanceof Fault.DropMidBody drop) {
                    dropMidBody(exchange, drop.afterBytes());
                    return;
                } else if (fault.get() instanceof Fault.Status status && status.status() != 429) {
                    faults.record(method, path, "answered " + status.status());
                    sendError(exchange, status.status(), "UNKNOWN", "unknown error");
                    return;
                } else {
                    faults.record(method, path, "answered 429");
                    sendError(exchange, 429, "TOOMANYREQUESTS", "Rate exceeded");
                    return;
                }
            }
            if (path.startsWith(LayerBucket.PATH)) {
                fromLayerBucket(exchange); // pre-signed: no registry credentials, as S3 wants none
                return;
            }
            Optional<String> principal = authorized(exchange);
            if (principal.isEmpty()) {
                return;
            }
            Matcher m = REPOSITORY_PATH.matcher(path);
            if (!m.matches()) {
                forward(exchange);
                return;
            }
            String name = m.group(1);
            Optional<String> otherAccount = boundary.registryDenial(principal.get(), method, m.group(2), m.group(3), name);
            if (otherAccount.isPresent()) {
                sendError(exchange, 403, "DENIED", otherAccount.get());
                return;
            }
            Optional<Repository> repository = catalog.find(name);
            if (repository.isEmpty() && !method.equals("GET") && !method.equals("HEAD")) {
                repository = createOnPush.create(name);
            }
            if (repository.isEmpty()) {
                sendError(exchange, 404, "NAME_UNKNOWN", "The repository with name '" + name
                        + "' does not exist in the registry with id '" + accountId + "'");
                return;
            }
            Optional<String> denial = strict.denyRegistryRequest(method, name, m.group(2), m.group(3));
            if (denial.isPresent()) {
                sendError(exchange, 403, "DENIED", denial.get());
                return;
            }
            if (m.group(2).equals("manifests") && method.equals("PUT")) {
                putManifest(exchange, repository.get(), URLDecoder.decode(m.group(3), StandardCharsets.UTF_8));
            } else if (m.group(2).equals("manifests") && method.equals("DELETE")) {
                deleteManifest(exchange, repository.get(), URLDecoder.decode(m.group(3), StandardCharsets.UTF_8));
            } else if (m.group(2).equals("manifests") && archived(repository.get(),
                    URLDecoder.decode(m.group(3), StandardCharsets.UTF_8))) {
                // an archived image cannot be pulled: ECR answers 404 (ECR user guide, "Archiving an image")
                sendError(exchange, 404, "MANIFEST_UNKNOWN", "Requested image not found");
            } else if (m.group(2).equals("blobs") && method.equals("GET") && m.group(3).startsWith("sha256:")) {
                redirectToLayerBucket(exchange, name, m.group(3));
            } else {
                forward(exchange);
            }
        }
    }

    /**
     * Reads up to {@code afterBytes} of the request body, then returns without a response: closing the exchange
     * then closes the socket, with the rest of the upload unread (the client sees a reset or EOF mid-upload).
     */
    private void dropMidBody(HttpExchange exchange, long afterBytes) throws IOException {
        InputStream body = exchange.getRequestBody();
        byte[] buffer = new byte[8192];
        long read = 0;
        while (read < afterBytes) {
            int n = body.read(buffer, 0, (int) Math.min(buffer.length, afterBytes - read));
            if (n < 0) {
                break;
            }
            read += n;
        }
        boolean more = read == afterBytes && body.read() >= 0;
        faults.record(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
                "dropped the connection after " + read + " bytes of the body, " + (more ? "more unread" : "the whole body"));
    }

    /** The principal the presented password was issued to; empty after answering a request without a valid one. */
    private Optional<String> authorized(HttpExchange exchange) throws IOException {
        String header = exchange.getRequestHeaders().getFirst("Authorization");
        String password = null;
        if (header != null && header.regionMatches(true, 0, "Basic ", 0, 6)) {
            try {
                String decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
                if (decoded.startsWith("AWS:")) {
                    password = decoded.substring(4);
                }
            } catch (IllegalArgumentException notBase64) {
                // treated like no credentials
            }
        }
        AuthorizationTokens.Status status = password == null ? AuthorizationTokens.Status.UNKNOWN : tokens.check(password);
        if (status == AuthorizationTokens.Status.VALID) {
            return tokens.principal(password);
        }
        if (status == AuthorizationTokens.Status.EXPIRED) {
            sendError(exchange, 403, "DENIED", "Your authorization token has expired. Reauthenticate and try again.");
            return Optional.empty();
        }
        exchange.getResponseHeaders().set("Www-Authenticate",
                "Basic realm=\"" + realm + "\",service=\"ecr.amazonaws.com\"");
        send(exchange, 401, "text/plain; charset=utf-8", "Not Authorized");
        return Optional.empty();
    }

    private void putManifest(HttpExchange exchange, Repository repository, String reference) throws IOException {
        boolean byTag = !reference.contains(":");
        repository.manifestLock().lock();
        try {
            // ECR refuses even an identical manifest under an existing immutable tag, unless that tag's image is
            // archived: pushing the same image again restores it
            Optional<RegistryManifest> held = byTag && repository.mutability().isImmutable(reference)
                    ? registry.manifest(repository.name(), reference) : Optional.empty();
            if (held.isPresent() && repository.isArchived(held.get().digest())) {
                byte[] body = exchange.getRequestBody().readAllBytes();
                String digest = RegistryManifest.digestOf(body);
                if (digest.equals(held.get().digest())) {
                    repository.restore(digest);
                    exchange.getResponseHeaders().set("Docker-Content-Digest", digest);
                    exchange.getResponseHeaders().set("Location", "/v2/" + repository.name() + "/manifests/" + digest);
                    exchange.sendResponseHeaders(201, -1);
                    return;
                }
            }
            if (held.isPresent()) {
                sendError(exchange, 400, "TAG_INVALID",
                        EcrError.immutableTagMessage(reference, repository.name()));
                return;
            }
            forward(exchange, response -> {
                if (response.statusCode() == 201) {
                    response.headers().firstValue("Docker-Content-Digest").ifPresent(digest -> {
                        images.stored(repository, digest, byTag ? reference : null);
                        repository.restore(digest); // a push of an archived image restores it
                    });
                }
            });
        } finally {
            repository.manifestLock().unlock();
        }
    }

    /** A manifest deleted by digest takes every tag that points at it (distribution answers a tag with an error). */
    private void deleteManifest(HttpExchange exchange, Repository repository, String reference) throws IOException {
        repository.manifestLock().lock();
        try {
            forward(exchange, response -> {
                if (response.statusCode() == 202) {
                    images.deleted(repository, reference);
                }
            });
        } finally {
            repository.manifestLock().unlock();
        }
    }

    /** Whether a manifest reference (a tag or a digest) names an archived image of the repository. */
    private boolean archived(Repository repository, String reference) {
        if (!repository.hasArchived()) {
            return false;
        }
        if (reference.contains(":")) {
            return repository.isArchived(reference);
        }
        return registry.manifest(repository.name(), reference).map(m -> repository.isArchived(m.digest()))
                .orElse(false);
    }

    /**
     * ECR's answer to a blob download: {@code 307} to a pre-signed URL of its layer bucket when it holds the blob
     * (the registry's own 404 otherwise).
     */
    private void redirectToLayerBucket(HttpExchange exchange, String repository, String digest) throws IOException {
        HttpResponse<Void> head;
        try {
            head = registry.exchange(registry.request("/v2/" + repository + "/blobs/" + digest)
                    .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while asking the registry for a blob", e);
        }
        if (head.statusCode() != 200) {
            forward(exchange);
            return;
        }
        exchange.getResponseHeaders().set("Location", layerBucket.presign(scheme(exchange)
                + exchange.getRequestHeaders().getFirst("Host"), repository, digest));
        exchange.getResponseHeaders().set("Docker-Distribution-Api-Version", "registry/2.0");
        exchange.sendResponseHeaders(307, -1);
    }

    /** A GET of a pre-signed layer URL: the blob, streamed from the registry, or S3's XML refusal. */
    private void fromLayerBucket(HttpExchange exchange) throws IOException {
        LayerBucket.Answer answer = layerBucket.resolve(exchange.getRequestURI().getRawPath(),
                exchange.getRequestURI().getRawQuery());
        if (answer instanceof LayerBucket.Answer.Refused refused) {
            send(exchange, refused.status(), "application/xml", LayerBucket.errorXml(refused.code(), refused.message()));
            return;
        }
        forward(exchange, ((LayerBucket.Answer.Blob) answer).registryPath(), response -> { });
    }

    /** Proxies the exchange to the real registry. */
    private void forward(HttpExchange exchange) throws IOException {
        forward(exchange, response -> { });
    }

    /**
     * Proxies the exchange to the real registry; {@code noted} sees the registry's answer before the client does,
     * so that what it notes holds by the time the client acts on the answer.
     */
    private void forward(HttpExchange exchange, Consumer<HttpResponse<?>> noted) throws IOException {
        URI uri = exchange.getRequestURI();
        forward(exchange, uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()), noted);
    }

    /** Proxies the exchange to {@code target} (path and query) of the real registry. */
    private void forward(HttpExchange exchange, String targetPath, Consumer<HttpResponse<?>> noted)
            throws IOException {
        String method = exchange.getRequestMethod();
        HttpRequest.Builder request = registry.request(targetPath);
        for (Map.Entry<String, List<String>> header : exchange.getRequestHeaders().entrySet()) {
            if (!NOT_FORWARDED.contains(header.getKey().toLowerCase(Locale.ROOT))) {
                for (String value : header.getValue()) {
                    try {
                        request.header(header.getKey(), value);
                    } catch (IllegalArgumentException restricted) {
                        // a header the JDK client sets itself
                    }
                }
            }
        }
        request.method(method, requestBody(exchange));

        HttpResponse<InputStream> response;
        try {
            response = registry.exchange(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            sendError(exchange, 502, "UNKNOWN", "the registry behind the ECR stand-in did not answer");
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while forwarding", e);
        }

        try (InputStream in = response.body()) {
            noted.accept(response);
            String facadeOrigin = scheme(exchange) + exchange.getRequestHeaders().getFirst("Host");
            response.headers().map().forEach((name, values) -> {
                String lower = name.toLowerCase(Locale.ROOT);
                if (NOT_FORWARDED.contains(lower) || lower.startsWith(":")) {
                    return;
                }
                for (String value : values) {
                    if (lower.equals("location") && value.startsWith(registry.base())) {
                        // The registry points uploads at itself; the client must come back through the facade.
                        value = facadeOrigin + value.substring(registry.base().length());
                    }
                    exchange.getResponseHeaders().add(name, value);
                }
            });
            long length = response.headers().firstValueAsLong("Content-Length").orElse(-1);
            int status = response.statusCode();
            if (method.equals("HEAD")) {
                if (length >= 0) {
                    exchange.getResponseHeaders().set("Content-Length", Long.toString(length));
                }
                exchange.sendResponseHeaders(status, -1);
            } else if (length == 0 || status == 204 || status == 304) {
                exchange.sendResponseHeaders(status, -1);
            } else {
                // 0 tells the JDK server to send chunked when the registry did not say how long the body is.
                exchange.sendResponseHeaders(status, length > 0 ? length : 0);
                try (OutputStream out = exchange.getResponseBody()) {
                    in.transferTo(out);
                }
            }
        }
    }

    private static String scheme(HttpExchange exchange) {
        return exchange instanceof HttpsExchange ? "https://" : "http://";
    }

    private static HttpRequest.BodyPublisher requestBody(HttpExchange exchange) {
        String contentLength = exchange.getRequestHeaders().getFirst("Content-Length");
        boolean chunked = Optional.ofNullable(exchange.getRequestHeaders().getFirst("Transfer-Encoding"))
                .map(v -> v.toLowerCase(Locale.ROOT).contains("chunked")).orElse(false);
        long length = contentLength == null ? -1 : Long.parseLong(contentLength.trim());
        if (!chunked && length <= 0) {
            return HttpRequest.BodyPublishers.noBody();
        }
        HttpRequest.BodyPublisher stream = HttpRequest.BodyPublishers.ofInputStream(exchange::getRequestBody);
        return chunked ? stream : HttpRequest.BodyPublishers.fromPublisher(stream, length);
    }

    private static void sendError(HttpExchange exchange, int status, String code, String message) throws IOException {
        String body = EcrJson.object().set("errors", EcrJson.MAPPER.createArrayNode()
                .add(EcrJson.object().put("code", code).put("message", message))).toString();
        send(exchange, status, "application/json; charset=utf-8", body);
    }

    private static void send(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.getResponseHeaders().set("Docker-Distribution-Api-Version", "registry/2.0");
        if (exchange.getRequestMethod().equals("HEAD")) {
            exchange.getResponseHeaders().set("Content-Length", Integer.toString(bytes.length));
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }
}
