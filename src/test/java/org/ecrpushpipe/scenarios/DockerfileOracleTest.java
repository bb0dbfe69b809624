package org.ecrpushpipe.scenarios;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;

import org.ecrpushpipe.testbed.DebianDockerCli;
import org.ecrpushpipe.testbed.EcrBed;
import org.ecrpushpipe.testbed.TestImages;
import org.junit.jupiter.api.Test;

/** The oracle table with the pipe in the test's JVM. */
class DockerfileOracleTest extends DockerfileOracleScenarios {
    DockerfileOracleTest(EcrBed bed) {
        super(bed);
    }

    @Override
    protected Launcher launcher() {
        return new InProcessLauncher();
    }

    /**
     * The table runs with {@code CACHE: 'false'}; with the registry cache on (the default) BuildKit's build is still
     * the CLI's image, same id: the pipe pushes the plain build, and BuildKit's cache metadata goes to a cache image
     * of its own ({@code <repository>:cache}), never into the pushed image's configuration.
     */
    @Test
    void withTheRegistryCacheOnBuildKitPushesTheClisImage() throws Exception {
        Path dir = TestImages.busybox(work.resolve("registry-cache")).uniqueFile()
                .line("RUN echo \"built $(cat /unique.txt)\" > /built.txt").write();
        DebianDockerCli.Build cli = new DebianDockerCli(bed.dockerHost(), work).build(true, dir, Map.of());
        assertEquals(0, cli.exitCode(), cli.output());
        bed.standIn().createRepository("oracle/registry-cache");
        Map<String, String> env = bed.pipeEnv("oracle/registry-cache");
        env.put("BUILDER", "buildkit");
        Launcher.PipeRun run = launcher().run(env, Map.of(), dir);
        assertEquals(0, run.exitCode(), run.output());
        assertTrue(run.output().contains("INFO: Registry cache: no previous image in the registry"), run.output());
        String pushed = bed.imageIdOf("oracle/registry-cache", "latest").orElseThrow();
        assertEquals(cli.imageId(), pushed, run.output());
        assertTrue(bed.imageIdOf("oracle/registry-cache", "cache").isPresent(), "the cache image is pushed beside it");
        System.out.println("oracle: with the registry cache on, BuildKit pushed the CLI's image " + pushed);
    }
}
