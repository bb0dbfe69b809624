package org.ecrpushpipe.packaged;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.ecrpushpipe.scenarios.JarLauncher;
import org.ecrpushpipe.scenarios.Launcher;
import org.ecrpushpipe.testbed.EcrBed;
import org.ecrpushpipe.testbed.EcrBedExtension;
import org.ecrpushpipe.testbed.TestImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ways a pipe run by hand misses its engine, each with its own hint: a {@code DOCKER_HOST} whose host does not
 * resolve (Bitbucket's {@code host.docker.internal} without {@code --add-host}), a socket the pipe's user may not
 * use, and no socket at all. Name resolution is kept off the network with an empty hosts file for the JVM.
 */
@ExtendWith(EcrBedExtension.class)
class EngineUnreachableIT {
    @TempDir
    Path work;

    private Map<String, String> env(EcrBed bed, String dockerHost) {
        Map<String, String> env = bed.pipeEnv("unreachable/app");
        env.put("DOCKER_HOST", dockerHost);
        return env;
    }

    @Test
    void bitbucketsHostNameWithoutAnAddedHostSaysHowToAddIt(EcrBed bed) throws Exception {
        Path hosts = Files.writeString(work.resolve("hosts"), "127.0.0.1 localhost\n");
        Path clone = TestImages.busybox(work.resolve("clone")).write();
        Launcher.PipeRun run = new JarLauncher(List.of(), JarLauncher.JAR, List.of("-Djdk.net.hosts.file=" + hosts))
                .run(env(bed, "tcp://host.docker.internal:2375"), Map.of(), clone);
        assertEquals(4, run.exitCode(), run.output());
        assertTrue(run.failureLine().startsWith("✖ Cannot reach the Docker engine at tcp://host.docker.internal:2375:"),
                run.output());
        assertTrue(run.output().contains("add --add-host host.docker.internal:host-gateway"), run.output());
        assertFalse(run.output().contains("\tat "), run.output());
    }

    @Test
    void aSocketThePipesUserMayNotUseNamesItsGroup(EcrBed bed) throws Exception {
        Path root = Files.createTempDirectory(Path.of("/tmp"), "socket-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        Path socket = root.resolve("docker.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw----"));
            Path clone = Files.createDirectories(root.resolve("clone"));
            Files.writeString(clone.resolve("Dockerfile"), "FROM scratch\n");
            Files.setPosixFilePermissions(clone, PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.setPosixFilePermissions(clone.resolve("Dockerfile"), PosixFilePermissions.fromString("rw-r--r--"));
            Map<String, String> env = env(bed, "unix://" + socket);
            env.put("HOME", root.toString());
            Launcher.PipeRun run = new JarLauncher(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"),
                    JarLauncher.readableCopy(root)).run(env, Map.of(), clone);
            assertEquals(4, run.exitCode(), run.output());
            assertTrue(run.failureLine().startsWith("✖ Cannot reach the Docker engine at unix://" + socket), run.output());
            assertTrue(run.output().contains("Hint: the pipe's user may not use " + socket + ": run it as root"
                    + " (Bitbucket runs pipes as root), or give it the socket's group (docker run --group-add "
                    + Files.getAttribute(socket, "unix:gid") + ")"), run.output());
        } finally {
            try (Stream<Path> files = Files.walk(root)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    @Test
    void noSocketSaysToMountOne(EcrBed bed) throws Exception {
        Path clone = TestImages.busybox(work.resolve("clone")).write();
        Launcher.PipeRun run = new JarLauncher().run(env(bed, "unix://" + work.resolve("none.sock")), Map.of(), clone);
        assertEquals(4, run.exitCode(), run.output());
        assertTrue(run.output().contains("mount it (-v /var/run/docker.sock:/var/run/docker.sock)"), run.output());
    }
}
