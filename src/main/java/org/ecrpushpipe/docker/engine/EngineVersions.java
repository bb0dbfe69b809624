package org.ecrpushpipe.docker.engine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Set;

import org.ecrpushpipe.docker.EngineVersion;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.github.dockerjava.transport.DockerHttpClient;

/** Reads what the engine says of itself: {@code GET /version}, one request. */
final class EngineVersions {
    private EngineVersions() {
    }

    /** An answer that no Docker engine gives: something else listens at the address. */
    static final class NotAnEngine extends RuntimeException {
        NotAnEngine(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * @throws NotAnEngine when the answer is not an engine's
     * @throws RuntimeException (the transport's, or {@link UncheckedIOException}) when the engine cannot be reached
     */
    static EngineVersion read(EngineConnection engine) {
        try (DockerHttpClient.Response response = engine.execute(EngineConnection.request("GET", "/version").build())) {
            if (response.getStatusCode() != 200) {
                throw new NotAnEngine("it answered /version with HTTP " + response.getStatusCode() + ": "
                        + EngineConnection.message(response));
            }
            Map<String, String> fields = EngineMessages.fields(response.getBody(),
                    Set.of("Version", "ApiVersion", "Os"));
            if (!fields.containsKey("ApiVersion")) {
                throw new NotAnEngine("its answer to /version names no API version");
            }
            return new EngineVersion(fields.getOrDefault("Version", "unknown"), fields.get("ApiVersion"),
                    fields.getOrDefault("Os", "unknown"));
        } catch (JsonProcessingException e) {
            throw new NotAnEngine("its answer to /version is not JSON");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
