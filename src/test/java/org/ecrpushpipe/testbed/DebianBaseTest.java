package org.ecrpushpipe.testbed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import com.github.dockerjava.api.DockerClient;

/** The local Debian base image exists in the engine and images build FROM it. Slow the first time (debootstrap). */
@ExtendWith(DockerEngineExtension.class)
class DebianBaseTest {

    @Test
    void anImageBuildsFromTheLocalDebianBase(DockerClient docker, @TempDir Path dir) throws Exception {
        String base = DebianBase.ensure(docker);
        assertEquals(DebianBase.IMAGE, base);
        assertTrue(Files.isRegularFile(DebianBase.rootfsTarball()), "the rootfs stays cached for the next run");

        Files.writeString(dir.resolve("Dockerfile"), """
                FROM %s
                RUN test -f /etc/debian_version && echo "debian $(cat /etc/debian_version)"
                """.formatted(base));
        TestBuild build = TestBuild.run(docker, dir, "bed/on-debian:test");
        assertTrue(build.output().contains("debian 12"), build.output());
    }
}
