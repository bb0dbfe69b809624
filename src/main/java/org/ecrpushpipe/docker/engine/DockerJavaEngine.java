package org.ecrpushpipe.docker.engine;

import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.ecrpushpipe.config.Tag;
import org.ecrpushpipe.context.BuildContext;
import org.ecrpushpipe.docker.BuildRequest;
import org.ecrpushpipe.docker.Cancellation;
import org.ecrpushpipe.docker.DockerEngine;
import org.ecrpushpipe.docker.PushOutcome;
import org.ecrpushpipe.errors.PipeException;
import org.ecrpushpipe.registry.RegistryCredentials;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.AuthConfig;
import com.github.dockerjava.api.model.PushResponseItem;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.transport.DockerHttpClient;
import com.github.dockerjava.zerodep.ZerodepDockerHttpClient;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

/**
 * {@link DockerEngine} on docker-java with its zerodep transport. The only code that imports docker-java.
 * Builds use the classic builder API with host networking (the way the seed's {@code docker build --network
 * host} did), never BuildKit or anything privileged. Registry credentials travel in each push request's
 * {@code X-Registry-Auth} header; nothing is written to a docker config file.
 */
public final class DockerJavaEngine implements DockerEngine {
    private static final Pattern STATUS_DIGEST = Pattern.compile("digest: (sha256:[0-9a-f]{64})");
    private static final String NO_REGISTRY_CONFIG = Base64.getEncoder().encodeToString(
            "{}".getBytes(StandardCharsets.UTF_8));

    private final String address;
    private final DockerClient client;
    private final DockerHttpClient http;

    public DockerJavaEngine(String dockerHost) {
        this.address = dockerHost;
        DockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder()
                .withDockerHost(dockerHost)
                .withDockerTlsVerify(false)
                .build();
        this.http = new ZerodepDockerHttpClient.Builder()
                .dockerHost(config.getDockerHost())
                .sslConfig(config.getSSLConfig())
                .maxConnections(16)
                .connectionTimeout(Duration.ofSeconds(10))
                .build();
        this.client = DockerClientImpl.getInstance(config, http);
    }

    @Override
    public String address() {
        return address;
    }

    @Override
    public void ping() {
        try {
            client.pingCmd().exec();
        } catch (RuntimeException e) {
            throw new PipeException.DockerEngine("Cannot reach the Docker engine at " + address + ": "
                    + rootMessage(e),
                    "in Bitbucket, add 'services: [docker]' to the step; elsewhere, set DOCKER_HOST to a running engine",
                    e);
        }
    }

    @Override
    public String build(BuildRequest request, Consumer<String> output, Cancellation cancellation) {
        // The classic build API, called directly on docker-java's transport: the context goes as the plain tar
        // the pipe wrote (docker-java would pack its own, with other headers), and the answer's aux.ID gives
        // the image's full id without another request.
        String query = "/build?version=1&networkmode=host&rm=1&forcerm=1&dockerfile="
                + URLEncoder.encode(request.context().dockerfile(), StandardCharsets.UTF_8);
        BuildStream stream = new BuildStream(output);
        InputStream tar = request.context().openTar();
        // cancelling ends the upload (the tar stream fails) or the answer (its connection closes); either way the
        // engine sees the client go and abandons the build
        cancellation.onCancel(() -> closeQuietly(tar));
        DockerHttpClient.Request call = DockerHttpClient.Request.builder()
                .method(DockerHttpClient.Request.Method.POST)
                .path(query)
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
            stream.read(response.getBody());
        } catch (PipeException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            stream.flush();
            if (cancellation.isCancelled()) {
                throw new PipeException.DockerEngine("The build was stopped.", "", e);
            }
            BuildContext.SendFailure context = contextFailure(e);
            if (context != null) {
                throw new PipeException.Configuration(List.of(new PipeException.Configuration.Problem(
                        "BUILD_CONTEXT", context.getMessage())));
            }
            if (stream.error().isPresent()) {
                throw new PipeException.Build("The image build failed: " + stream.error().get(),
                        "fix the Dockerfile step shown in the build output above", e);
            }
            throw new PipeException.DockerEngine("The Docker engine at " + address + " failed during the build: "
                    + rootMessage(e),
                    "if the log says the docker service exceeded its memory limit, raise "
                            + "definitions.services.docker.memory", e);
        }
        if (stream.error().isPresent()) {
            throw new PipeException.Build("The image build failed: " + stream.error().get(),
                    "fix the Dockerfile step shown in the build output above", null);
        }
        return stream.imageId().orElseThrow(() -> new PipeException.DockerEngine("The Docker engine at " + address
                + " ended the build without naming the image it built.",
                "check that DOCKER_HOST is a Docker engine (API 1.30 or later)", null));
    }

    /** The engine refused the request before building: its JSON message says why. */
    private PipeException refused(DockerHttpClient.Response response) throws IOException {
        String body = new String(response.getBody().readNBytes(64 * 1024), StandardCharsets.UTF_8);
        String message = body;
        try (JsonParser parser = new JsonFactory().createParser(body)) {
            if (parser.nextToken() == JsonToken.START_OBJECT) {
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String field = parser.currentName();
                    parser.nextToken();
                    if (field.equals("message")) {
                        message = parser.getValueAsString();
                    } else {
                        parser.skipChildren();
                    }
                }
            }
        } catch (IOException e) {
            // not JSON: keep the text
        }
        message = message.strip();
        if (response.getStatusCode() < 500) {
            return new PipeException.Build("The image build failed: " + message,
                    "fix the Dockerfile (DOCKERFILE) so that docker build accepts it", null);
        }
        return new PipeException.DockerEngine("The Docker engine at " + address + " refused the build: " + message,
                "rerun with DEBUG=true for details", null);
    }

    private static void closeQuietly(java.io.Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException | RuntimeException e) {
            // already closed, or the connection is gone: either way nothing more is read or sent
        }
    }

    private static BuildContext.SendFailure contextFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof BuildContext.SendFailure failure) {
                return failure;
            }
        }
        return null;
    }

    @Override
    public void tag(String imageId, String repository, Tag tag) {
        try {
            client.tagImageCmd(imageId, repository, tag.value()).withForce(true).exec();
        } catch (RuntimeException e) {
            throw new PipeException.DockerEngine("The Docker engine could not tag " + repository + ":" + tag + ": "
                    + rootMessage(e), "rerun with DEBUG=true for details", e);
        }
    }

    @Override
    public PushOutcome push(String repository, Tag tag, RegistryCredentials credentials, Consumer<String> progress) {
        AuthConfig auth = new AuthConfig()
                .withUsername(credentials.username())
                .withPassword(credentials.password().reveal())
                .withRegistryAddress(credentials.registryHost());
        PushCallback callback = new PushCallback(progress);
        try {
            client.pushImageCmd(repository).withTag(tag.value()).withAuthConfig(auth).exec(callback)
                    .awaitCompletion();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new PushOutcome.Failed("interrupted");
        } catch (RuntimeException e) {
            // docker-java rethrows a transport failure from awaitCompletion; an error reported in the
            // progress stream takes precedence, since it is the registry's own words
            return new PushOutcome.Failed(callback.error().orElse(rootMessage(e)));
        }
        // A failed push completes normally: the registry's refusal is only in an item's errorDetail.
        if (callback.error().isPresent()) {
            return new PushOutcome.Failed(callback.error().get());
        }
        return callback.digest().<PushOutcome>map(PushOutcome.Pushed::new)
                .orElseGet(() -> new PushOutcome.Failed("the engine reported no digest for the pushed image"));
    }

    /** Reads every progress item: the first error, and the digest the registry acknowledged. */
    private static final class PushCallback extends ResultCallback.Adapter<PushResponseItem> {
        private final Consumer<String> progress;
        private final AtomicReference<String> error = new AtomicReference<>();
        private final AtomicReference<String> digest = new AtomicReference<>();

        PushCallback(Consumer<String> progress) {
            this.progress = progress;
        }

        @Override
        public void onNext(PushResponseItem item) {
            if (item.getErrorDetail() != null || item.getError() != null) {
                String message = item.getErrorDetail() != null && item.getErrorDetail().getMessage() != null
                        ? item.getErrorDetail().getMessage() : item.getError();
                error.compareAndSet(null, message);
            }
            if (item.getAux() != null && item.getAux().getDigest() != null) {
                digest.set(item.getAux().getDigest());
            } else if (item.getStatus() != null) {
                Matcher m = STATUS_DIGEST.matcher(item.getStatus());
                if (m.find()) {
                    digest.compareAndSet(null, m.group(1));
                }
            }
            if (item.getStatus() != null && (item.getProgressDetail() == null || item.getId() == null)) {
                progress.accept((item.getId() == null ? "" : item.getId() + ": ") + item.getStatus());
            }
        }

        Optional<String> error() {
            return Optional.ofNullable(error.get());
        }

        Optional<String> digest() {
            return Optional.ofNullable(digest.get());
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return message;
    }

    @Override
    public void close() {
        try {
            client.close();
        } catch (java.io.IOException e) {
            // closing a client of a stateless HTTP API: nothing left to release that matters
        }
    }
}
