package org.ecrpushpipe.docker.engine;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

import org.ecrpushpipe.context.BuildContext;
import org.ecrpushpipe.docker.BuildRequest;
import org.ecrpushpipe.docker.Cancellation;
import org.ecrpushpipe.docker.DockerEngine;
import org.ecrpushpipe.docker.PushOutcome;
import org.ecrpushpipe.errors.BuildProblem;
import org.ecrpushpipe.errors.Failures;
import org.ecrpushpipe.errors.PipeException;
import org.ecrpushpipe.errors.PushProblem;
import org.ecrpushpipe.errors.RootCause;
import org.ecrpushpipe.registry.Digest;
import org.ecrpushpipe.registry.ImageReference;
import org.ecrpushpipe.registry.RegistryCredentials;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.github.dockerjava.transport.DockerHttpClient;
import com.github.dockerjava.zerodep.ZerodepDockerHttpClient;

/**
 * {@link DockerEngine} on docker-java's zerodep transport (its HTTP client for unix sockets and TCP, with its own
 * shaded httpclient5). The only code that talks to the engine. It calls the engine's API directly — ping, the
 * classic build, tag, push — and reads the answers with Jackson's streaming parser: docker-java's command layer
 * would pack its own build context (with other tar headers), drop the built image's id from the answer, and cost
 * an object mapper and some 600 model classes at start-up for four calls.
 *
 * <p>Builds use the classic builder with host networking, never BuildKit or anything privileged. Registry
 * credentials travel in each push request's {@code X-Registry-Auth} header; nothing is written to a docker config
 * file, and no credentials go with the build.
 */
public final class DockerJavaEngine implements DockerEngine {
    private static final String NO_REGISTRY_CONFIG = Base64.getEncoder().encodeToString(
            "{}".getBytes(StandardCharsets.UTF_8));

    private final String address;
    private final DockerHttpClient http;

    public DockerJavaEngine(String dockerHost) {
        this.address = dockerHost;
        this.http = new ZerodepDockerHttpClient.Builder()
                .dockerHost(URI.create(dockerHost))
                .maxConnections(16)
                .connectionTimeout(Duration.ofSeconds(10))
                .build();
    }

    @Override
    public String address() {
        return address;
    }

    /**
     * How long the engine has to answer the ping. The transport's only read timeout would also cut a build's answer
     * during a long silent step, so the ping alone is bounded, by waiting for it on a thread of its own.
     */
    static final Duration PING_TIMEOUT = Duration.ofSeconds(20);

    @Override
    public void ping() {
        CompletableFuture<Void> ping = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try (DockerHttpClient.Response response = http.execute(request("GET", "/_ping").build())) {
                if (response.getStatusCode() != 200) {
                    throw new NotAnEngine("it answered /_ping with HTTP " + response.getStatusCode() + ": "
                            + message(response));
                }
                ping.complete(null);
            } catch (RuntimeException e) {
                ping.completeExceptionally(e);
            }
        }, "engine-ping");
        thread.setDaemon(true); // one that never gets an answer must not keep the process alive
        thread.start();
        try {
            ping.get(PING_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw Failures.engineUnreachable(address, "it accepted the connection but did not answer within "
                    + PING_TIMEOUT.toSeconds() + " s", new Failures.EngineAccess.Other(), null);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof NotAnEngine notAnEngine) {
                throw Failures.notAnEngine(address, notAnEngine.getMessage());
            }
            throw Failures.engineUnreachable(address, RootCause.message(e.getCause()), access(e.getCause()),
                    e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw Failures.interrupted("waiting for the Docker engine to answer", e);
        }
    }

    /** How the engine could not be reached, as far as the failure says. */
    private Failures.EngineAccess access(Throwable e) {
        Throwable root = RootCause.of(e);
        URI uri = URI.create(address);
        String message = String.valueOf(root.getMessage());
        if (root instanceof java.net.UnknownHostException) {
            return new Failures.EngineAccess.UnknownHost(uri.getHost());
        }
        if ("unix".equals(uri.getScheme()) && message.contains("Permission denied")) {
            Optional<Integer> group;
            try {
                group = Optional.of((Integer) java.nio.file.Files.getAttribute(java.nio.file.Path.of(uri.getPath()),
                        "unix:gid"));
            } catch (IOException | RuntimeException unreadable) {
                group = Optional.empty();
            }
            return new Failures.EngineAccess.SocketDenied(uri.getPath(), group);
        }
        if ("unix".equals(uri.getScheme()) && message.contains("No such file")) {
            return new Failures.EngineAccess.NoSocket(uri.getPath());
        }
        return new Failures.EngineAccess.Other();
    }

    @Override
    public Digest build(BuildRequest request, Consumer<String> output, Cancellation cancellation) {
        // The context goes as the plain tar the pipe wrote, with the docker CLI's headers; the answer's aux.ID
        // gives the image's full id without another request.
        String path = "/build?version=1&networkmode=host&rm=1&forcerm=1&dockerfile="
                + URLEncoder.encode(request.context().dockerfile(), StandardCharsets.UTF_8)
                + BuildOptions.query(request) + cacheQuery(request.cache());
        // the step each line belongs to, so a failure can name it (the engine's error does not), and that step's
        // last lines of output, so a failure can show them
        String[] step = {null};
        StepOutput stepOutput = new StepOutput();
        EngineMessages messages = new EngineMessages(line -> {
            if (STEP.matcher(line).lookingAt()) {
                step[0] = line.strip();
                stepOutput.newStep();
            } else {
                stepOutput.add(line);
            }
            output.accept(line);
        });
        InputStream tar = request.context().openTar();
        // cancelling ends the upload (the tar stream fails) or the answer (its connection closes); either way the
        // engine sees the client go and abandons the build
        cancellation.onCancel(() -> closeQuietly(tar));
        DockerHttpClient.Request call = request("POST", path)
                .putHeader("Content-Type", "application/x-tar")
                // no registry credentials with the build (the CLI would send every login in its config file)
                .putHeader("X-Registry-Config", NO_REGISTRY_CONFIG)
                .body(tar)
                .build();
        try (DockerHttpClient.Response response = http.execute(call)) {
            cancellation.onCancel(() -> closeQuietly(response));
            if (response.getStatusCode() >= 400) {
                throw refused(response);
            }
            messages.read(response.getBody());
        } catch (PipeException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            messages.flush();
            if (cancellation.isCancelled()) {
                throw Failures.cancelled("building the image");
            }
            BuildContext.SendFailure context = RootCause.find(e, BuildContext.SendFailure.class);
            if (context != null) {
                throw new PipeException.Configuration(List.of(new PipeException.Configuration.Problem(
                        "BUILD_CONTEXT", context.getMessage())));
            }
            if (messages.error().isPresent()) {
                throw buildFailed(messages.error().get(), step[0], stepOutput.lastLines(), e);
            }
            throw Failures.engineFailedDuringBuild(address, RootCause.message(e), e);
        }
        if (messages.error().isPresent()) {
            throw buildFailed(messages.error().get(), step[0], stepOutput.lastLines(), null);
        }
        return messages.imageId().map(Digest::of).orElseThrow(() -> Failures.engineNamedNoImage(address));
    }

    /**
     * The build's cache parameters: {@code cachefrom}, a JSON array of image names (docker-java's
     * {@code withCacheFrom}, the CLI's {@code --cache-from}), and {@code target} for a stage's cache image.
     */
    private static String cacheQuery(org.ecrpushpipe.docker.BuildCache cache) {
        StringBuilder query = new StringBuilder();
        if (!cache.sources().isEmpty()) {
            ByteArrayOutputStream json = new ByteArrayOutputStream();
            try (JsonGenerator generator = EngineMessages.JSON.createGenerator(json)) {
                generator.writeStartArray();
                for (String source : cache.sources()) {
                    generator.writeString(source);
                }
                generator.writeEndArray();
            } catch (IOException e) {
                throw new IllegalStateException("could not write the cache sources", e);
            }
            query.append("&cachefrom=").append(URLEncoder.encode(json.toString(StandardCharsets.UTF_8),
                    StandardCharsets.UTF_8));
        }
        return query.toString();
    }

    /** A build's error, with the step it happened in. */
    private static PipeException buildFailed(String error, String step, List<String> lastLines, Throwable origin) {
        BuildProblem problem = BuildErrors.classify(error, Optional.ofNullable(step));
        return problem == BuildProblem.STEP_FAILED || problem == BuildProblem.STEP_KILLED
                ? Failures.stepFailed(problem, error, Optional.ofNullable(step), lastLines, origin)
                : Failures.buildFailed(problem, error, Optional.ofNullable(step), origin);
    }

    /** Something answered the ping, but not as an engine does. */
    private static final class NotAnEngine extends RuntimeException {
        NotAnEngine(String message) {
            super(message, null, false, false);
        }
    }

    /** The engine's announcement of a build step: {@code Step 2/5 : RUN make}. */
    private static final java.util.regex.Pattern STEP = java.util.regex.Pattern.compile("Step \\d+/\\d+ : ");

    /** The engine refused the build request before building: its JSON message says why. */
    private PipeException refused(DockerHttpClient.Response response) {
        String message = message(response);
        if (response.getStatusCode() < 500) {
            BuildProblem problem = BuildErrors.classify(message);
            return Failures.buildFailed(problem == BuildProblem.OTHER ? BuildProblem.DOCKERFILE : problem, message,
                    null);
        }
        return Failures.engineRefusedBuild(address, message);
    }

    @Override
    public Optional<Digest> imageId(String image) {
        String path = "/images/" + URLEncoder.encode(image, StandardCharsets.UTF_8).replace("%2F", "/")
                .replace("%3A", ":") + "/json";
        try (DockerHttpClient.Response response = http.execute(request("GET", path).build())) {
            if (response.getStatusCode() == 404) {
                return Optional.empty();
            }
            if (response.getStatusCode() != 200) {
                throw new IllegalStateException(message(response));
            }
            return EngineMessages.field(response.getBody(), "Id").map(Digest::of);
        } catch (IOException | RuntimeException e) {
            throw Failures.engineCouldNotInspect(image, RootCause.message(e), e);
        }
    }

    @Override
    public void tag(Digest imageId, ImageReference reference) {
        String path = "/images/" + imageId + "/tag?repo="
                + URLEncoder.encode(reference.repositoryUri(), StandardCharsets.UTF_8)
                + "&tag=" + URLEncoder.encode(reference.tag().value(), StandardCharsets.UTF_8);
        try (DockerHttpClient.Response response = http.execute(request("POST", path).build())) {
            if (response.getStatusCode() != 201 && response.getStatusCode() != 200) {
                throw new IllegalStateException(message(response));
            }
        } catch (RuntimeException e) {
            throw Failures.engineCouldNotTag(reference.toString(), RootCause.message(e), e);
        }
    }

    @Override
    public PushOutcome push(ImageReference reference, RegistryCredentials credentials, Consumer<String> progress,
                            Cancellation cancellation) {
        String path = "/images/" + reference.repositoryUri() + "/push?tag="
                + URLEncoder.encode(reference.tag().value(), StandardCharsets.UTF_8);
        EngineMessages messages = new EngineMessages(progress);
        DockerHttpClient.Request call = request("POST", path)
                .putHeader("X-Registry-Auth", registryAuth(credentials))
                .build();
        try (DockerHttpClient.Response response = http.execute(call)) {
            // closing the answer's connection makes the engine abandon the push (a manifest not yet sent is never sent)
            cancellation.onCancel(() -> closeQuietly(response));
            if (response.getStatusCode() >= 400) {
                return PushErrors.classify(message(response));
            }
            messages.read(response.getBody());
        } catch (IOException | RuntimeException e) {
            if (cancellation.isCancelled()) {
                return new PushOutcome.Failed(PushProblem.CANCELLED, "the run was stopped");
            }
            // an error in the progress stream takes precedence: it is the registry's own words
            if (messages.error().isPresent()) {
                return PushErrors.classify(messages.error().get());
            }
            PushOutcome.Failed failed = PushErrors.classify(RootCause.message(e));
            // the engine itself went away (its connection refused or reset, not a registry's answer relayed)
            return failed.problem() == PushProblem.OTHER || failed.problem() == PushProblem.TRANSIENT
                    ? new PushOutcome.Failed(PushProblem.ENGINE_UNREACHABLE, failed.detail()) : failed;
        }
        if (cancellation.isCancelled()) {
            return new PushOutcome.Failed(PushProblem.CANCELLED, "the run was stopped");
        }
        // A failed push still answers HTTP 200: the registry's refusal is only in a message's errorDetail.
        if (messages.error().isPresent()) {
            return PushErrors.classify(messages.error().get());
        }
        return messages.digest().<PushOutcome>map(d -> new PushOutcome.Pushed(Digest.of(d)))
                .orElseGet(() -> new PushOutcome.Failed(PushProblem.OTHER,
                        "the engine reported no digest for the pushed image"));
    }

    @Override
    public org.ecrpushpipe.docker.PullOutcome pull(ImageReference reference, RegistryCredentials credentials,
                                                   Consumer<String> progress, Cancellation cancellation) {
        String path = "/images/create?fromImage=" + URLEncoder.encode(reference.repositoryUri(), StandardCharsets.UTF_8)
                + "&tag=" + URLEncoder.encode(reference.tag().value(), StandardCharsets.UTF_8);
        EngineMessages messages = new EngineMessages(progress);
        DockerHttpClient.Request call = request("POST", path)
                .putHeader("X-Registry-Auth", registryAuth(credentials))
                .build();
        try (DockerHttpClient.Response response = http.execute(call)) {
            cancellation.onCancel(() -> closeQuietly(response));
            if (response.getStatusCode() >= 400) {
                return PullErrors.classify(response.getStatusCode(), message(response));
            }
            messages.read(response.getBody());
        } catch (IOException | RuntimeException e) {
            if (cancellation.isCancelled()) {
                throw Failures.cancelled("pulling " + reference);
            }
            return PullErrors.classify(0, messages.error().orElseGet(() -> RootCause.message(e)));
        }
        if (cancellation.isCancelled()) {
            throw Failures.cancelled("pulling " + reference);
        }
        // like a push, a failed pull may still answer HTTP 200, with the failure only in the stream
        return messages.error().map(error -> PullErrors.classify(0, error))
                .orElseGet(org.ecrpushpipe.docker.PullOutcome.Pulled::new);
    }

    @Override
    public boolean holds(Digest imageId) {
        try (DockerHttpClient.Response response = http.execute(request("GET", "/images/" + imageId + "/json").build())) {
            return response.getStatusCode() == 200;
        } catch (RuntimeException e) {
            return false; // then it is pulled, and a real problem with the engine shows there
        }
    }

    /** The push's {@code X-Registry-Auth} header: the credentials as JSON, base64url-encoded, as the CLI sends them. */
    private static String registryAuth(RegistryCredentials credentials) {
        ByteArrayOutputStream json = new ByteArrayOutputStream();
        try (JsonGenerator generator = EngineMessages.JSON.createGenerator(json)) {
            generator.writeStartObject();
            generator.writeStringField("username", credentials.username());
            generator.writeStringField("password", credentials.password().reveal());
            generator.writeStringField("serveraddress", credentials.registryHost());
            generator.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException("could not write the registry credentials header", e);
        }
        return Base64.getUrlEncoder().encodeToString(json.toByteArray());
    }

    private static DockerHttpClient.Request.Builder request(String method, String path) {
        return DockerHttpClient.Request.builder().method(DockerHttpClient.Request.Method.valueOf(method)).path(path);
    }

    /** The {@code message} of an engine's JSON error answer, or its text when it is not JSON. */
    private static String message(DockerHttpClient.Response response) {
        String body;
        try {
            body = new String(response.getBody().readNBytes(64 * 1024), StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            return "HTTP " + response.getStatusCode();
        }
        try (JsonParser parser = EngineMessages.JSON.createParser(body)) {
            if (parser.nextToken() == JsonToken.START_OBJECT) {
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String field = parser.currentName();
                    parser.nextToken();
                    if (field.equals("message")) {
                        return parser.getValueAsString().strip();
                    }
                    parser.skipChildren();
                }
            }
        } catch (IOException e) {
            // not JSON: the text itself
        }
        return body.isBlank() ? "HTTP " + response.getStatusCode() : body.strip();
    }

    private static void closeQuietly(Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException | RuntimeException e) {
            // already closed, or the connection is gone: either way nothing more is read or sent
        }
    }

    @Override
    public void close() {
        closeQuietly(http);
    }
}
