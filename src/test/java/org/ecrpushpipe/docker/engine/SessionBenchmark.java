package org.ecrpushpipe.docker.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.function.Supplier;

import org.ecrpushpipe.config.BuildSecret;
import org.ecrpushpipe.config.Secret;
import org.ecrpushpipe.docker.BuildCache;
import org.ecrpushpipe.docker.BuildOutcome;
import org.ecrpushpipe.docker.BuildRequest;
import org.ecrpushpipe.docker.BuilderKind;
import org.ecrpushpipe.docker.Cancellation;
import org.ecrpushpipe.docker.ImageBuilder;
import org.ecrpushpipe.docker.PullAccess;
import org.ecrpushpipe.registry.RegistryCredentials;
import org.ecrpushpipe.testbed.DockerEngineExtension;
import org.ecrpushpipe.testbed.RegistryExtension;
import org.ecrpushpipe.testbed.RegistryProcess;
import org.ecrpushpipe.testbed.TestBuild;
import org.ecrpushpipe.testbed.TestImages;
import org.ecrpushpipe.testbed.TestPush;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.AuthConfig;

/**
 * Not a test (its name keeps it out of the suite): the figures behind two choices, on the bed's engine and a
 * registry with a password, rounds interleaved. {@code bash test/run-tests.sh -Dtest=SessionBenchmark
 * -DskipITs -Dbench.rounds=7}; it prints a Markdown table.
 * <ol>
 * <li>A private base image not in the engine: pulled first with the login ({@code /images/create}), then built,
 * against BuildKit pulling it itself with the login from the session's Auth service; cold (the engine lacks the
 * image) and the re-run after it (same Dockerfile, nothing changed).</li>
 * <li>The cost of the session: a fully cached build with one secret against the same build without.</li>
 * </ol>
 */
@ExtendWith({DockerEngineExtension.class, RegistryExtension.class})
class SessionBenchmark {
    @TempDir
    static Path work;

    private static final BuildSecret DUMMY = new BuildSecret("unused", "the variable UNUSED",
            "unused-value".getBytes(StandardCharsets.UTF_8));

    @Test
    void measure(DockerClient docker, RegistryProcess registry) throws Exception {
        int rounds = Integer.getInteger("bench.rounds", 5);
        RegistryCredentials login = new RegistryCredentials(registry.host(), registry.username(),
                Secret.of(registry.password()), Instant.now().plusSeconds(3600));
        try (DockerJavaEngine engine = new DockerJavaEngine(DockerEngineExtension.dockerHost())) {
            ImageBuilder builder = engine.builder(BuilderKind.BUILDKIT);
            StringBuilder table = new StringBuilder("| case | median ms | runs (ms) |\n|---|---|---|\n");
            for (int megabytes : List.of(1, 64)) {
                List<long[]> pullFirst = new ArrayList<>();
                List<long[]> sessionAuth = new ArrayList<>();
                for (int round = 0; round < rounds; round++) {
                    boolean sessionFirst = round % 2 == 1;
                    for (int k = 0; k < 2; k++) {
                        boolean session = (k == 0) == sessionFirst;
                        String image = privateBase(docker, registry, megabytes);
                        (session ? sessionAuth : pullFirst).add(coldAndRerun(builder, image, login, session));
                    }
                }
                row(table, "private base " + megabytes + " MB, cold: pull first", pullFirst, 0);
                row(table, "private base " + megabytes + " MB, cold: session Auth", sessionAuth, 0);
                row(table, "private base " + megabytes + " MB, re-run: pull first", pullFirst, 1);
                row(table, "private base " + megabytes + " MB, re-run: session Auth", sessionAuth, 1);
            }
            sessionCost(builder, rounds, table);
            System.out.println("SESSION-BENCHMARK\n" + table);
        }
    }

    private static void sessionCost(ImageBuilder builder, int rounds, StringBuilder table) throws IOException {
        Path dir = TestImages.busybox(work.resolve("cached-" + UUID.randomUUID())).uniqueFile()
                .line("RUN --mount=type=secret,id=unused true").write();
        BuildRequest plain = BuildKitBuilderTest.request(dir);
        BuildRequest withSecret = BuildKitSessionTest.withSecrets(dir, List.of(DUMMY));
        time(() -> builder.build(withSecret, l -> { }, new Cancellation()));
        List<long[]> without = new ArrayList<>();
        List<long[]> with = new ArrayList<>();
        for (int round = 0; round < rounds * 3; round++) {
            without.add(new long[] {time(() -> builder.build(plain, l -> { }, new Cancellation()))});
            with.add(new long[] {time(() -> builder.build(withSecret, l -> { }, new Cancellation()))});
        }
        row(table, "cached build, no secret (no session)", without, 0);
        row(table, "cached build, one secret (session opened and closed)", with, 0);
    }

    private static long[] coldAndRerun(ImageBuilder builder, String image, RegistryCredentials login,
                                       boolean session) throws IOException {
        Path dir = Files.createDirectories(work.resolve("from-" + UUID.randomUUID()));
        Files.writeString(dir.resolve("Dockerfile"), "FROM " + image + "\nRUN echo built > /built\n");
        BuildRequest plain = BuildKitBuilderTest.request(dir);
        // pull first: the image named with its login; session: the login for the session only, one secret opens it
        BuildRequest request = new BuildRequest(plain.context(), List.of(), Optional.empty(), Map.of(), false, false,
                BuildRequest.HOST_NETWORK, BuildCache.NONE, new PullAccess(session ? List.of() : List.of(image),
                List.of(login)), session ? List.of(DUMMY) : List.of());
        long cold = time(() -> builder.build(request, l -> { }, new Cancellation()));
        long rerun = time(() -> builder.build(request, l -> { }, new Cancellation()));
        return new long[] {cold, rerun};
    }

    private static long time(Supplier<BuildOutcome> build) {
        long start = System.nanoTime();
        BuildOutcome outcome = build.get();
        assertInstanceOf(BuildOutcome.Built.class, outcome, outcome.toString());
        return (System.nanoTime() - start) / 1_000_000;
    }

    private static void row(StringBuilder table, String name, List<long[]> runs, int column) {
        List<Long> values = runs.stream().map(r -> r[column]).sorted().toList();
        table.append("| ").append(name).append(" | ").append(values.get(values.size() / 2)).append(" | ")
                .append(runs.stream().map(r -> String.valueOf(r[column])).toList()).append(" |\n");
    }

    /** A base of about {@code megabytes} MB (busybox and random bytes) pushed as a new tag, not in the engine. */
    private static String privateBase(DockerClient docker, RegistryProcess registry, int megabytes)
            throws IOException {
        String tag = UUID.randomUUID().toString();
        Path dir = TestImages.busybox(work.resolve("base-" + tag)).uniqueFile().line("COPY blob /blob").write();
        byte[] blob = new byte[megabytes << 20];
        new Random().nextBytes(blob);
        Files.write(dir.resolve("blob"), blob);
        String repository = registry.host() + "/bench/base";
        TestBuild.run(docker, dir, repository + ":" + tag);
        AuthConfig auth = new AuthConfig().withUsername(registry.username()).withPassword(registry.password())
                .withRegistryAddress(registry.host());
        assertEquals(List.of(), TestPush.run(docker, repository, tag, auth).errors());
        docker.removeImageCmd(repository + ":" + tag).withForce(true).exec();
        return repository + ":" + tag;
    }
}
