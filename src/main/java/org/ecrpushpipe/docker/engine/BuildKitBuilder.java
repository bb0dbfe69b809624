package org.ecrpushpipe.docker.engine;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

import org.ecrpushpipe.config.BuildArg;
import org.ecrpushpipe.context.BuildContext;
import org.ecrpushpipe.docker.BuildOutcome;
import org.ecrpushpipe.docker.BuildRequest;
import org.ecrpushpipe.docker.Cancellation;
import org.ecrpushpipe.docker.ImageBuilder;
import org.ecrpushpipe.dockerfile.Dockerfile;
import org.ecrpushpipe.errors.BuildProblem;
import org.ecrpushpipe.errors.Failures;
import org.ecrpushpipe.errors.PipeException;
import org.ecrpushpipe.errors.RootCause;
import org.ecrpushpipe.registry.Digest;

import com.github.dockerjava.transport.DockerHttpClient;

/**
 * The engine's BuildKit builder through its API ({@code POST /build?version=2}), with the context tar as the request
 * body and no client session: the engine serves the body to BuildKit as the build context, and BuildKit's
 * Dockerfile frontend (the one built into the engine) reads the Dockerfile from it. The answer streams BuildKit's
 * status, which {@link BuildKitProgress} shows as {@code docker build --progress=plain} does, and ends with the
 * image's id or the error; a failed build still answers HTTP 200.
 *
 * <p>A build with secrets gets a session of its own ({@link BuildSession}), named in the request, which serves them
 * and the run's registry logins; the context is still the request's body.
 *
 * <p>Without a session BuildKit gets no registry credentials, secrets nor ssh agent: the images the Dockerfile pulls
 * from registries the run has a login for are pulled first ({@link BuildKitPulls}), and {@code pull=1} is never sent.
 * Closing the request (cancelling) stops the build: BuildKit kills the running step and keeps nothing of it.
 */
final class BuildKitBuilder implements ImageBuilder {
    /** The build argument that makes BuildKit write its cache metadata into the image's config. */
    static final String INLINE_CACHE = "BUILDKIT_INLINE_CACHE";

    private final EngineConnection engine;

    BuildKitBuilder(EngineConnection engine) {
        this.engine = engine;
    }

    @Override
    public BuildOutcome build(BuildRequest request, Consumer<String> output, Cancellation cancellation) {
        Optional<BuildOutcome.Failed> pulls = new BuildKitPulls(engine).pull(request, output, cancellation);
        if (pulls.isPresent()) {
            return pulls.get();
        }
        Optional<BuildSession> session = session(request, cancellation);
        try {
            return send(request, session.map(BuildSession::id), output, cancellation);
        } finally {
            session.ifPresent(BuildSession::close);
        }
    }

    /**
     * A session for the build when it has secrets, serving them and the run's registry logins; none otherwise, so
     * a build without secrets never loads the session's machinery. Cancelling closes it.
     */
    private Optional<BuildSession> session(BuildRequest request, Cancellation cancellation) {
        if (request.secrets().isEmpty()) {
            return Optional.empty();
        }
        try {
            BuildSession session = BuildSession.open(engine.address(), sessionName(request),
                    new SessionServices(request.secrets(), request.access().logins()));
            cancellation.onCancel(session::close);
            return Optional.of(session);
        } catch (SessionSocket.Refused e) {
            throw Failures.engineRefusedSession(engine.address(), engineVersion(), e.getMessage());
        } catch (IOException e) {
            throw Failures.engineUnreachable(engine.address(), RootCause.message(e),
                    new Failures.EngineAccess.Other(), e);
        }
    }

    /** The context directory's name, as the docker CLI names its session, kept to what a header may carry. */
    static String sessionName(BuildRequest request) {
        Path directory = request.context().directory().getFileName();
        String name = directory == null ? "" : directory.toString().replaceAll("[^A-Za-z0-9._-]", "_");
        return name.isEmpty() ? "build" : name;
    }

    private BuildOutcome send(BuildRequest request, Optional<String> session, Consumer<String> output,
                              Cancellation cancellation) {
        BuildKitProgress progress = new BuildKitProgress(output);
        EngineMessages messages = new EngineMessages(output, progress);
        // BuildKit's context: its own ignore rule, and no ignore file applied by the engine
        InputStream tar = request.context().forBuildKit().openTar();
        // cancelling ends the upload or the answer; either way the engine sees the client go and stops the build
        cancellation.onCancel(() -> EngineConnection.closeQuietly(tar));
        DockerHttpClient.Request call = EngineConnection.request("POST", path(request)
                        + session.map(id -> BuildOptions.parameter("session", id)).orElse(""))
                .putHeader("Content-Type", "application/x-tar")
                .body(tar)
                .build();
        try (DockerHttpClient.Response response = engine.execute(call)) {
            cancellation.onCancel(() -> EngineConnection.closeQuietly(response));
            if (response.getStatusCode() >= 400) {
                return refused(response);
            }
            messages.read(response.getBody());
        } catch (PipeException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            return broken(e, request, messages, progress, cancellation);
        }
        return ended(request, messages, progress, cancellation);
    }

    /**
     * The request's path: {@code networkmode} as given ({@code default} is BuildKit's word for the engine's own
     * network; it refuses {@code bridge}), the Dockerfile's path in the context, the options every builder takes,
     * the inline cache as a build argument, and the cache sources.
     */
    static String path(BuildRequest request) {
        List<BuildArg> buildArgs = new ArrayList<>(request.buildArgs());
        if (request.cache().inline() && buildArgs.stream().noneMatch(a -> a.name().equals(INLINE_CACHE))) {
            buildArgs.add(new BuildArg(INLINE_CACHE, Optional.of("1")));
        }
        return "/build?version=2" + BuildOptions.parameter("networkmode", request.network())
                + BuildOptions.parameter("dockerfile", request.context().forBuildKit().tarDockerfile())
                + BuildOptions.query(request, buildArgs) + BuildOptions.cacheFrom(request.cache().sources());
    }

    /** The answer ended: the image built, or the build's error. */
    private BuildOutcome ended(BuildRequest request, EngineMessages messages, BuildKitProgress progress,
                               Cancellation cancellation) {
        progress.finish();
        if (cancellation.isCancelled()) {
            throw Failures.cancelled("building the image");
        }
        if (messages.error().isPresent()) {
            return failed(request, messages.error().get(), progress);
        }
        return messages.imageId().<BuildOutcome>map(id -> new BuildOutcome.Built(Digest.of(id), progress.steps(),
                progress.cachedSteps())).orElseThrow(() -> Failures.engineNamedNoImage(engine.address()));
    }

    /** The answer broke off: the run was cancelled, the context could not be read, or the engine went. */
    private BuildOutcome broken(Exception e, BuildRequest request, EngineMessages messages,
                                BuildKitProgress progress, Cancellation cancellation) {
        if (cancellation.isCancelled()) {
            throw Failures.cancelled("building the image");
        }
        messages.flush();
        progress.finish();
        BuildContext.SendFailure context = RootCause.find(e, BuildContext.SendFailure.class);
        if (context != null) {
            throw new PipeException.Configuration(List.of(new PipeException.Configuration.Problem(
                    "BUILD_CONTEXT", context.getMessage())));
        }
        if (messages.error().isPresent()) {
            return failed(request, messages.error().get(), progress);
        }
        throw Failures.engineFailedDuringBuild(engine.address(), RootCause.message(e), e);
    }

    /** A build's error, with the vertex that failed and its last lines. */
    private BuildOutcome failed(BuildRequest request, String error, BuildKitProgress progress) {
        Optional<String> step = progress.failedStep();
        BuildProblem problem = BuildKitErrors.classify(error, step, () -> usesHeredocs(request));
        String detail = problem == BuildProblem.FRONTEND_TOO_OLD ? error + engineNamed() : error;
        return new BuildOutcome.Failed(problem, detail, step, progress.lastLines());
    }

    private static boolean usesHeredocs(BuildRequest request) {
        try {
            return Dockerfile.read(request.context().directory().resolve(request.context().dockerfile()))
                    .usesHeredocs();
        } catch (IOException | RuntimeException e) {
            return false; // unreadable now: the engine's words stand alone
        }
    }

    /** The engine, for a syntax its frontend lacks: {@code (Docker 20.10.24+dfsg1)}. */
    private String engineNamed() {
        try {
            return " (Docker " + EngineVersions.read(engine).version() + ")";
        } catch (RuntimeException e) {
            return "";
        }
    }

    /** The engine, for a refused session: {@code Docker 20.10.24+dfsg1 (API 1.41, linux)}. */
    private String engineVersion() {
        try {
            return EngineVersions.read(engine).toString();
        } catch (RuntimeException e) {
            return "its version unknown";
        }
    }

    /** The engine refused the request before building (a parameter it does not take): its message says why. */
    private BuildOutcome refused(DockerHttpClient.Response response) {
        String message = EngineConnection.message(response);
        BuildProblem problem = BuildKitErrors.classify(message, Optional.empty(), () -> false);
        if (problem == BuildProblem.OTHER && response.getStatusCode() >= 500) {
            throw Failures.engineRefusedBuild(engine.address(), message);
        }
        return new BuildOutcome.Failed(problem, message, Optional.empty(), List.of());
    }
}
