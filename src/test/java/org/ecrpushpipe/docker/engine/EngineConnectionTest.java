package org.ecrpushpipe.docker.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.ecrpushpipe.config.Secret;
import org.ecrpushpipe.registry.RegistryCredentials;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The logins handed to the engine are keyed as the docker CLI keys them: Docker Hub's under the URL of its old
 * index ({@code https://index.docker.io/v1/}), which alone the engine looks up for Docker Hub; any other registry
 * under its host.
 */
class EngineConnectionTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode decode(String header) throws IOException {
        return JSON.readTree(Base64.getUrlDecoder().decode(header));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "docker.io, https://index.docker.io/v1/",
            "ghcr.io, ghcr.io",
            "127.0.0.1:5000, 127.0.0.1:5000",
            "123456789012.dkr.ecr.ap-southeast-1.amazonaws.com, 123456789012.dkr.ecr.ap-southeast-1.amazonaws.com",
    })
    void loginsAreKeyedAsTheCliKeysThem(String host, String key) throws IOException {
        RegistryCredentials login = new RegistryCredentials(host, "user", Secret.of("pass-word"), Instant.MAX);

        JsonNode auth = decode(EngineConnection.registryAuth(login));
        assertEquals(key, auth.path("serveraddress").asText());
        assertEquals("user", auth.path("username").asText());

        JsonNode config = decode(EngineConnection.registryConfig(List.of(login)));
        assertEquals(List.of(key), List.copyOf(JSON.convertValue(config, Map.class).keySet()));
        assertEquals("pass-word", config.path(key).path("password").asText());
        assertEquals(key, config.path(key).path("serveraddress").asText());
    }
}
