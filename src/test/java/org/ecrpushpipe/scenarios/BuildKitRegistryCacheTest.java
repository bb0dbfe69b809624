package org.ecrpushpipe.scenarios;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.ecrpushpipe.testbed.DebianDockerCli;
import org.ecrpushpipe.testbed.EcrBed;
import org.ecrpushpipe.testbed.EcrBedExtension;
import org.ecrpushpipe.testbed.TestImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The registry cache under BuildKit, on the bed: BuildKit takes steps only from an image that carries its cache
 * metadata, so the pipe pushes, beside the image, a cache image ({@code <repository>:cache}) built with that metadata;
 * the image itself is the plain build — the image {@code docker build} makes — so a re-run, on this engine or a fresh
 * one, pushes the very same image. Every Dockerfile here has a step whose result differs on every execution.
 */
@ExtendWith(EcrBedExtension.class)
class BuildKitRegistryCacheTest {
    private static final Pattern BUILT = Pattern.compile("INFO: Built image (sha256:[0-9a-f]{64})\\.");
    private static final Pattern PUSHED = Pattern.compile("✔ Successfully pushed \\S+:(\\S+) \\((sha256:[0-9a-f]{64})\\)");

    private final EcrBed bed;
    private final Launcher launcher = new InProcessLauncher();

    @TempDir
    Path work;

    BuildKitRegistryCacheTest(EcrBed bed) {
        this.bed = bed;
    }

    private Path context(String name) {
        return TestImages.busybox(work.resolve(name)).file("token.txt", UUID.randomUUID() + "\n")
                .line("COPY token.txt /token.txt").line("RUN date +%s%N > /built-at.txt").write();
    }

    private Launcher.PipeRun run(Map<String, String> env, Path dir, String tags) {
        env.put("TAGS", tags);
        Launcher.PipeRun run = launcher.run(env, Map.of(), dir);
        assertEquals(0, run.exitCode(), run.output());
        return run;
    }

    /** The engine as a step's fresh docker service finds it: no image of this test's, no BuildKit cache. */
    private void emptyTheEngine(String repository, String... images) throws Exception {
        for (String image : images) {
            bed.docker().removeImageCmd(image).withForce(true).exec();
        }
        bed.docker().listImagesCmd().exec().stream().filter(i -> i.getRepoTags() != null)
                .flatMap(i -> List.of(i.getRepoTags()).stream())
                .filter(t -> t.startsWith(bed.registryHost() + "/" + repository + ":"))
                .forEach(t -> bed.docker().removeImageCmd(t).withForce(true).exec());
        DebianDockerCli.Result prune = new DebianDockerCli(bed.dockerHost(), work).run(work, true, Map.of(),
                List.of("builder", "prune", "-af"));
        assertEquals(0, prune.exitCode(), prune.output());
    }

    @Test
    void aFreshEngineTakesEveryStepFromTheCacheImageAndPushesTheSameImage() throws Exception {
        String repository = "bkcache/single";
        bed.standIn().createRepository(repository);
        Path dir = context("single");
        Map<String, String> env = bed.pipeEnv(repository);
        env.put("BUILDER", "buildkit");

        Launcher.PipeRun cold = run(env, dir, "1.0");
        String image = built(cold);
        assertTrue(cold.output().contains("INFO: Registry cache: pushed " + bed.registryHost() + "/" + repository
                + ":cache ("), cold.output());
        DebianDockerCli.Build cli = new DebianDockerCli(bed.dockerHost(), work).build(true, dir, Map.of());
        assertEquals(image, cli.imageId(), "the pushed image is the plain build, as docker build makes it");

        emptyTheEngine(repository, image);
        Launcher.PipeRun cached = run(env, dir, "1.1");
        assertTrue(cached.output().contains("INFO: Registry cache: pulling " + bed.registryHost() + "/" + repository
                + ":cache."), cached.output());
        assertEquals(image, built(cached), "every step from the cache image: the same image");
        assertEquals(digest(cold, "1.0"), digest(cached, "1.1"));
        assertFalse(cached.output().contains("building the cache image"), "nothing new to cache: " + cached.output());

        Launcher.PipeRun again = run(env, dir, "1.2");
        assertEquals(image, built(again), "a re-run on the same engine: the same image");

        emptyTheEngine(repository, image);
        env.put("CACHE", "false");
        Launcher.PipeRun uncached = run(env, dir, "1.3");
        assertNotEquals(image, built(uncached), "without the cache the step runs again: another image");
    }

    private static String built(Launcher.PipeRun run) {
        Matcher m = BUILT.matcher(run.output());
        assertTrue(m.find(), run.output());
        return m.group(1);
    }

    private static String digest(Launcher.PipeRun run, String tag) {
        return run.lines().stream().map(PUSHED::matcher).filter(m -> m.matches() && m.group(1).equals(tag))
                .map(m -> m.group(2)).findFirst().orElseThrow(() -> new AssertionError("no push of " + tag));
    }
}
