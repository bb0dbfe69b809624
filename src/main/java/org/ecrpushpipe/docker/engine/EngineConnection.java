package org.ecrpushpipe.docker.engine;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

import org.ecrpushpipe.docker.Cancellation;
import org.ecrpushpipe.registry.RegistryCredentials;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.github.dockerjava.transport.DockerHttpClient;
import com.github.dockerjava.zerodep.ZerodepDockerHttpClient;

/**
 * The one connection to the engine's API that the engine's operations and its builders share: docker-java's zerodep
 * transport (its HTTP client for unix sockets and TCP, with its own shaded httpclient5), the requests' shape, and
 * how the engine words a refusal.
 */
final class EngineConnection implements Closeable {
    private final String address;
    private final DockerHttpClient http;

    EngineConnection(String dockerHost) {
        this.address = dockerHost;
        this.http = new ZerodepDockerHttpClient.Builder()
                .dockerHost(URI.create(dockerHost))
                .maxConnections(16)
                .connectionTimeout(Duration.ofSeconds(10))
                .build();
    }

    /** The engine's address, for messages. */
    String address() {
        return address;
    }

    DockerHttpClient.Response execute(DockerHttpClient.Request request) {
        return http.execute(request);
    }

    /** How the engine's refusal of a call (its status, 400 or more, and its message) becomes the caller's outcome. */
    @FunctionalInterface
    interface Refusal<T> {
        T of(int status, String message);
    }

    /**
     * Sends a call whose answer is a stream of JSON messages (a build, a push), read into {@code messages} until it
     * ends; cancelling closes the answer, which makes the engine abandon the work. The refusal's outcome when the
     * engine refused the call, or empty once the stream ended.
     */
    <T> Optional<T> stream(DockerHttpClient.Request call, Cancellation cancellation, EngineMessages messages,
                           Refusal<T> refusal) throws IOException {
        try (DockerHttpClient.Response response = http.execute(call)) {
            cancellation.onCancel(() -> closeQuietly(response));
            if (response.getStatusCode() >= 400) {
                return Optional.of(refusal.of(response.getStatusCode(), message(response)));
            }
            messages.read(response.getBody());
            return Optional.empty();
        }
    }

    /**
     * The ids of the images the engine holds (those with a name, or none but no child: {@code docker images}), those
     * built on it first, the newest first, at most {@code limit}; empty when the engine cannot list them (the caller
     * then does without).
     */
    List<String> imageIds(int limit) {
        try (DockerHttpClient.Response response = execute(request("GET", "/images/json").build())) {
            if (response.getStatusCode() != 200) {
                return List.of();
            }
            return EngineMessages.builtFirst(response.getBody(), limit);
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }

    static DockerHttpClient.Request.Builder request(String method, String path) {
        return DockerHttpClient.Request.builder().method(DockerHttpClient.Request.Method.valueOf(method)).path(path);
    }

    /**
     * Registry credentials as the engine takes them in {@code X-Registry-Auth}: JSON, base64url-encoded, as the CLI
     * sends them.
     */
    static String registryAuth(RegistryCredentials credentials) {
        ByteArrayOutputStream json = new ByteArrayOutputStream();
        try (JsonGenerator generator = EngineMessages.JSON.createGenerator(json)) {
            generator.writeStartObject();
            generator.writeStringField("username", credentials.username());
            generator.writeStringField("password", credentials.password().reveal());
            generator.writeStringField("serveraddress", authKey(credentials.registryHost()));
            generator.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException("could not write the registry credentials header", e);
        }
        return Base64.getUrlEncoder().encodeToString(json.toByteArray());
    }

    /**
     * The key a registry's login has among the CLI's logins: the host, but Docker Hub's ({@code docker.io}) is the
     * URL of its old index, which alone the engine looks up for Docker Hub.
     */
    static String authKey(String registryHost) {
        return registryHost.equals("docker.io") ? "https://index.docker.io/v1/" : registryHost;
    }

    /**
     * Logins as a build takes them in {@code X-Registry-Config}: one entry per registry host, JSON, base64url-encoded,
     * as the CLI sends the logins of its config file; {@code {}} for none.
     */
    static String registryConfig(List<RegistryCredentials> logins) {
        ByteArrayOutputStream json = new ByteArrayOutputStream();
        try (JsonGenerator generator = EngineMessages.JSON.createGenerator(json)) {
            generator.writeStartObject();
            for (RegistryCredentials login : logins) {
                generator.writeObjectFieldStart(authKey(login.registryHost()));
                generator.writeStringField("username", login.username());
                generator.writeStringField("password", login.password().reveal());
                generator.writeStringField("serveraddress", authKey(login.registryHost()));
                generator.writeEndObject();
            }
            generator.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException("could not write the registry logins header", e);
        }
        return Base64.getUrlEncoder().encodeToString(json.toByteArray());
    }

    /** The {@code message} of an engine's JSON error answer, or its text when it is not JSON. */
    static String message(DockerHttpClient.Response response) {
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

    static void closeQuietly(Closeable closeable) {
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
