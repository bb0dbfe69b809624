package org.ecrpushpipe.docker.engine;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

import org.ecrpushpipe.docker.BuilderKind;
import org.ecrpushpipe.docker.Cancellation;
import org.ecrpushpipe.docker.DockerEngine;
import org.ecrpushpipe.docker.EngineVersion;
import org.ecrpushpipe.docker.ImageBuilder;
import org.ecrpushpipe.docker.PullOutcome;
import org.ecrpushpipe.docker.PushOutcome;
import org.ecrpushpipe.errors.Failures;
import org.ecrpushpipe.errors.PushProblem;
import org.ecrpushpipe.errors.RootCause;
import org.ecrpushpipe.registry.Digest;
import org.ecrpushpipe.registry.ImageReference;
import org.ecrpushpipe.registry.RegistryCredentials;

import com.github.dockerjava.transport.DockerHttpClient;

/**
 * {@link DockerEngine} on docker-java's zerodep transport: the only code, with the builders beside it, that talks to
 * the engine. It calls the engine's API directly — ping, tag, push, pull, inspect — and reads the answers with
 * Jackson's streaming parser: docker-java's command layer would pack its own build context (with other tar
 * headers), drop the built image's id from the answer, and cost an object mapper and some 600 model classes at
 * start-up for a few calls.
 *
 * <p>Registry credentials travel in each push or pull request's {@code X-Registry-Auth} header; nothing is written to
 * a docker config file.
 */
public final class DockerJavaEngine implements DockerEngine {
    private final EngineConnection http;

    public DockerJavaEngine(String dockerHost) {
        this.http = new EngineConnection(dockerHost);
    }

    /** The engine's classic builder, on the same connection. */
    public ImageBuilder classicBuilder() {
        return new ClassicBuilder(http);
    }

    /**
     * One of the engine's builders, on the same connection. Whether the engine has BuildKit is the caller's to
     * check first ({@link EngineVersion#buildsWithBuildKit()} of {@link #ping()}).
     */
    public ImageBuilder builder(BuilderKind kind) {
        return switch (kind) {
            case CLASSIC -> new ClassicBuilder(http);
            case BUILDKIT -> new BuildKitBuilder(http);
        };
    }

    @Override
    public String address() {
        return http.address();
    }

    /**
     * How long the engine has to answer the ping. The transport's only read timeout would also cut a build's answer
     * during a long silent step, so the ping alone is bounded, by waiting for it on a thread of its own.
     */
    static final Duration PING_TIMEOUT = Duration.ofSeconds(20);

    /** What the engine says of itself, read as the ping is (one request: {@code GET /version}). */
    @Override
    public EngineVersion ping() {
        CompletableFuture<EngineVersion> ping = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                ping.complete(EngineVersions.read(http));
            } catch (RuntimeException e) {
                ping.completeExceptionally(e);
            }
        }, "engine-ping");
        thread.setDaemon(true); // one that never gets an answer must not keep the process alive
        thread.start();
        try {
            return ping.get(PING_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw Failures.engineUnreachable(http.address(), "it accepted the connection but did not answer within "
                    + PING_TIMEOUT.toSeconds() + " s", new Failures.EngineAccess.Other(), null);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof EngineVersions.NotAnEngine notAnEngine) {
                throw Failures.notAnEngine(http.address(), notAnEngine.getMessage());
            }
            throw Failures.engineUnreachable(http.address(), RootCause.message(e.getCause()), access(e.getCause()),
                    e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw Failures.interrupted("waiting for the Docker engine to answer", e);
        }
    }

    /** How the engine could not be reached, as far as the failure says. */
    private Failures.EngineAccess access(Throwable e) {
        Throwable root = RootCause.of(e);
        URI uri = URI.create(http.address());
        String message = String.valueOf(root.getMessage());
        if (root instanceof UnknownHostException) {
            return new Failures.EngineAccess.UnknownHost(uri.getHost());
        }
        if ("unix".equals(uri.getScheme()) && message.contains("Permission denied")) {
            Optional<Integer> group;
            try {
                group = Optional.of((Integer) Files.getAttribute(Path.of(uri.getPath()),
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
    public Optional<Digest> imageId(String image) {
        String path = "/images/" + URLEncoder.encode(image, StandardCharsets.UTF_8).replace("%2F", "/")
                .replace("%3A", ":") + "/json";
        try (DockerHttpClient.Response response = http.execute(EngineConnection.request("GET", path).build())) {
            if (response.getStatusCode() == 404) {
                return Optional.empty();
            }
            if (response.getStatusCode() != 200) {
                throw new IllegalStateException(EngineConnection.message(response));
            }
            return EngineMessages.field(response.getBody(), "Id").map(Digest::of);
        } catch (IOException | RuntimeException e) {
            throw Failures.engineCouldNotInspect(image, RootCause.message(e), e);
        }
    }

    /** The inspection's {@code Size}; the report's business only, so a failure here is no failure of the run. */
    @Override
    public OptionalLong imageSize(Digest imageId) {
        try (DockerHttpClient.Response response = http.execute(EngineConnection.request("GET",
                "/images/" + imageId + "/json").build())) {
            return response.getStatusCode() == 200 ? EngineMessages.number(response.getBody(), "Size")
                    : OptionalLong.empty();
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
    }

    @Override
    public void tag(Digest imageId, ImageReference reference) {
        String path = "/images/" + imageId + "/tag?repo="
                + URLEncoder.encode(reference.repositoryUri(), StandardCharsets.UTF_8)
                + "&tag=" + URLEncoder.encode(reference.tag().value(), StandardCharsets.UTF_8);
        try (DockerHttpClient.Response response = http.execute(EngineConnection.request("POST", path).build())) {
            if (response.getStatusCode() != 201 && response.getStatusCode() != 200) {
                throw new IllegalStateException(EngineConnection.message(response));
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
        DockerHttpClient.Request call = EngineConnection.request("POST", path)
                .putHeader("X-Registry-Auth", EngineConnection.registryAuth(credentials))
                .build();
        try {
            // closing the answer's connection makes the engine abandon the push (a manifest not yet sent is never sent)
            Optional<PushOutcome.Failed> refused = http.stream(call, cancellation, messages,
                    (status, message) -> PushErrors.classify(message));
            if (refused.isPresent()) {
                return refused.get();
            }
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
    public PullOutcome pull(ImageReference reference, RegistryCredentials credentials, Consumer<String> progress,
                            Cancellation cancellation) {
        return EnginePulls.pull(http, reference.repositoryUri(), reference.tag().value(), Optional.of(credentials),
                progress, cancellation);
    }

    @Override
    public boolean holds(Digest imageId) {
        return EnginePulls.holds(http, imageId.value());
    }

    @Override
    public void close() {
        http.close();
    }
}
