package org.ecrpushpipe.scenarios;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
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
     * The table runs with {@code CACHE: 'false'}. With the registry cache on (the default), BuildKit writes its inline
     * cache metadata into the image's configuration, so the image pushed after a {@code docker build} of the same
     * context is not the CLI's image id; it is still wholly the CLI build's cache: the very same layers.
     */
    @Test
    void withTheRegistryCacheOnBuildKitPushesTheClisLayers() throws Exception {
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
        assertEquals(layers(cli.imageId()), layers(pushed), run.output());
        System.out.println("oracle: with the registry cache on, BuildKit pushed " + pushed + " for the CLI's "
                + cli.imageId() + ": the same layers");
    }

    private List<String> layers(String image) {
        return bed.docker().inspectImageCmd(image).exec().getRootFS().getLayers();
    }
}
