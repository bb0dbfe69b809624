package org.ecrpushpipe.testbed;

import java.io.IOException;
import java.time.Duration;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.zerodep.ZerodepDockerHttpClient;

/**
 * Hands tests a docker-java {@link DockerClient} connected to the real Docker engine at {@code DOCKER_HOST}
 * (as {@code test/run-tests.sh} exports it), one client per test class, pinged before first use and closed
 * after the class. Resolves parameters of type {@code DockerClient} in constructors, lifecycle methods and
 * test methods:
 *
 * <pre>{@code
 * @ExtendWith(DockerEngineExtension.class)
 * class SomethingTest {
 *     @Test void builds(DockerClient docker) { ... }
 * }
 * }</pre>
 *
 * When no engine answers, resolution fails with a message naming {@code DOCKER_HOST}: a test that needs the
 * engine never skips itself.
 */
public final class DockerEngineExtension implements ParameterResolver {
    /** What docker-java (and the docker CLI) use when {@code DOCKER_HOST} is not set. */
    public static final String DEFAULT_DOCKER_HOST = "unix:///var/run/docker.sock";

    private static final Namespace NAMESPACE = Namespace.create(DockerEngineExtension.class);

    /**
     * The {@code DOCKER_HOST} the tests run against, e.g. to hand to a child process such as the packaged pipe;
     * {@link #DEFAULT_DOCKER_HOST} when the variable is not set.
     */
    public static String dockerHost() {
        String value = System.getenv("DOCKER_HOST");
        return value == null || value.isBlank() ? DEFAULT_DOCKER_HOST : value.trim();
    }

    /**
     * Builds a client for the engine at {@code dockerHost} (TLS settings, if any, from the usual
     * {@code DOCKER_TLS_VERIFY}/{@code DOCKER_CERT_PATH}) and pings it.
     *
     * @throws IllegalStateException naming {@code dockerHost} when no engine answers there
     */
    public static DockerClient connect(String dockerHost) {
        DockerClient client;
        try {
            DefaultDockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder()
                    .withDockerHost(dockerHost)
                    .build();
            ZerodepDockerHttpClient http = new ZerodepDockerHttpClient.Builder()
                    .dockerHost(config.getDockerHost())
                    .sslConfig(config.getSSLConfig())
                    .connectionTimeout(Duration.ofSeconds(5))
                    .build();
            client = DockerClientImpl.getInstance(config, http);
        } catch (RuntimeException e) {
            throw unreachable(dockerHost, e);
        }
        try {
            client.pingCmd().exec();
            return client;
        } catch (RuntimeException e) {
            closeQuietly(client, e);
            throw unreachable(dockerHost, e);
        }
    }

    private static IllegalStateException unreachable(String dockerHost, RuntimeException cause) {
        boolean unset = System.getenv("DOCKER_HOST") == null || System.getenv("DOCKER_HOST").isBlank();
        String which = unset && dockerHost.equals(DEFAULT_DOCKER_HOST)
                ? "DOCKER_HOST is not set and no Docker engine answers at the default " + dockerHost
                : "No Docker engine answers at DOCKER_HOST=" + dockerHost;
        return new IllegalStateException(which + " (" + cause + "). Run the tests with `bash test/run-tests.sh`,"
                + " which starts a private engine and exports DOCKER_HOST.", cause);
    }

    private static void closeQuietly(DockerClient client, RuntimeException failure) {
        try {
            client.close();
        } catch (IOException | RuntimeException e) {
            failure.addSuppressed(e);
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == DockerClient.class;
    }

    @Override
    public DockerClient resolveParameter(ParameterContext parameter, ExtensionContext context) {
        try {
            return TestClassScope.of(context).getStore(NAMESPACE)
                    .computeIfAbsent(OpenClient.class, key -> new OpenClient(connect(dockerHost())), OpenClient.class)
                    .client();
        } catch (IllegalStateException e) {
            throw new ParameterResolutionException(e.getMessage(), e);
        }
    }

    /** Kept in the test class's store, which closes it when the class is done. */
    private record OpenClient(DockerClient client) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            client.close();
        }
    }
}
