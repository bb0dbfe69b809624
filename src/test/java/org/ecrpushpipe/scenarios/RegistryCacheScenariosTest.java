package org.ecrpushpipe.scenarios;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.NotFoundException;

/**
 * The registry layer cache on the bed: a run on an engine that no longer holds anything this test built (its images
 * removed, and under BuildKit its build cache pruned) takes the unchanged steps from the images the previous run
 * pushed (pulled through the ECR stand-in's facade with the run's login), and pushes the very same image (same
 * digest) as the cold build did; without the cache the same rebuild gives another image. Every Dockerfile here has a
 * step whose result differs on every execution ({@code date}), so an identical digest proves that step was not run
 * again. The classic builder takes steps from the pushed tags; BuildKit from the repository's cache images
 * ({@code <repository>:cache}, see {@link BuildKitRegistryCacheTest}), so the cases about tags as cache sources are
 * the classic builder's, and the others run under both.
 */
@ExtendWith(EcrBedExtension.class)
class RegistryCacheScenariosTest {
    /** An image a build made: a classic step's ({@code  ---> id}), or the image BuildKit wrote. */
    private static final Pattern STEP_ID = Pattern.compile(
            "^(?: ---> ([0-9a-f]{12})|#\\d+ writing image (sha256:[0-9a-f]{64}))$", Pattern.MULTILINE);
    private static final String RUN_DATE = "RUN date +%s%N > /built-at.txt";
    private static final Pattern PUSHED = Pattern.compile("✔ Successfully pushed \\S+:(\\S+) \\((sha256:[0-9a-f]{64})\\)");
    private static final Pattern IMAGE = Pattern.compile("INFO: Built image (sha256:[0-9a-f]{64})\\.");
    private static final Pattern BUILT = Pattern.compile("INFO: Built image (sha256:[0-9a-f]{64})\\.\nINFO: Registry cache:"
            + " (\\d+) of (\\d+) build steps taken from the cache\\.");

    private final EcrBed bed;
    private final Launcher launcher = new InProcessLauncher();

    @TempDir
    Path work;

    RegistryCacheScenariosTest(EcrBed bed) {
        this.bed = bed;
    }

    /** A single-stage image: busybox, a file of this test, and a step whose output changes on every run. */
    private Path singleStage(String name) {
        return TestImages.busybox(work.resolve(name))
                .file("token.txt", UUID.randomUUID() + "\n")
                .line("COPY token.txt /token.txt")
                .line("RUN date +%s%N > /built-at.txt")
                .line("CMD [\"cat\", \"/built-at.txt\"]")
                .write();
    }

    private Launcher.PipeRun run(Builder builder, Map<String, String> env, Path dir) {
        return builder.launching(launcher).run(env, Map.of(), dir);
    }

    private static String name(String repository, Builder builder) {
        return repository + "-" + builder.name().toLowerCase(Locale.ROOT);
    }

    /** The classic builder's: BuildKit's counterpart, from the cache image, is {@link BuildKitRegistryCacheTest}'s. */
    @Test
    void aFreshEngineTakesUnchangedStepsFromThePushedImage() throws Exception {
        Builder builder = Builder.CLASSIC;
        String repository = name("cache/single", builder);
        bed.standIn().createRepository(repository);
        Path dir = singleStage("single");
        Map<String, String> env = bed.pipeEnv(repository);

        env.put("TAGS", "1.0 latest");
        Launcher.PipeRun cold = run(builder, env, dir);
        assertEquals(0, cold.exitCode(), cold.output());
        assertTrue(cold.output().contains("INFO: Registry cache: no previous image in the registry (1.0, latest);"
                + " building without it."), cold.output());
        String coldDigest = digest(cold, "1.0");
        String coldImage = built(cold).group(1);
        forgetEverythingBuiltBy(cold, repository, builder);
        assertFalse(engineHolds(coldImage), "the engine no longer holds the image");

        env.put("TAGS", "1.1");
        bed.standIn().requests().clear();
        Launcher.PipeRun cached = run(builder, env, dir);
        assertEquals(0, cached.exitCode(), cached.output());
        assertTrue(cached.output().contains("INFO: Registry cache: pulling " + bed.registryHost() + "/" + repository
                + ":latest."), cached.output());
        assertTrue(cached.output().contains("INFO: Registry cache: building with 1 cache image: "
                + bed.registryHost() + "/" + repository + ":latest."), cached.output());
        Matcher built = built(cached);
        assertEquals(built.group(3), built.group(2), "every step from the cache: " + cached.output());
        assertTrue(builder.cached(cached.output(), RUN_DATE), cached.output());
        assertEquals(coldImage, built.group(1), "the same image");
        assertEquals(coldDigest, digest(cached, "1.1"), "the same manifest as the cold build");
        assertTrue(bed.standIn().requests().operations().contains("BatchGetImage"),
                "existence asked of ECR first: " + bed.standIn().requests().operations());
        forgetEverythingBuiltBy(cached, repository, builder);

        env.put("TAGS", "1.2");
        env.put("CACHE", "false");
        Launcher.PipeRun uncached = run(builder, env, dir);
        assertEquals(0, uncached.exitCode(), uncached.output());
        assertFalse(uncached.output().contains("Registry cache:"), uncached.output());
        assertFalse(builder.cached(uncached.output(), RUN_DATE), uncached.output());
        assertNotEquals(coldDigest, digest(uncached, "1.2"), "without the cache the step runs again: another image");
        forgetEverythingBuiltBy(uncached, repository, builder);
    }

    /**
     * A {@code docker build} of the same context earlier in the step (with the same builder, {@code DOCKER_BUILDKIT}
     * 0 or 1) is the image pushed, although {@code latest} in the repository gives the registry cache a source: every
     * step comes from the engine's cache, as with {@code CACHE: 'false'}. Given any cache source, the classic builder
     * takes a step from its local cache only when that step's image is an ancestor of a cache source, so a registry
     * cache image alone would make the earlier build count for nothing; BuildKit takes it from its own cache.
     */
    @ParameterizedTest
    @EnumSource(Builder.class)
    void aLocalBuildEarlierInTheStepIsTheImagePushedWhileTheRegistryHoldsLatest(Builder builder) throws Exception {
        String repository = name("cache/local-first", builder);
        bed.standIn().createRepository(repository);
        Map<String, String> env = bed.pipeEnv(repository);
        env.put("TAGS", "latest");
        Launcher.PipeRun other = run(builder, env, singleStage("local-first-other"));
        assertEquals(0, other.exitCode(), other.output());
        // as on a step's fresh engine: latest is in the registry only
        forgetEverythingBuiltBy(other, repository, builder);

        Path dir = singleStage("local-first");
        DebianDockerCli.Build cli = new DebianDockerCli(bed.dockerHost(), work).build(builder == Builder.BUILDKIT,
                dir, Map.of());
        assertEquals(0, cli.exitCode(), cli.output());
        env.put("TAGS", "2.0");
        Launcher.PipeRun run = run(builder, env, dir);
        assertEquals(0, run.exitCode(), run.output());
        assertTrue(run.output().contains("INFO: Registry cache: pulling " + bed.registryHost() + "/" + repository
                + (builder == Builder.CLASSIC ? ":latest." : ":cache.")), run.output());
        assertEquals(cli.imageId(), built(run).group(1), "the image docker build made, not a rebuild: " + run.output());
        assertTrue(builder.cached(run.output(), RUN_DATE), run.output());
        assertEquals(Optional.of(cli.imageId()), bed.imageIdOf(repository, "2.0"), "the image pushed");
    }

    /** The classic builder's: BuildKit takes steps from the repository's cache image, whatever the branch. */
    @Test
    void theBranchTagIsACacheSourceAndMissingImagesCostNoPull() throws Exception {
        Builder builder = Builder.CLASSIC;
        String repository = name("cache/branch", builder);
        bed.standIn().createRepository(repository);
        Path dir = singleStage("branch");
        Map<String, String> env = bed.pipeEnv(repository);
        env.put("BITBUCKET_BRANCH", "feature/cache");
        Launcher.PipeRun first = run(builder, env, dir);
        assertEquals(0, first.exitCode(), first.output());
        String digest = digest(first, "feature-cache");
        forgetEverythingBuiltBy(first, repository, builder);

        env.put("TAGS", "build-2");
        env.put("CACHE_FROM", "cache/never-pushed:main quay.io/someone/else:1");
        bed.standIn().registryRequests().clear();
        Launcher.PipeRun second = run(builder, env, dir);
        assertEquals(0, second.exitCode(), second.output());
        assertTrue(second.output().contains("WARNING: CACHE_FROM quay.io/someone/else:1 is in a registry the pipe has"
                + " no login for; building without it."), second.output());
        assertTrue(second.output().contains("Registry cache: building with 1 cache image: " + bed.registryHost()
                + "/" + repository + ":feature-cache."), second.output());
        assertFalse(bed.standIn().registryRequests().stream().anyMatch(r -> r.contains("never-pushed")
                        || r.contains("/manifests/latest")),
                "no pull of an image ECR said is missing: " + bed.standIn().registryRequests());
        assertEquals(digest, digest(second, "build-2"));

        // a re-run on the same engine: the registry's image is the one the engine holds, so nothing is pulled
        env.put("TAGS", "build-3");
        env.remove("CACHE_FROM");
        bed.standIn().registryRequests().clear();
        Launcher.PipeRun third = run(builder, env, dir);
        assertEquals(0, third.exitCode(), third.output());
        assertTrue(third.output().contains("INFO: Registry cache: " + bed.registryHost() + "/" + repository
                + ":feature-cache is already in the engine (sha256:"), third.output());
        assertFalse(bed.standIn().registryRequests().stream().anyMatch(r -> r.startsWith("GET ")
                && r.contains("/manifests/")), "no pull: " + bed.standIn().registryRequests());
        assertEquals(digest, digest(third, "build-3"));

        // the same tag again on the same engine (a no-change re-run): the engine's own cache serves, so the build
        // does not wait for ECR to name cache images, and nothing is asked of the registry for the cache (known when
        // IMAGE names its host, so before any login)
        env.put("IMAGE", bed.repositoryUri(repository));
        bed.standIn().registryRequests().clear();
        Launcher.PipeRun fourth = run(builder, env, dir);
        assertEquals(0, fourth.exitCode(), fourth.output());
        assertTrue(fourth.output().contains("INFO: Registry cache: not needed, the engine already holds "
                + bed.registryHost() + "/" + repository + ":build-3 (sha256:"), fourth.output());
        assertFalse(fourth.output().contains("build steps taken from the cache"), fourth.output());
        assertFalse(bed.standIn().registryRequests().stream().anyMatch(r -> r.startsWith("GET ")
                && r.contains("/manifests/")), "no pull: " + bed.standIn().registryRequests());
        assertEquals(digest, digest(fourth, "build-3"));
        forgetEverythingBuiltBy(second, repository, builder);
    }

    @ParameterizedTest
    @EnumSource(Builder.class)
    void stagesAreCachedUnderTheirOwnTagsWithCacheStages(Builder builder) throws Exception {
        String repository = name("cache/stages", builder);
        bed.standIn().createRepository(repository);
        Path dir = twoStage("stages");
        Map<String, String> env = bed.pipeEnv(repository);
        env.put("CACHE", "stages");
        env.put("TAGS", "1.0");

        Launcher.PipeRun cold = run(builder, env, dir);
        assertEquals(0, cold.exitCode(), cold.output());
        assertTrue(cold.output().contains("INFO: CACHE=stages: pushed " + bed.registryHost() + "/" + repository
                + ":cache-builder (sha256:"), cold.output());
        assertTrue(bed.manifestDigest(repository, "cache-builder").isPresent(), "the stage is in the registry");
        String coldDigest = digest(cold, "1.0");
        forgetEverythingBuiltBy(cold, repository, builder);

        env.put("TAGS", "1.1");
        env.put("CACHE", "true"); // the final image alone (under BuildKit, its cache image)
        env.put("CACHE_FROM", repository + ":1.0");
        Launcher.PipeRun finalOnly = run(builder, env, dir);
        assertEquals(0, finalOnly.exitCode(), finalOnly.output());
        if (builder == Builder.CLASSIC) {
            // the builder stage's steps are not in the final image's history
            assertFalse(builder.cached(finalOnly.output(), RUN_DATE), finalOnly.output());
            assertNotEquals(coldDigest, digest(finalOnly, "1.1"),
                    "without the stage's image its RUN runs again, and the image differs: " + finalOnly.output());
        } else {
            // the cache image's metadata holds the keys of the builder stage's steps that led to the last stage
            assertTrue(finalOnly.output().contains("INFO: Registry cache: pulling " + bed.registryHost() + "/"
                    + repository + ":cache."), finalOnly.output());
            assertTrue(builder.allCached(finalOnly.output()), "every step from the cache image: "
                    + finalOnly.output());
            assertEquals(coldDigest, digest(finalOnly, "1.1"), "the same image as the cold build");
        }
        forgetEverythingBuiltBy(finalOnly, repository, builder);
        // with the stage's image as well, every step hits and the image is the cold build's
        env.put("TAGS", "1.0-again");
        env.put("CACHE", "stages");
        Launcher.PipeRun cached = run(builder, env, dir);
        assertEquals(0, cached.exitCode(), cached.output());
        assertTrue(cached.output().contains(bed.registryHost() + "/" + repository + ":cache-builder"),
                cached.output());
        Matcher built = built(cached);
        assertEquals(built.group(3), built.group(2), "every step from the cache: " + cached.output());
        assertEquals(coldDigest, digest(cached, "1.0-again"), "the same image as the cold build");
        forgetEverythingBuiltBy(cached, repository, builder);
    }

    /** Two stages: the builder's RUN output changes on every run; the final stage copies it. */
    private Path twoStage(String name) throws IOException {
        Path dir = work.resolve(name);
        Files.createDirectories(dir);
        Files.copy(TestImages.STATIC_BUSYBOX, dir.resolve("busybox"), StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.COPY_ATTRIBUTES);
        Files.writeString(dir.resolve("token.txt"), UUID.randomUUID() + "\n");
        Files.writeString(dir.resolve("Dockerfile"), """
                FROM scratch AS builder
                COPY busybox /bin/busybox
                RUN ["/bin/busybox", "--install", "-s", "/bin"]
                COPY token.txt /token.txt
                RUN date +%s%N > /built-at.txt

                FROM scratch
                COPY --from=builder /built-at.txt /built-at.txt
                COPY token.txt /token.txt
                """);
        return dir;
    }

    private static String digest(Launcher.PipeRun run, String tag) {
        return run.lines().stream().map(PUSHED::matcher).filter(m -> m.matches() && m.group(1).equals(tag))
                .map(m -> m.group(2)).findFirst().orElseThrow(() -> new AssertionError("no push of " + tag + ": "
                        + run.output()));
    }

    private static Matcher built(Launcher.PipeRun run) {
        Matcher m = BUILT.matcher(run.output());
        if (!m.find()) {
            throw new AssertionError("no 'Built image' and cache lines: " + run.output());
        }
        return m;
    }

    private boolean engineHolds(String image) {
        try {
            bed.docker().inspectImageCmd(image).exec();
            return true;
        } catch (NotFoundException e) {
            return false;
        }
    }

    /**
     * Removes from the engine what this run built or pulled, and only that: the repository's tags, then every
     * image the build output names, newest first. A classic step image shared with another test's images (the
     * busybox steps) is kept: the engine refuses to remove an image with children. Under BuildKit, whose steps are
     * in its build cache rather than images, the build cache is pruned as well (the whole of it: other tests' steps
     * are built again when they need them).
     */
    private void forgetEverythingBuiltBy(Launcher.PipeRun run, String repository, Builder builder) throws Exception {
        String prefix = bed.registryHost() + "/" + repository + ":";
        bed.docker().listImagesCmd().exec().forEach(image -> {
            if (image.getRepoTags() != null) {
                for (String tag : image.getRepoTags()) {
                    if (tag.startsWith(prefix)) {
                        remove(tag);
                    }
                }
            }
        });
        List<String> steps = new ArrayList<>();
        Matcher m = STEP_ID.matcher(run.output());
        while (m.find()) {
            steps.add(m.group(1) != null ? m.group(1) : m.group(2));
        }
        Collections.reverse(steps);
        steps.forEach(this::remove);
        Matcher image = IMAGE.matcher(run.output()); // the run's image itself
        if (image.find()) {
            remove(image.group(1));
        }
        if (builder == Builder.BUILDKIT) {
            DebianDockerCli.Result pruned = new DebianDockerCli(bed.dockerHost(), work).run(work, true, Map.of(),
                    List.of("builder", "prune", "--all", "--force"));
            assertEquals(0, pruned.exitCode(), pruned.output());
        }
    }

    private void remove(String image) {
        try {
            bed.docker().removeImageCmd(image).withForce(false).exec();
        } catch (NotFoundException | ConflictException gone) {
            // removed already with its child, or shared with another image
        }
    }
}
