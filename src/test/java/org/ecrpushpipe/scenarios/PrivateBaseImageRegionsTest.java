package org.ecrpushpipe.scenarios;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.ecrpushpipe.testbed.EcrBed;
import org.ecrpushpipe.testbed.EcrRegionsBed;
import org.ecrpushpipe.testbed.TestImages;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A base image in the account's registry of another region (its real host name) is pulled with a login to that
 * region, got by the run itself; the build in the image's own region then succeeds.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PrivateBaseImageRegionsTest {
    private static final String OTHER = "eu-west-1";

    @TempDir
    Path work;

    private EcrRegionsBed bed;
    private final Launcher launcher = new InProcessLauncher();

    @BeforeAll
    void startBed() throws Exception {
        bed = EcrRegionsBed.start();
    }

    @AfterAll
    void stopBed() throws Exception {
        if (bed != null) {
            bed.close();
        }
    }

    @Test
    void aBaseImageInAnotherRegionOfTheAccountIsPulledWithThatRegionsLogin() throws Exception {
        bed.createRepository("regional/base", "MUTABLE", List.of(OTHER));
        String baseHost = EcrBed.ECR_REGISTRY_HOST.replace(EcrBed.REGION, OTHER);
        Map<String, String> env = bed.pipeEnv(baseHost + "/regional/base");
        env.put("AWS_REGION", OTHER);
        env.put("TAGS", "1");
        Launcher.PipeRun pushed = launcher.run(env, Map.of(), TestImages.busybox(work.resolve("base")).uniqueFile()
                .write());
        assertEquals(0, pushed.exitCode(), pushed.output());
        String base = baseHost + "/regional/base:1";
        bed.home().docker().removeImageCmd(base).withForce(true).exec();

        bed.createRepository("regional/app", "MUTABLE", List.of(EcrBed.REGION));
        Path dir = Files.createDirectories(work.resolve("app"));
        Files.writeString(dir.resolve("Dockerfile"), "FROM " + base + "\nRUN test -x /bin/busybox\n");
        Launcher.PipeRun run = launcher.run(bed.pipeEnv(bed.repositoryUri("regional/app")), Map.of(), dir);
        assertEquals(0, run.exitCode(), run.output());
        assertTrue(run.output().contains("INFO: Pulling " + base + " with the run's login to " + baseHost + "."),
                run.output());
    }
}
