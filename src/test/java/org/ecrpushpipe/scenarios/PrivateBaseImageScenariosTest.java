package org.ecrpushpipe.scenarios;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.ecrpushpipe.testbed.EcrBed;
import org.ecrpushpipe.testbed.EcrBedExtension;
import org.ecrpushpipe.testbed.TestImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import com.github.dockerjava.api.exception.NotFoundException;

/**
 * A Dockerfile whose base image is in the team's own ECR registry builds as it does after {@code docker login}:
 * the engine pulls it with the run's login, for {@code FROM} and {@code COPY --from} alike, with {@code PULL} too.
 * Before, the build went with no login and failed whenever the engine did not hold the image already.
 */
@ExtendWith(EcrBedExtension.class)
class PrivateBaseImageScenariosTest {
    private final EcrBed bed;
    private final Launcher launcher = new InProcessLauncher();

    @TempDir
    Path work;

    PrivateBaseImageScenariosTest(EcrBed bed) {
        this.bed = bed;
    }

    /** Pushes a busybox image as {@code repository:1} with the pipe, then removes it from the engine. */
    private String pushBase(String repository) {
        bed.standIn().createRepository(repository);
        Map<String, String> env = bed.pipeEnv(repository);
        env.put("TAGS", "1");
        Launcher.PipeRun base = launcher.run(env, Map.of(), TestImages.busybox(work.resolve(repository
                .replace('/', '-'))).uniqueFile().write());
        assertEquals(0, base.exitCode(), base.output());
        String image = bed.registryHost() + "/" + repository + ":1";
        bed.docker().removeImageCmd(image).withForce(true).exec();
        assertFalse(engineHolds(image), "the engine must pull it");
        return image;
    }

    private Path dockerfile(String name, String text) throws IOException {
        Path dir = Files.createDirectories(work.resolve(name));
        Files.writeString(dir.resolve("Dockerfile"), text);
        Files.writeString(dir.resolve("app.txt"), name + "\n");
        return dir;
    }

    private boolean engineHolds(String image) {
        try {
            bed.docker().inspectImageCmd(image).exec();
            return true;
        } catch (NotFoundException e) {
            return false;
        }
    }

    @Test
    void aBaseImageInTheTeamsOwnRegistryIsPulledWithTheRunsLogin() throws IOException {
        String base = pushBase("private/base");
        bed.standIn().createRepository("private/app");
        Path dir = dockerfile("app", "ARG BASE=" + base.replace(":1", "") + "\nFROM ${BASE}:1\nCOPY app.txt /app.txt\n");
        Launcher.PipeRun run = launcher.run(bed.pipeEnv("private/app"), Map.of(), dir);
        assertEquals(0, run.exitCode(), run.output());
        assertTrue(run.output().contains("INFO: Pulling " + base + " with the run's login to " + bed.registryHost()
                + "."), run.output());
        assertTrue(engineHolds(base), "pulled");
    }

    @Test
    void copyFromAnImageAndPullGoWithTheLoginToo() throws IOException {
        String base = pushBase("private/tools");
        bed.standIn().createRepository("private/copy");
        Path dir = dockerfile("copy", "FROM scratch\nCOPY --from=" + base + " /bin/busybox /bin/busybox\n");
        Map<String, String> env = bed.pipeEnv("private/copy");
        env.put("PULL", "true");
        Launcher.PipeRun run = launcher.run(env, Map.of(), dir);
        assertEquals(0, run.exitCode(), run.output());
        assertTrue(run.output().contains("with the run's login to " + bed.registryHost()), run.output());
    }

    @Test
    void anImageTheEngineHoldsCostsNoLogin() throws IOException, InterruptedException {
        String base = pushBase("private/held");
        bed.docker().pullImageCmd(base).withAuthConfig(bed.registryAuth()).start().awaitCompletion(2,
                java.util.concurrent.TimeUnit.MINUTES);
        bed.standIn().createRepository("private/held-app");
        Launcher.PipeRun run = launcher.run(bed.pipeEnv("private/held-app"), Map.of(),
                dockerfile("held", "FROM " + base + "\nCOPY app.txt /app.txt\n"));
        assertEquals(0, run.exitCode(), run.output());
        assertFalse(run.output().contains("with the run's login"), run.output());
    }

    @Test
    void anImageOfARegistryWithoutALoginNamesTheRegistryAndWhatWouldGiveAccess() throws IOException {
        bed.standIn().createRepository("private/elsewhere");
        String elsewhere = bed.registry().url().replaceFirst("^https?://", "") + "/team/base:1";
        Launcher.PipeRun run = launcher.run(bed.pipeEnv("private/elsewhere"), Map.of(),
                dockerfile("elsewhere", "FROM " + elsewhere + "\nCOPY app.txt /app.txt\n"));
        assertEquals(5, run.exitCode(), run.output());
        assertTrue(run.output().contains("could not pull " + elsewhere), run.output());
        assertTrue(run.output().contains("a registry the pipe holds no login for"), run.output());
    }
}
