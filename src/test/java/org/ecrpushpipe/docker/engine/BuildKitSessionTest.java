package org.ecrpushpipe.docker.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.ecrpushpipe.config.BuildSecret;
import org.ecrpushpipe.docker.BuildCache;
import org.ecrpushpipe.docker.BuildOutcome;
import org.ecrpushpipe.docker.BuildRequest;
import org.ecrpushpipe.docker.BuilderKind;
import org.ecrpushpipe.docker.Cancellation;
import org.ecrpushpipe.docker.ImageBuilder;
import org.ecrpushpipe.docker.PullAccess;
import org.ecrpushpipe.errors.BuildProblem;
import org.ecrpushpipe.errors.PipeException;
import org.ecrpushpipe.testbed.DockerEngineExtension;
import org.ecrpushpipe.testbed.SecretScanner;
import org.ecrpushpipe.testbed.TestImages;
import org.ecrpushpipe.testbed.UnixSocketRelay;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Build secrets through the pipe's own BuildKit session, on the bed's real engine: a step reads each secret's exact
 * bytes (a variable's text, a file's bytes, all 256 values of them), over TCP and over the engine's unix socket; an
 * id the session does not hold skips an optional mount and fails a required one; the value is nowhere in the image
 * (its saved layers, configuration, history); the session ends with the build, also when the build is cancelled.
 */
@ExtendWith(DockerEngineExtension.class)
class BuildKitSessionTest {
    @TempDir
    static Path work;

    private static DockerJavaEngine engine;
    private static ImageBuilder builder;

    @BeforeAll
    static void connect() {
        engine = new DockerJavaEngine(DockerEngineExtension.dockerHost());
        builder = engine.builder(BuilderKind.BUILDKIT);
    }

    @AfterAll
    static void close() {
        engine.close();
    }

    static BuildSecret variable(String id, String value) {
        return new BuildSecret(id, "the variable TEST", value.getBytes(StandardCharsets.UTF_8));
    }

    static BuildRequest withSecrets(Path dir, List<BuildSecret> secrets) {
        BuildRequest plain = BuildKitBuilderTest.request(dir);
        return new BuildRequest(plain.context(), List.of(), Optional.empty(), Map.of(), false, false,
                BuildRequest.HOST_NETWORK, BuildCache.NONE, PullAccess.NONE, secrets);
    }

    private static Path context(String... lines) {
        TestImages.Context context = TestImages.busybox(work.resolve("secrets-" + UUID.randomUUID())).uniqueFile();
        Stream.of(lines).forEach(context::line);
        return context.write();
    }

    static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    private static byte[] everyByte() {
        byte[] bytes = new byte[512];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) i;
        }
        return bytes;
    }

    @Test
    void aStepReadsEachSecretsExactBytesAndTheImageHoldsNone() throws Exception {
        String token = "npm-token-" + UUID.randomUUID();
        byte[] file = everyByte();
        Path dir = context("RUN --mount=type=secret,id=npm --mount=type=secret,id=blob,mode=0400 sh -c"
                + " 'sha256sum /run/secrets/npm /run/secrets/blob && stat -c %a /run/secrets/blob"
                + " && cat /unique.txt > /built.txt'");
        List<String> output = new ArrayList<>();
        BuildOutcome outcome = builder.build(withSecrets(dir, List.of(variable("npm", token),
                new BuildSecret("blob", "the file blob", file))), output::add, new Cancellation());
        BuildOutcome.Built built = assertInstanceOf(BuildOutcome.Built.class, outcome, String.join("\n", output));
        String shown = String.join("\n", output);
        assertTrue(shown.contains(sha256(token.getBytes(StandardCharsets.UTF_8)) + "  /run/secrets/npm"), shown);
        assertTrue(shown.contains(sha256(file) + "  /run/secrets/blob"), shown);
        assertTrue(output.stream().anyMatch(l -> l.matches("#\\d+ \\S+ 400")), shown);
        SecretScanner scanner = new SecretScanner().secret("the npm token", token);
        scanner.assertNoneInImage(DockerEngineExtension.dockerHost(), built.imageId().value());
        scanner.assertNoneInSavedImage(DockerEngineExtension.dockerHost(), built.imageId().value());
    }

    @Test
    void theSessionWorksOverTheEnginesUnixSocketToo() throws Exception {
        try (UnixSocketRelay socket = UnixSocketRelay.start(DockerEngineExtension.dockerHost());
             DockerJavaEngine overSocket = new DockerJavaEngine("unix://" + socket.socket())) {
            String token = "unix-token-" + UUID.randomUUID();
            Path dir = context("RUN --mount=type=secret,id=npm sha256sum /run/secrets/npm");
            List<String> output = new ArrayList<>();
            BuildOutcome outcome = overSocket.builder(BuilderKind.BUILDKIT).build(
                    withSecrets(dir, List.of(variable("npm", token))), output::add, new Cancellation());
            assertInstanceOf(BuildOutcome.Built.class, outcome, String.join("\n", output));
            assertTrue(String.join("\n", output).contains(sha256(token.getBytes(StandardCharsets.UTF_8))), output
                    .toString());
        }
    }

    @Test
    void anOptionalMountOfAnIdNotGivenIsSkippedAsTheCliSkipsIt() {
        Path dir = context("RUN --mount=type=secret,id=absent sh -c 'test ! -e /run/secrets/absent'");
        List<String> output = new ArrayList<>();
        BuildOutcome outcome = builder.build(withSecrets(dir, List.of(variable("npm", "given-but-unused-1"))),
                output::add, new Cancellation());
        assertInstanceOf(BuildOutcome.Built.class, outcome, String.join("\n", output));
    }

    @Test
    void aRequiredMountOfAnIdNotGivenFailsNamingTheStep() {
        Path dir = context("RUN --mount=type=secret,id=absent,required cat /run/secrets/absent");
        List<String> output = new ArrayList<>();
        BuildOutcome outcome = builder.build(withSecrets(dir, List.of(variable("npm", "given-but-unused-2"))),
                output::add, new Cancellation());
        BuildOutcome.Failed failed = assertInstanceOf(BuildOutcome.Failed.class, outcome);
        assertEquals(BuildProblem.SECRET_MISSING, failed.problem(), failed.detail());
        assertTrue(failed.step().orElseThrow().contains("id=absent,required"), failed.step().toString());
    }

    @Test
    void theSessionEndsWithTheBuildAndWhenTheBuildIsCancelled() throws Exception {
        Path done = context("RUN --mount=type=secret,id=npm true");
        assertInstanceOf(BuildOutcome.Built.class, builder.build(withSecrets(done,
                List.of(variable("npm", "ends-with-build-1"))), l -> { }, new Cancellation()));
        awaitNoSessionThreads();

        Path slow = context("RUN --mount=type=secret,id=npm sh -c 'echo started-$(cat /unique.txt); sleep 60'");
        Cancellation cancellation = new Cancellation();
        List<String> output = new CopyOnWriteArrayList<>();
        CompletableFuture<BuildOutcome> build = CompletableFuture.supplyAsync(() -> builder.build(
                withSecrets(slow, List.of(variable("npm", "ends-when-cancelled-1"))), output::add, cancellation));
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (output.stream().noneMatch(l -> l.contains("started-")) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertTrue(sessionThreads() > 0, "the session runs during the build");
        cancellation.cancel();
        Throwable failure = assertThrows(Exception.class, () -> build.get(30, TimeUnit.SECONDS)).getCause();
        assertInstanceOf(PipeException.Cancelled.class, failure);
        awaitNoSessionThreads();
    }

    private static long sessionThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith("buildkit-session")).count();
    }

    private static void awaitNoSessionThreads() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (sessionThreads() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertEquals(0, sessionThreads(), "no thread of a session is left once the build ended");
    }
}
