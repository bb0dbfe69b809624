package org.ecrpushpipe.docker.engine;

import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

import org.ecrpushpipe.context.BuildContext;
import org.ecrpushpipe.docker.BuildCache;
import org.ecrpushpipe.docker.BuildOutcome;
import org.ecrpushpipe.docker.BuildRequest;
import org.ecrpushpipe.docker.Cancellation;
import org.ecrpushpipe.docker.ImageBuilder;
import org.ecrpushpipe.errors.BuildProblem;
import org.ecrpushpipe.errors.Failures;
import org.ecrpushpipe.errors.PipeException;
import org.ecrpushpipe.errors.RootCause;
import org.ecrpushpipe.registry.Digest;

import com.github.dockerjava.transport.DockerHttpClient;

/**
 * The engine's classic builder ({@code POST /build?version=1}), which every engine has and Bitbucket's docker
 * service allows: no BuildKit, no buildx, no {@code --platform}, nothing privileged. The context goes as the plain
 * tar the pipe wrote, with the docker CLI's headers, so the engine's cache serves the pipe's build and the CLI's
 * alike; the answer's {@code aux.ID} gives the image's full id without another request.
 */
final class ClassicBuilder implements ImageBuilder {
    /** How many of the engine's own images, the newest first, go with a build's cache sources. */
    static final int LOCAL_CACHE_IMAGES = 100;

    private final EngineConnection engine;

    ClassicBuilder(EngineConnection engine) {
        this.engine = engine;
    }

    @Override
    public BuildOutcome build(BuildRequest request, Consumer<String> output, Cancellation cancellation) {
        ClassicProgress progress = new ClassicProgress(output);
        EngineMessages messages = new EngineMessages(progress);
        InputStream tar = request.context().openTar();
        // cancelling ends the upload (the tar stream fails) or the answer (its connection closes); either way the
        // engine sees the client go and abandons the build
        cancellation.onCancel(() -> EngineConnection.closeQuietly(tar));
        DockerHttpClient.Request call = EngineConnection.request("POST", path(request))
                .putHeader("Content-Type", "application/x-tar")
                // the run's logins, for the engine's pulls of FROM images (the CLI sends every login of its config)
                .putHeader("X-Registry-Config", EngineConnection.registryConfig(request.access().logins()))
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
            messages.flush();
            return broken(e, messages, progress, cancellation);
        }
        if (messages.error().isPresent()) {
            return failed(messages.error().get(), progress);
        }
        return messages.imageId().<BuildOutcome>map(id -> new BuildOutcome.Built(Digest.of(id), progress.steps(),
                progress.cachedSteps())).orElseThrow(() -> Failures.engineNamedNoImage(engine.address()));
    }

    private String path(BuildRequest request) {
        return "/build?version=1&networkmode=" + URLEncoder.encode(request.network(), StandardCharsets.UTF_8)
                + "&rm=1&forcerm=1&dockerfile="
                + URLEncoder.encode(request.context().tarDockerfile(), StandardCharsets.UTF_8)
                + BuildOptions.query(request) + BuildOptions.cacheFrom(cacheSources(request.cache()));
    }

    /**
     * The images the build may take steps from. Given any {@code cachefrom}, the classic builder takes a step from
     * its local cache only when the step's image is an ancestor of one of those images, and once it restores a step
     * from a source's history it keeps to that source alone (moby's {@code image/cache.ImageCache}): a registry
     * cache image alone would hide an earlier local build of the same context (a {@code docker build} earlier in the
     * step), and its steps would run again. So the images the engine holds go before the registry's — those built
     * on it first, the newest first, so that the first step of a {@code FROM scratch} stage, which only a source's
     * history can serve, is restored from the last local build — and the local cache serves as it does without
     * {@code cachefrom}.
     */
    private List<String> cacheSources(BuildCache cache) {
        if (cache.sources().isEmpty()) {
            return List.of();
        }
        List<String> sources = new ArrayList<>(engine.imageIds(LOCAL_CACHE_IMAGES));
        cache.sources().stream().filter(s -> !sources.contains(s)).forEach(sources::add);
        return sources;
    }

    /** The answer broke off: the run was cancelled, the context could not be read, the build failed, or the engine went. */
    private BuildOutcome broken(Exception e, EngineMessages messages, ClassicProgress progress,
                                Cancellation cancellation) {
        if (cancellation.isCancelled()) {
            throw Failures.cancelled("building the image");
        }
        BuildContext.SendFailure context = RootCause.find(e, BuildContext.SendFailure.class);
        if (context != null) {
            throw new PipeException.Configuration(List.of(new PipeException.Configuration.Problem(
                    "BUILD_CONTEXT", context.getMessage())));
        }
        if (messages.error().isPresent()) {
            return failed(messages.error().get(), progress);
        }
        throw Failures.engineFailedDuringBuild(engine.address(), RootCause.message(e), e);
    }

    /** A build's error, with the step it happened in and that step's last lines. */
    private static BuildOutcome failed(String error, ClassicProgress progress) {
        return new BuildOutcome.Failed(BuildErrors.classify(error, progress.step()), error, progress.step(),
                progress.lastLines());
    }

    /** The engine refused the build request before building: its JSON message says why. */
    private BuildOutcome refused(DockerHttpClient.Response response) {
        String message = EngineConnection.message(response);
        if (response.getStatusCode() >= 500) {
            throw Failures.engineRefusedBuild(engine.address(), message);
        }
        BuildProblem problem = BuildErrors.classify(message);
        return new BuildOutcome.Failed(problem == BuildProblem.OTHER ? BuildProblem.DOCKERFILE : problem, message,
                Optional.empty(), List.of());
    }
}
