package org.ecrpushpipe.docker.engine;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.function.Consumer;

import org.ecrpushpipe.docker.Cancellation;
import org.ecrpushpipe.docker.PullOutcome;
import org.ecrpushpipe.errors.Failures;
import org.ecrpushpipe.errors.RootCause;
import org.ecrpushpipe.registry.RegistryCredentials;

import com.github.dockerjava.transport.DockerHttpClient;

/**
 * A pull by the engine ({@code POST /images/create}), with a login in {@code X-Registry-Auth} or anonymously, and
 * whether the engine holds an image: shared by the engine's pull and the BuildKit build's pulls before it builds.
 */
final class EnginePulls {
    private EnginePulls() {
    }

    /**
     * Pulls one tag or digest of a repository.
     *
     * @param repository the image's name without tag or digest, as Docker reads it ({@code host/path})
     * @param tag        a tag, or a digest ({@code sha256:…}); never empty (an empty one pulls every tag)
     * @throws org.ecrpushpipe.errors.PipeException when cancelled
     */
    static PullOutcome pull(EngineConnection engine, String repository, String tag,
                            Optional<RegistryCredentials> login, Consumer<String> progress,
                            Cancellation cancellation) {
        String path = "/images/create?fromImage=" + URLEncoder.encode(repository, StandardCharsets.UTF_8)
                + "&tag=" + URLEncoder.encode(tag, StandardCharsets.UTF_8);
        EngineMessages messages = new EngineMessages(progress);
        DockerHttpClient.Request.Builder call = EngineConnection.request("POST", path);
        login.ifPresent(l -> call.putHeader("X-Registry-Auth", EngineConnection.registryAuth(l)));
        try (DockerHttpClient.Response response = engine.execute(call.build())) {
            cancellation.onCancel(() -> EngineConnection.closeQuietly(response));
            if (response.getStatusCode() >= 400) {
                return PullErrors.classify(response.getStatusCode(), EngineConnection.message(response));
            }
            messages.read(response.getBody());
        } catch (IOException | RuntimeException e) {
            if (cancellation.isCancelled()) {
                throw Failures.cancelled("pulling " + repository + ":" + tag);
            }
            return PullErrors.classify(0, messages.error().orElseGet(() -> RootCause.message(e)));
        }
        if (cancellation.isCancelled()) {
            throw Failures.cancelled("pulling " + repository + ":" + tag);
        }
        // like a push, a failed pull may still answer HTTP 200, with the failure only in the stream
        return messages.error().map(error -> PullErrors.classify(0, error)).orElseGet(PullOutcome.Pulled::new);
    }

    /** Whether the engine holds an image of this name ({@code name}, {@code name:tag}, {@code name@digest}) or id. */
    static boolean holds(EngineConnection engine, String image) {
        String path = "/images/" + URLEncoder.encode(image, StandardCharsets.UTF_8).replace("%2F", "/")
                .replace("%3A", ":") + "/json";
        try (DockerHttpClient.Response response = engine.execute(EngineConnection.request("GET", path).build())) {
            return response.getStatusCode() == 200;
        } catch (RuntimeException e) {
            return false; // then it is pulled, and a real problem with the engine shows there
        }
    }
}
