package org.ecrpushpipe.scenarios;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.ecrpushpipe.testbed.EcrBed;
import org.ecrpushpipe.testbed.EcrBedExtension;
import org.ecrpushpipe.testbed.HostProcesses;
import org.ecrpushpipe.testbed.TestImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import com.github.dockerjava.api.model.Container;

/**
 * Stopping a run the way Bitbucket stops a step — SIGTERM ({@code docker kill --signal TERM}, what {@code docker
 * stop} sends first) — in the middle of the build and in the middle of the push, and by Ctrl-C (SIGINT) in the
 * middle of the build, on the bed's real engine, registry and ECR stand-in. Each subclass names how the pipe runs
 * (the image as Bitbucket runs it, the packaged jar) and the {@link Builder} it builds with (BuildKit, the default,
 * and the classic builder).
 *
 * <p>What each case asserts, as the exit-code table of docs/errors.md and the "stopped step" paragraph of docs/how-it-works.md promise:
 * <ul>
 *   <li>the run ends within {@link #STOP_BOUND} of the signal — a generous bound for a noisy shared 2-core machine;
 *       Bitbucket, like {@code docker stop}, kills what is still running some seconds after the SIGTERM, so a run
 *       that ends "eventually" would be cut off without a word;</li>
 *   <li>with exit code 143, and exactly one {@code ✖} line, {@code Cancelled while …}, and no stack trace;</li>
 *   <li>the engine holds no container the run made (the build's RUN container is gone, and so is the pipe's
 *       own), and no process of the build's RUN step runs on (BuildKit runs its steps outside the engine's
 *       containers), within the same bound;</li>
 *   <li>the registry: each tag is absent or names a whole image (manifest and every blob fetched and checked against
 *       its digest); the moving tag {@code latest} is never ahead of {@code 1.0}; no manifest reaches the registry
 *       after the signal.</li>
 * </ul>
 */
@ExtendWith(EcrBedExtension.class)
public abstract class CancellationScenarios {
    /** How long after SIGTERM the run, and whatever it started on the engine, must be gone. */
    static final Duration STOP_BOUND = Duration.ofSeconds(15);
    /** How long a case may take to reach the point where it sends the signal (an image run, a 200 MB layer). */
    private static final Duration REACH = Duration.ofMinutes(5);

    @TempDir
    Path work;

    protected final EcrBed bed;

    protected CancellationScenarios(EcrBed bed) {
        this.bed = bed;
    }

    /** How this class runs the pipe. */
    protected abstract StoppableLauncher launcher();

    /** The engine's builder every run of this class builds with. */
    protected abstract Builder builder();

    /** A run that was stopped: its exit code, its output, and how long after the signal it ended. */
    private record Stopped(int exitCode, String output, Duration afterSignal) {
        List<String> failureLines() {
            return output.lines().filter(l -> l.startsWith("✖")).toList();
        }
    }

    /** Sends the signal, waits for the run to end, and checks it ended within {@link #STOP_BOUND}. */
    private Stopped stop(String what, RunningPipe pipe, java.util.function.Consumer<RunningPipe> signal,
                         long[] signalledAt) throws InterruptedException {
        signalledAt[0] = System.nanoTime();
        signal.accept(pipe);
        // waits longer than the bound, so a slow stop is measured and reported rather than cut off
        OptionalInt code = pipe.awaitExit(STOP_BOUND.multipliedBy(4));
        Duration took = Duration.ofNanos(System.nanoTime() - signalledAt[0]);
        if (code.isEmpty()) {
            fail(launcher().name() + " was still running " + took.toSeconds() + " s after the signal:\n"
                    + pipe.output());
        }
        System.out.printf("%s (%s), %s: ended %d ms after the signal with exit code %d%n",
                getClass().getSimpleName(), launcher().name(), what, took.toMillis(), code.getAsInt());
        Stopped stopped = new Stopped(code.getAsInt(), pipe.output(), took);
        assertTrue(took.compareTo(STOP_BOUND) <= 0, "ended " + took.toMillis() + " ms after the signal, more than "
                + STOP_BOUND.toSeconds() + " s:\n" + stopped.output());
        return stopped;
    }

    private static void assertCancelledCleanly(Stopped stopped, String expectedFailure) {
        assertEquals(143, stopped.exitCode(), "exit code of a stopped run:\n" + stopped.output());
        assertEquals(List.of(expectedFailure), stopped.failureLines(), stopped.output());
        assertFalse(stopped.output().contains("\tat "), "no stack trace:\n" + stopped.output());
        assertFalse(stopped.output().contains("Exception"), "no exception named:\n" + stopped.output());
        assertFalse(stopped.output().contains("✔"), "nothing reported as pushed:\n" + stopped.output());
    }

    /** Every container on the engine, stopped ones too ({@code docker ps -a}): id and command. */
    private Map<String, String> containers() {
        return bed.docker().listContainersCmd().withShowAll(true).exec().stream()
                .collect(Collectors.toMap(Container::getId, c -> String.valueOf(c.getCommand())));
    }

    /** Waits (up to {@link #STOP_BOUND} after the signal) until the engine holds the containers it held before. */
    private void assertNoContainerLeft(Set<String> before, long signalledAt) {
        long deadline = signalledAt + STOP_BOUND.toNanos();
        Map<String, String> left = containers();
        left.keySet().removeAll(before);
        while (!left.isEmpty() && System.nanoTime() < deadline) {
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
            left = containers();
            left.keySet().removeAll(before);
        }
        assertEquals(Map.of(), left, "containers the run left on the engine " + STOP_BOUND.toSeconds()
                + " s after the signal (docker ps -a, id → command)");
    }

    /** The id of the image the engine holds under {@code reference}, if any. */
    private Optional<String> localImage(String reference) {
        try {
            return Optional.of(bed.docker().inspectImageCmd(reference).exec().getId());
        } catch (com.github.dockerjava.api.exception.NotFoundException e) {
            return Optional.empty();
        }
    }

    private long manifestPuts(String repository) {
        return bed.standIn().registryRequests().stream()
                .filter(r -> r.startsWith("PUT /v2/" + repository + "/manifests/")).count();
    }

    @Test
    void sigtermMidBuildStopsTheBuildAndPushesNothing() throws Exception {
        stopMidBuild("sigterm", RunningPipe::terminate);
    }

    /** Ctrl-C by hand (SIGINT) is the same stop, with the same exit code: the JVM alone would end with 130. */
    @Test
    void ctrlCMidBuildIsTheSameStop() throws Exception {
        stopMidBuild("ctrl-c", RunningPipe::interrupt);
    }

    private void stopMidBuild(String name, java.util.function.Consumer<RunningPipe> signal) throws Exception {
        String repository = "cancel/" + launcher().name() + "-" + name;
        bed.standIn().createRepository(repository);
        String marker = UUID.randomUUID().toString();
        // the RUN step would take 5 minutes and then the image would be labelled: a finished build is told apart;
        // the sleep is not the shell's last command, so the shell (whose command line holds the marker) stays
        Path clone = TestImages.busybox(work.resolve("mid-build-" + name)).uniqueFile()
                .line("RUN echo started " + marker + " && sleep 300 && echo slept " + marker)
                .line("LABEL marker=" + marker)
                .write();
        Map<String, String> env = builder().in(bed.pipeEnv(repository));
        env.put("TAGS", "1.0 latest");
        Set<String> before = containers().keySet();
        long[] signalledAt = new long[1];

        Stopped stopped;
        try (RunningPipe pipe = launcher().start(env, clone)) {
            // the step's own output: its shell is running the sleep now
            pipe.awaitOutput(Pattern.compile(builder().commandLine("started " + marker), Pattern.MULTILINE), REACH);
            assertFalse(HostProcesses.mentioning(marker).isEmpty(), "the RUN step runs before the signal");
            if (builder() == Builder.CLASSIC) {
                assertTrue(containers().values().stream().anyMatch(command -> command.contains(marker)),
                        "the RUN step's container is on the engine before the signal: " + containers());
            }
            stopped = stop(name + " mid-build", pipe, signal, signalledAt);
        }

        assertCancelledCleanly(stopped, "✖ Cancelled while building the image.");
        builder().assertBuiltWithIt(stopped.output());
        assertFalse(stopped.output().contains("INFO: Pushing"), stopped.output());
        assertNoContainerLeft(before, signalledAt[0]);
        assertEquals(List.of(), HostProcesses.awaitNoneMentioning(marker, Duration.ofNanos(Math.max(0,
                signalledAt[0] + STOP_BOUND.toNanos() - System.nanoTime()))), "the RUN step's processes "
                + STOP_BOUND.toSeconds() + " s after the signal");
        assertTrue(bed.docker().listImagesCmd().withLabelFilter(Map.of("marker", marker)).exec().isEmpty(),
                "the build was stopped, not finished");
        assertEquals(Optional.empty(), localImage(bed.repositoryUri(repository) + ":1.0"), "nothing tagged");
        RegistryImages registry = new RegistryImages(bed);
        assertEquals(Optional.empty(), registry.image(repository, "1.0"), "nothing pushed");
        assertEquals(Optional.empty(), registry.image(repository, "latest"), "nothing pushed");
        assertEquals(0, manifestPuts(repository), bed.standIn().registryRequests().toString());
    }

    @Test
    void sigtermMidPushLeavesNoTagOnAPartialImageAndLatestNotAheadOfTheFixedTag() throws Exception {
        String repository = "cancel/" + launcher().name() + "-push";
        bed.standIn().createRepository(repository);
        // 200 MB that no compression shrinks: the engine compresses and uploads it for several seconds
        Path clone = TestImages.busybox(work.resolve("mid-push")).uniqueFile()
                .line("RUN dd if=/dev/urandom of=/payload bs=1048576 count=200 2>/dev/null")
                .write();
        Map<String, String> env = builder().in(bed.pipeEnv(repository));
        env.put("TAGS", "1.0 latest");
        String first = bed.repositoryUri(repository) + ":1.0";
        Set<String> before = containers().keySet();
        long[] signalledAt = new long[1];

        Stopped stopped;
        long manifestPutsAtSignal;
        try (RunningPipe pipe = launcher().start(env, clone)) {
            pipe.awaitOutput(Pattern.compile("^INFO: Pushing " + Pattern.quote(first) + "\\.$", Pattern.MULTILINE),
                    REACH);
            // the engine has started uploading layers through the stand-in
            long deadline = System.nanoTime() + REACH.toNanos();
            while (bed.standIn().registryRequests().stream()
                    .noneMatch(r -> r.startsWith("PATCH /v2/" + repository + "/blobs/uploads/"))) {
                assertTrue(System.nanoTime() < deadline && pipe.isAlive(),
                        "no layer upload began: " + bed.standIn().registryRequests() + "\n" + pipe.output());
                java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
            }
            manifestPutsAtSignal = manifestPuts(repository);
            System.out.printf("%s (%s): SIGTERM after %s%n", getClass().getSimpleName(), launcher().name(),
                    bed.standIn().registryRequests().stream().filter(r -> r.contains("/v2/" + repository + "/"))
                            .toList());
            stopped = stop("SIGTERM mid-push", pipe, RunningPipe::terminate, signalledAt);
        }

        assertEquals(0, manifestPutsAtSignal, "the signal came before the manifest was sent; else this case"
                + " proves nothing about a push stopped midway: " + bed.standIn().registryRequests());
        assertCancelledCleanly(stopped, "✖ Cancelled while pushing " + first + ".");
        builder().assertBuiltWithIt(stopped.output());
        assertFalse(stopped.output().contains("INFO: Tagging"), "no further tag after the signal:\n"
                + stopped.output());
        assertNoContainerLeft(before, signalledAt[0]);
        java.util.regex.Matcher built = Pattern.compile("^INFO: Built image (sha256:[0-9a-f]{64})\\.$",
                Pattern.MULTILINE).matcher(stopped.output());
        assertTrue(built.find(), stopped.output());
        assertEquals(Optional.of(built.group(1)), localImage(first), "the engine keeps the name the image was being"
                + " pushed as, as after a finished push");

        // The engine abandons the push with the pipe's connection: no manifest arrives later. Waiting as long again
        // as the bound gives an upload that went on regardless the time to finish and send one.
        Thread.sleep(STOP_BOUND.toMillis());
        assertEquals(0, manifestPuts(repository), "no manifest sent after the signal: "
                + bed.standIn().registryRequests());
        RegistryImages registry = new RegistryImages(bed);
        Optional<RegistryImages.WholeImage> fixed = registry.image(repository, "1.0"); // fails on a partial image
        Optional<RegistryImages.WholeImage> latest = registry.image(repository, "latest");
        assertTrue(latest.isEmpty() || latest.map(RegistryImages.WholeImage::digest)
                .equals(fixed.map(RegistryImages.WholeImage::digest)), "latest is never ahead of 1.0: 1.0 " + fixed
                + ", latest " + latest);
        assertEquals(Optional.empty(), latest, "no tag is added after the signal");
        System.out.printf("%s (%s): after the stopped push 1.0 is %s%n", getClass().getSimpleName(),
                launcher().name(), fixed.map(i -> "a whole image " + i.digest()).orElse("absent"));
    }
}
