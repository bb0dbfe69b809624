package org.ecrpushpipe.docker.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.ecrpushpipe.config.BuildArg;
import org.ecrpushpipe.context.BuildContext;
import org.ecrpushpipe.docker.BuildCache;
import org.ecrpushpipe.docker.BuildOutcome;
import org.ecrpushpipe.docker.BuildRequest;
import org.ecrpushpipe.docker.BuilderKind;
import org.ecrpushpipe.docker.Cancellation;
import org.ecrpushpipe.docker.EngineVersion;
import org.ecrpushpipe.docker.ImageBuilder;
import org.ecrpushpipe.docker.PullAccess;
import org.ecrpushpipe.errors.BuildProblem;
import org.ecrpushpipe.errors.PipeException;
import org.ecrpushpipe.testbed.DockerEngineExtension;
import org.ecrpushpipe.testbed.HostProcesses;
import org.ecrpushpipe.testbed.TestImages;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import com.github.dockerjava.api.DockerClient;

/**
 * The BuildKit builder on the bed's real engine: what it builds, how it shows the build, how it fails, and that
 * cancelling stops the build. Each context holds a fresh random file, so no earlier run's cache answers.
 */
@ExtendWith(DockerEngineExtension.class)
class BuildKitBuilderTest {
    @TempDir
    static Path work;

    private static DockerClient docker;
    private static DockerJavaEngine engine;
    private static ImageBuilder builder;
    private static EngineVersion version;

    @BeforeAll
    static void connect(DockerClient client) {
        docker = client;
        engine = new DockerJavaEngine(DockerEngineExtension.dockerHost());
        version = engine.ping();
        builder = engine.builder(BuilderKind.BUILDKIT);
    }

    @AfterAll
    static void close() {
        engine.close();
    }

    static BuildRequest request(Path dir) {
        return request(dir, "Dockerfile");
    }

    static BuildRequest request(Path dir, String dockerfile) {
        try {
            return new BuildRequest(BuildContext.scan(dir.toRealPath(), dockerfile));
        } catch (IOException | BuildContext.Unusable e) {
            throw new AssertionError(e);
        }
    }

    private static Path context(String name, String... lines) {
        TestImages.Context context = TestImages.busybox(work.resolve(name + "-" + UUID.randomUUID())).uniqueFile();
        Stream.of(lines).forEach(context::line);
        return context.write();
    }

    private static BuildOutcome build(BuildRequest request, List<String> output) {
        return builder.build(request, output::add, new Cancellation());
    }

    @Test
    void theEngineSaysItBuildsWithBuildKit() {
        assertEquals("linux", version.os());
        assertTrue(version.apiVersion().matches("1\\.\\d+"), version.toString());
        assertTrue(version.buildsWithBuildKit(), version.toString());
        assertTrue(version.major() >= 20, version.toString());
    }

    @Test
    void buildsAndCountsTheDockerfilesStepsAsTheyShow() {
        Path dir = context("basic", "RUN echo \"building $(cat /unique.txt)\" && echo to-stderr >&2",
                "LABEL x=y");
        List<String> output = new ArrayList<>();
        BuildOutcome.Built built = assertInstanceOf(BuildOutcome.Built.class, build(request(dir), output));
        assertEquals(built.imageId().value(), docker.inspectImageCmd(built.imageId().value()).exec().getId());
        // COPY busybox, RUN --install, COPY unique.txt, RUN echo: the LABEL makes no vertex, nor do [internal] ones
        assertEquals(4, built.steps(), String.join("\n", output));
        assertTrue(output.stream().anyMatch(l -> l.matches("#\\d+ \\d\\.\\d{3} building [0-9a-f-]{36}")), output.toString());
        assertTrue(output.stream().anyMatch(l -> l.matches("#\\d+ \\d\\.\\d{3} to-stderr")), output.toString());
        assertTrue(output.stream().noneMatch(l -> l.contains("\n")), output.toString());
        assertPlainFormat(output);

        List<String> again = new ArrayList<>();
        BuildOutcome.Built rebuilt = assertInstanceOf(BuildOutcome.Built.class, build(request(dir), again));
        assertEquals(built.imageId(), rebuilt.imageId());
        assertEquals(4, rebuilt.steps(), String.join("\n", again));
        assertEquals(4, rebuilt.cachedSteps(), String.join("\n", again));
        // the four steps, and BuildKit's own vertexes that were cached too (the context's transfer)
        assertTrue(again.stream().filter(l -> l.matches("#\\d+ CACHED")).count() >= 4, String.join("\n", again));
    }

    @Test
    void theStepsOfAFailingStageTheTargetDoesNotNeedNeverRun() {
        Path dir = stages("unused", "FROM bb AS tests", "RUN echo running tests && exit 7",
                "FROM scratch AS final", "COPY --from=bb /unique.txt /unique.txt");
        List<String> output = new ArrayList<>();
        assertInstanceOf(BuildOutcome.Built.class, build(request(dir), output), String.join("\n", output));
        assertTrue(output.stream().noneMatch(l -> l.contains("running tests")), String.join("\n", output));
    }

    @Test
    void aCacheMountKeepsItsFilesFromOneBuildToTheNext() {
        String id = UUID.randomUUID().toString();
        String run = "RUN --mount=type=cache,id=" + id + ",target=/cache echo x >> /cache/n && echo count=$(wc -l < /cache/n)";
        List<String> first = new ArrayList<>();
        assertInstanceOf(BuildOutcome.Built.class, build(request(context("cache1", run)), first));
        List<String> second = new ArrayList<>();
        assertInstanceOf(BuildOutcome.Built.class, build(request(context("cache2", run)), second));
        assertTrue(first.stream().anyMatch(l -> l.endsWith(" count=1")), String.join("\n", first));
        assertTrue(second.stream().anyMatch(l -> l.endsWith(" count=2")), String.join("\n", second));
    }

    @Test
    void copyChmodSetsTheMode() throws IOException {
        Path dir = context("chmod", "COPY --chmod=0750 script.sh /script.sh", "RUN ls -l /script.sh");
        Files.writeString(dir.resolve("script.sh"), "echo hi\n");
        List<String> output = new ArrayList<>();
        assertInstanceOf(BuildOutcome.Built.class, build(request(dir), output), String.join("\n", output));
        assertTrue(output.stream().anyMatch(l -> l.matches("#\\d+ \\S+ -rwxr-x--- .*/script\\.sh")),
                String.join("\n", output));
    }

    @Test
    void buildArgumentsTargetAndLabelsReachTheImage() {
        Path dir = stages("args", "FROM bb AS release", "ARG GREETING=hi", "RUN echo \"greeting=$GREETING\"",
                "FROM bb AS other", "RUN echo never built && exit 9");
        BuildRequest request = new BuildRequest(request(dir).context(),
                List.of(new BuildArg("GREETING", Optional.of("bonjour"))), Optional.of("release"),
                Map.of("team", "x y", "org.opencontainers.image.revision", "abc"), false, false,
                BuildRequest.HOST_NETWORK, BuildCache.NONE, PullAccess.NONE);
        List<String> output = new ArrayList<>();
        BuildOutcome.Built built = assertInstanceOf(BuildOutcome.Built.class, build(request, output),
                String.join("\n", output));
        assertTrue(output.stream().anyMatch(l -> l.endsWith(" greeting=bonjour")), String.join("\n", output));
        assertTrue(output.stream().noneMatch(l -> l.contains("never built")), String.join("\n", output));
        Map<String, String> labels = docker.inspectImageCmd(built.imageId().value()).exec().getConfig().getLabels();
        assertEquals("x y", labels.get("team"));
        assertEquals("abc", labels.get("org.opencontainers.image.revision"));
    }

    @Test
    void aFailingRunIsNamedWithItsLastLinesAndExitCode() {
        Path dir = context("fail", "RUN echo line one; echo line two; sleep 1; echo last line; exit 3",
                "RUN echo never");
        List<String> output = new ArrayList<>();
        BuildOutcome.Failed failed = assertInstanceOf(BuildOutcome.Failed.class, build(request(dir), output));
        assertEquals(BuildProblem.STEP_FAILED, failed.problem(), failed.toString());
        assertEquals(Optional.of("[4/5] RUN echo line one; echo line two; sleep 1; echo last line; exit 3"),
                failed.step());
        assertEquals(List.of("line one", "line two", "last line"), failed.lastLines());
        assertTrue(failed.detail().endsWith("exit code: 3"), failed.detail());
        assertTrue(output.stream().anyMatch(l -> l.matches("#\\d+ ERROR: .*exit code: 3")), String.join("\n", output));
        assertTrue(output.stream().noneMatch(l -> l.contains("never")), String.join("\n", output));
    }

    @Test
    void aStepKilledWithSigkillIsTheKilledStep() {
        Path dir = context("killed", "RUN sh -c 'kill -9 $$'; exit $?");
        BuildOutcome.Failed failed = assertInstanceOf(BuildOutcome.Failed.class, build(request(dir), new ArrayList<>()));
        assertEquals(BuildProblem.STEP_KILLED, failed.problem(), failed.detail());
        assertTrue(failed.detail().endsWith("exit code: 137"), failed.detail());
    }

    @Test
    void aHereDocumentIsSyntaxOnlyANewerFrontendKnows() {
        Path dir = context("heredoc", "RUN <<EOT", "echo from heredoc", "EOT");
        List<String> output = new ArrayList<>();
        BuildOutcome outcome = build(request(dir), output);
        if (version.major() < 23) {
            BuildOutcome.Failed failed = assertInstanceOf(BuildOutcome.Failed.class, outcome);
            assertEquals(BuildProblem.FRONTEND_TOO_OLD, failed.problem(), failed.detail());
            assertTrue(failed.detail().contains("unknown instruction"), failed.detail());
            assertTrue(failed.detail().endsWith(" (Docker " + version.version() + ")"), failed.detail());
        } else {
            assertInstanceOf(BuildOutcome.Built.class, outcome, String.join("\n", output));
        }
    }

    @Test
    void copyLinkIsSyntaxOnlyANewerFrontendKnows() {
        BuildOutcome outcome = build(request(context("link", "COPY --link unique.txt /linked.txt")), new ArrayList<>());
        if (version.major() < 23) {
            BuildOutcome.Failed failed = assertInstanceOf(BuildOutcome.Failed.class, outcome);
            assertEquals(BuildProblem.FRONTEND_TOO_OLD, failed.problem(), failed.detail());
            assertTrue(failed.detail().contains("Unknown flag: link"), failed.detail());
        } else {
            assertInstanceOf(BuildOutcome.Built.class, outcome);
        }
    }

    @Test
    void aMisspeltInstructionIsTheDockerfilesFault() {
        BuildOutcome.Failed failed = assertInstanceOf(BuildOutcome.Failed.class,
                build(request(context("typo", "RUNN echo x")), new ArrayList<>()));
        assertEquals(BuildProblem.DOCKERFILE, failed.problem(), failed.detail());
    }

    @Test
    void aSecretMountWithoutASessionSaysSo() {
        Path dir = context("secret", "RUN --mount=type=secret,id=x cat /run/secrets/x");
        BuildOutcome.Failed failed = assertInstanceOf(BuildOutcome.Failed.class, build(request(dir), new ArrayList<>()));
        assertEquals(BuildProblem.SESSION_NEEDED, failed.problem(), failed.detail());
        assertTrue(failed.detail().contains("no active sessions"), failed.detail());
        assertEquals(Optional.of("[4/4] RUN --mount=type=secret,id=x cat /run/secrets/x"), failed.step());
    }

    @Test
    void aFileMissingFromTheContextIsAContextProblem() {
        BuildOutcome.Failed failed = assertInstanceOf(BuildOutcome.Failed.class,
                build(request(context("missing", "COPY nope.txt /nope.txt")), new ArrayList<>()));
        assertEquals(BuildProblem.CONTEXT_FILE, failed.problem(), failed.detail());
        assertTrue(failed.detail().contains("nope.txt"), failed.detail());
    }

    @Test
    void theDefaultNetworkOnAnEngineWithoutABridgeIsNotTheStepsFault() {
        Path dir = context("network", "RUN echo on the default network");
        BuildRequest request = request(dir);
        BuildRequest onDefault = new BuildRequest(request.context(), List.of(), Optional.empty(), Map.of(), false,
                false, "default", BuildCache.NONE, PullAccess.NONE);
        BuildOutcome.Failed failed = assertInstanceOf(BuildOutcome.Failed.class, build(onDefault, new ArrayList<>()));
        assertEquals(BuildProblem.NETWORK_UNAVAILABLE, failed.problem(), failed.detail());
        assertTrue(failed.detail().contains("network bridge not found"), failed.detail());
    }

    @Test
    void aFirstFileWithANonAsciiNameStillMakesATarBuildKitReads() throws IOException {
        Path dir = Files.createDirectories(work.resolve("pax-" + UUID.randomUUID()));
        // sorts before "Dockerfile", and needs a PAX header: the tar's first entry in docker's order
        Files.writeString(dir.resolve("Aé-first.txt"), UUID.randomUUID() + "\n");
        Files.writeString(dir.resolve("Dockerfile"), "FROM scratch\nCOPY . /ctx/\n");
        List<String> output = new ArrayList<>();
        BuildOutcome.Built built = assertInstanceOf(BuildOutcome.Built.class, build(request(dir), output),
                String.join("\n", output));
        assertEquals(1, built.steps());
    }

    @Test
    void cancellingStopsTheBuildAndLeavesNothingRunning() throws Exception {
        String token = UUID.randomUUID().toString();
        Path dir = context("cancel", "RUN echo start-" + token + " && sleep 60 && echo end-" + token);
        List<String> output = new CopyOnWriteArrayList<>(); // read while the build's thread adds
        Cancellation cancellation = new Cancellation();
        CompletableFuture<BuildOutcome> result = CompletableFuture.supplyAsync(
                () -> builder.build(request(dir), output::add, cancellation));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (output.stream().noneMatch(l -> l.endsWith(" start-" + token)) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertFalse(HostProcesses.mentioning(token).isEmpty(), "the step runs: " + output);
        long cancelledAt = System.nanoTime();
        cancellation.cancel();
        Exception e = assertThrows(Exception.class, () -> result.get(10, TimeUnit.SECONDS));
        assertInstanceOf(PipeException.Cancelled.class, e.getCause(), String.valueOf(e));
        int linesAtEnd = output.size();
        while (!HostProcesses.mentioning(token).isEmpty()
                && System.nanoTime() - cancelledAt < Duration.ofSeconds(5).toNanos()) {
            Thread.sleep(50);
        }
        assertEquals(List.of(), HostProcesses.mentioning(token), "the step's processes are gone");
        assertTrue(docker.listContainersCmd().withShowAll(true).exec().stream()
                .noneMatch(c -> String.valueOf(c.getCommand()).contains(token)), "no container is left");
        Thread.sleep(1000);
        assertEquals(linesAtEnd, output.size(), "nothing more is shown: " + output);
    }

    private static final Pattern PLAIN_LINE = Pattern.compile(
            "|#\\d+ (?:DONE \\d+\\.\\ds|CACHED|ERROR: .*|CANCELED|\\.\\.\\.|\\d+\\.\\d{1,3} .*|.+)");

    /** Every line is one of plain progress's, and the blocks are numbered 1, 2, 3… in the order they first show. */
    static void assertPlainFormat(List<String> output) {
        int highest = 0;
        for (String line : output) {
            assertTrue(PLAIN_LINE.matcher(line).matches(), "not a plain progress line: '" + line + "'");
            if (!line.isEmpty()) {
                int number = Integer.parseInt(line.substring(1, line.indexOf(' ')));
                assertTrue(number <= highest + 1, "numbered in order: " + line + "\n" + String.join("\n", output));
                highest = Math.max(highest, number);
            }
        }
    }

    /**
     * A multi-stage context: a first stage {@code bb} (busybox and the context's random file), then {@code lines}.
     */
    static Path stages(String name, String... lines) {
        Path dir = TestImages.busybox(work.resolve(name + "-" + UUID.randomUUID())).uniqueFile().write();
        try {
            String dockerfile = Files.readString(dir.resolve("Dockerfile")).replaceFirst("^FROM scratch\n",
                    "FROM scratch AS bb\n");
            Files.writeString(dir.resolve("Dockerfile"), dockerfile + String.join("\n", lines) + "\n");
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return dir;
    }
}
