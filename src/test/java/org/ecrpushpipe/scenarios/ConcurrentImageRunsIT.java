package org.ecrpushpipe.scenarios;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.ecrpushpipe.image.PipeImage;
import org.ecrpushpipe.testbed.DebianDockerCli;
import org.ecrpushpipe.testbed.EcrBed;
import org.ecrpushpipe.testbed.EcrBedExtension;
import org.ecrpushpipe.testbed.TestImages;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Pipe runs at the same time, each a separate {@code docker run} of the pipe's image as Bitbucket runs a pipe — as
 * separate steps, or parallel steps of one pipeline, would run it — into the same repositories of the bed's real
 * registry behind the ECR stand-in; afterwards every tag is read back through the registry's API and its manifest
 * and every blob checked.
 *
 * <p>All runs share the bed's one Docker engine. On Bitbucket each step has a docker service of its own, so runs
 * never share an engine there; sharing one is the harder case: the engine pushes by name, so two runs pushing the
 * same tag can each send the image the other tagged last (the pipe detects that and pushes its own again, or fails
 * naming both images), and layer uploads of one image overlap in one engine.
 *
 * <p>"The same content" means the same build context, built from the engine's cache so it gives the same image id
 * (as a re-run of a step does): the contexts are built once with the docker CLI before the runs start, as an
 * earlier script line of the step would, with the builder the runs use (each case runs under both), and every run
 * must build exactly that image.
 */
@ExtendWith(EcrBedExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConcurrentImageRunsIT {
    private static final Pattern BUILT = Pattern.compile("^INFO: Built image (sha256:[0-9a-f]{64})\\.$",
            Pattern.MULTILINE);

    @TempDir
    Path work;

    private final EcrBed bed;
    private ImageLauncher launcher;

    ConcurrentImageRunsIT(EcrBed bed) {
        this.bed = bed;
    }

    @BeforeAll
    void buildTheImage() throws Exception {
        launcher = ImageLauncher.onTheBed(PipeImage.build(bed));
    }

    /** One run to start: the repository and tags it pushes, and the clone (its build context) it builds. */
    private record Step(String repository, String tags, Path context) {
    }

    /** A finished run of a {@link Step}. */
    private record Finished(Step step, Launcher.PipeRun run) {
        String builtImage() {
            Matcher built = BUILT.matcher(run.output());
            assertTrue(built.find(), "the run names the image it built:\n" + run.output());
            return built.group(1);
        }

        /** The digest of the {@code ✔} line for {@code tag} (pushed, or found already there), if any. */
        Optional<String> reported(String tag) {
            Matcher m = Pattern.compile("^✔ (?:Successfully pushed|Already in the registry:) \\S+/"
                    + Pattern.quote(step.repository()) + ":" + Pattern.quote(tag) + " \\((sha256:[0-9a-f]{64})\\)$",
                    Pattern.MULTILINE).matcher(run.output());
            return m.find() ? Optional.of(m.group(1)) : Optional.empty();
        }

        boolean pushedItself(String tag) {
            return run.output().lines().anyMatch(l -> l.startsWith("✔ Successfully pushed ")
                    && l.contains("/" + step.repository() + ":" + tag + " ("));
        }

        String describe() {
            return step.repository() + " " + step.tags() + " (exit " + run.exitCode() + "):\n" + run.output();
        }
    }

    /** Starts every step at the same moment, each a {@code docker run} of its own with {@code builder}; waits for all. */
    private List<Finished> runAtOnce(Builder builder, List<Step> steps) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(steps.size());
        CyclicBarrier together = new CyclicBarrier(steps.size());
        try {
            List<Future<Launcher.PipeRun>> runs = new ArrayList<>();
            for (Step step : steps) {
                Map<String, String> env = bed.pipeEnv(step.repository());
                env.put("TAGS", step.tags());
                runs.add(pool.submit(() -> {
                    together.await();
                    return builder.launching(launcher).run(env, Map.of(), step.context());
                }));
            }
            List<Finished> finished = new ArrayList<>();
            for (int i = 0; i < steps.size(); i++) {
                finished.add(new Finished(steps.get(i), runs.get(i).get()));
            }
            return finished;
        } finally {
            pool.shutdownNow();
        }
    }

    /** Builds {@code context} with Debian's docker CLI and {@code builder} on the bed's engine; returns its id. */
    private String buildWithTheDockerCli(Builder builder, Path context) throws Exception {
        DebianDockerCli.Build build = new DebianDockerCli(bed.dockerHost(), work).build(builder == Builder.BUILDKIT,
                context, Map.of());
        assertEquals(0, build.exitCode(), build.output());
        assertTrue(build.imageId().matches("sha256:[0-9a-f]{64}"), build.output());
        return build.imageId();
    }

    private static String name(String repository, Builder builder) {
        return repository + "-" + builder.name().toLowerCase(Locale.ROOT);
    }

    @ParameterizedTest
    @EnumSource(Builder.class)
    void eightTagsOfOneImageAndOneImmutableTagTwiceWithTheSameImageAllSucceed(Builder builder) throws Exception {
        String app = name("together/app", builder);
        String fixedRepository = name("together/fixed", builder);
        bed.standIn().createRepository(app);
        bed.standIn().createRepository(fixedRepository, "IMMUTABLE");
        Path clone = TestImages.busybox(work.resolve("one-image-" + builder)).uniqueFile().write();
        String image = buildWithTheDockerCli(builder, clone);
        List<Step> steps = new ArrayList<>();
        for (int i = 1; i <= 8; i++) {
            steps.add(new Step(app, "1." + i, clone));
        }
        steps.add(new Step(fixedRepository, "1.0", clone));
        steps.add(new Step(fixedRepository, "1.0", clone));

        long started = System.nanoTime();
        List<Finished> finished = runAtOnce(builder, steps);
        System.out.printf("10 runs at once with %s took %d s%n", builder,
                (System.nanoTime() - started) / 1_000_000_000L);

        RegistryImages registry = new RegistryImages(bed);
        for (Finished run : finished) {
            assertEquals(0, run.run().exitCode(), run.describe());
            assertEquals(image, run.builtImage(), "every run builds the same image from the cache: " + run.describe());
            String tag = run.step().tags();
            String reported = run.reported(tag).orElseThrow(() -> new AssertionError("no ✔ line: " + run.describe()));
            RegistryImages.WholeImage held = registry.image(run.step().repository(), tag)
                    .orElseThrow(() -> new AssertionError(run.step().repository() + ":" + tag + " is absent"));
            assertEquals(reported, held.digest(), "the registry holds what the run reported: " + run.describe());
            assertEquals(image, held.configDigest(), "the tag's image is the one built");
        }
        List<Finished> fixed = finished.subList(8, 10);
        assertEquals(1, fixed.stream().filter(f -> f.pushedItself("1.0")).count(),
                "ECR refuses even an identical manifest under an existing immutable tag: one run pushes it, the other"
                        + " finds it there:\n" + fixed.get(0).describe() + "\n" + fixed.get(1).describe());
    }

    @ParameterizedTest
    @EnumSource(Builder.class)
    void twoRunsPushingOneImmutableTagWithDifferentImagesOneWinsAndTheOtherFailsNamingBoth(Builder builder)
            throws Exception {
        String contested = name("together/contested", builder);
        bed.standIn().createRepository(contested, "IMMUTABLE");
        RegistryImages registry = new RegistryImages(bed);
        // a few rounds, each a fresh tag, so more than one interleaving of the two runs is met
        for (int round = 1; round <= 3; round++) {
            String tag = "2." + round;
            Path first = TestImages.busybox(work.resolve("contested-a" + round + builder)).uniqueFile().write();
            Path second = TestImages.busybox(work.resolve("contested-b" + round + builder)).uniqueFile().write();
            Map<Path, String> images = Map.of(first, buildWithTheDockerCli(builder, first),
                    second, buildWithTheDockerCli(builder, second));
            assertTrue(!images.get(first).equals(images.get(second)), "two different images");

            List<Finished> finished = runAtOnce(builder, List.of(new Step(contested, tag, first),
                    new Step(contested, tag, second)));

            List<Finished> winners = finished.stream().filter(f -> f.run().exitCode() == 0).toList();
            String both = finished.get(0).describe() + "\n" + finished.get(1).describe();
            assertEquals(1, winners.size(), "exactly one run wins round " + round + ":\n" + both);
            Finished winner = winners.get(0);
            Finished loser = finished.get(winner == finished.get(0) ? 1 : 0);
            String winnerImage = images.get(winner.step().context());
            String loserImage = images.get(loser.step().context());
            assertEquals(winnerImage, winner.builtImage(), both);
            assertEquals(loserImage, loser.builtImage(), both);

            RegistryImages.WholeImage held = registry.image(contested, tag)
                    .orElseThrow(() -> new AssertionError("the tag " + tag + " is absent:\n" + both));
            assertEquals(winnerImage, held.configDigest(), "the tag holds the winner's image:\n" + both);
            assertEquals(Optional.of(held.digest()), winner.reported(tag), "the winner reported the tag's digest:\n"
                    + both);

            assertEquals(6, loser.run().exitCode(), both);
            List<String> failures = loser.run().lines().stream().filter(l -> l.startsWith("✖")).toList();
            assertEquals(1, failures.size(), "one ✖ line:\n" + both);
            String failure = failures.get(0);
            assertTrue(failure.contains(loserImage), "the ✖ line names the loser's own image: " + failure);
            assertTrue(failure.contains(held.digest()) || failure.contains(winnerImage),
                    "the ✖ line names the image the tag holds: " + failure);
            assertTrue(loser.reported(tag).isEmpty(), "the loser reports no success:\n" + both);
            assertTrue(!loser.run().output().contains("\tat "), "no stack trace:\n" + both);
            System.out.printf("round %d: the winner said %s; the loser said %s%n", round, winner.run().lines().stream()
                    .filter(l -> l.startsWith("✔") || l.startsWith("WARNING")).toList(), loser.run().lines().stream()
                    .filter(l -> l.startsWith("✖") || l.startsWith("WARNING")).toList());
        }
    }
}
