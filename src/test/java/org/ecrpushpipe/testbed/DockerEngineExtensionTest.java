package org.ecrpushpipe.testbed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Version;

@ExtendWith(DockerEngineExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DockerEngineExtensionTest {
    private DockerClient fromBeforeAll;

    @BeforeAll
    void keep(DockerClient docker) {
        fromBeforeAll = docker;
    }

    @Test
    void theEngineAnswersAtDockerHost(DockerClient docker) {
        docker.pingCmd().exec();
        Version version = docker.versionCmd().exec();
        assertFalse(version.getApiVersion() == null || version.getApiVersion().isBlank(),
                "the engine reports its API version");
    }

    @Test
    void oneClientServesTheWholeClass(DockerClient docker) {
        assertSame(fromBeforeAll, docker);
    }

    @Test
    void dockerHostReachesTheEngineTheClientTalksTo(DockerClient docker) {
        // a second client on the advertised address sees the same engine (same daemon id) as the shared one
        try (DockerClient again = DockerEngineExtension.connect(DockerEngineExtension.dockerHost())) {
            assertEquals(docker.infoCmd().exec().getId(), again.infoCmd().exec().getId());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void anUnreachableEngineFailsNamingTheHostAndTheTestCommand() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        String host = "tcp://127.0.0.1:" + closedPort;
        IllegalStateException failure = assertThrows(IllegalStateException.class, () -> DockerEngineExtension.connect(host));
        assertTrue(failure.getMessage().contains("DOCKER_HOST=" + host), failure.getMessage());
        assertTrue(failure.getMessage().contains("bash test/run-tests.sh"), failure.getMessage());
    }
}
