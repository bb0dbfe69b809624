package org.ecrpushpipe.docker.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.ecrpushpipe.config.BuildArg;
import org.ecrpushpipe.docker.BuildCache;
import org.ecrpushpipe.docker.BuildOutcome;
import org.ecrpushpipe.docker.BuildRequest;
import org.ecrpushpipe.docker.BuilderKind;
import org.ecrpushpipe.docker.Cancellation;
import org.ecrpushpipe.docker.ImageBuilder;
import org.ecrpushpipe.docker.PullAccess;
import org.ecrpushpipe.testbed.DockerEngineExtension;
import org.ecrpushpipe.testbed.TestImages;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The docker CLI is the oracle: {@code DOCKER_BUILDKIT=1 docker build} (Debian's 20.10) builds a context first, then
 * the pipe's BuildKit builder builds the same context with the same options on the same engine. The CLI sends the
 * context through a session, the pipe as a tar body; BuildKit keys its cache on the files' contents and modes, so
 * the pipe's build must come wholly from the CLI's cache and give the very same image id. The progress the pipe
 * shows has the CLI's blocks for the Dockerfile's steps, each ending as the CLI's does.
 */
@ExtendWith(DockerEngineExtension.class)
class BuildKitCliParityTest {
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

    /** A context and the options both tools build it with: CLI arguments, and the same as a request. */
    record Case(String name, List<String> lines, List<String> cliArgs, List<BuildArg> buildArgs,
                Optional<String> target, Map<String, String> labels) {
        Case(String name, String... lines) {
            this(name, List.of(lines), List.of(), List.of(), Optional.empty(), Map.of());
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                new Case("basic", "RUN echo \"building $(cat /unique.txt)\" && echo to-stderr >&2",
                        "COPY unique.txt /again.txt", "LABEL x=y"),
                new Case("multi-stage with an unused failing stage", "FROM bb AS builder",
                        "RUN echo compiled > /artifact", "FROM bb AS tests", "RUN echo running tests && exit 7",
                        "FROM bb AS final", "COPY --from=builder /artifact /artifact"),
                new Case("cache mount", "RUN --mount=type=cache,target=/cache echo x >> /cache/n && cp /cache/n /n"),
                new Case("bind mount", "RUN --mount=type=bind,source=unique.txt,target=/mnt/u cat /mnt/u > /copied"),
                new Case("copy --chmod", "COPY --chmod=0750 unique.txt /script"),
                new Case("arguments, target, labels", List.of("FROM bb AS release", "ARG GREETING=hi",
                        "RUN echo \"$GREETING\" > /greeting", "FROM bb AS other", "RUN exit 9"),
                        List.of("--build-arg", "GREETING=bonjour", "--target", "release", "--label", "team=x y"),
                        List.of(new BuildArg("GREETING", Optional.of("bonjour"))), Optional.of("release"),
                        Map.of("team", "x y")))
                .map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void afterTheClisBuildThePipesIsAFullCacheHitWithTheSameImageId(Case c) throws Exception {
        Path dir = context(c);
        String cliImage = CliBuild.imageId(dir, work, c.cliArgs().toArray(String[]::new));
        BuildRequest request = new BuildRequest(BuildKitBuilderTest.request(dir).context(), c.buildArgs(),
                c.target(), c.labels(), false, false, BuildRequest.HOST_NETWORK, BuildCache.NONE, PullAccess.NONE);
        List<String> output = new ArrayList<>();
        BuildOutcome.Built built = assertInstanceOf(BuildOutcome.Built.class,
                builder.build(request, output::add, new Cancellation()), String.join("\n", output));
        assertEquals(cliImage, built.imageId().value(), String.join("\n", output));
        assertTrue(built.steps() > 0, String.join("\n", output));
        assertEquals(built.steps(), built.cachedSteps(), String.join("\n", output));
    }

    @Test
    void aContextWhoseFirstFileHasANonAsciiNameGivesTheClisImage() throws Exception {
        Path dir = Files.createDirectories(work.resolve("pax-" + UUID.randomUUID()));
        Files.writeString(dir.resolve("Aé-first.txt"), UUID.randomUUID() + "\n");
        Files.createDirectories(dir.resolve("dé"));
        Files.writeString(dir.resolve("dé/ü.txt"), "ü\n");
        // not COPY . (the context's root): after the CLI's build that one is not a cache hit for a tar body
        Files.writeString(dir.resolve("Dockerfile"), "FROM scratch\nCOPY Aé-first.txt dé /ctx/\n");
        String cliImage = CliBuild.imageId(dir, work);
        List<String> output = new ArrayList<>();
        BuildOutcome.Built built = assertInstanceOf(BuildOutcome.Built.class,
                builder.build(BuildKitBuilderTest.request(dir), output::add, new Cancellation()));
        assertEquals(cliImage, built.imageId().value(), String.join("\n", output));
        assertEquals(1, built.cachedSteps(), String.join("\n", output));
    }

    @Test
    void theProgressHasTheClisStepBlocksAndEndings() throws Exception {
        Path dir = context(new Case("progress", "RUN echo one && echo two >&2", "COPY unique.txt /again.txt"));
        CliBuild.imageId(dir, work);
        List<String> output = new ArrayList<>();
        assertInstanceOf(BuildOutcome.Built.class,
                builder.build(BuildKitBuilderTest.request(dir), output::add, new Cancellation()));
        CliBuild cliAgain = CliBuild.run(dir, work);
        assertEquals(0, cliAgain.exitCode(), cliAgain.output());
        Map<String, String> cli = stepEnds(List.of(cliAgain.output().split("\n")));
        assertEquals(5, cli.size(), cliAgain.output());
        assertEquals(cli, stepEnds(output), "CLI:\n" + cliAgain.output() + "\npipe:\n" + String.join("\n", output));
        BuildKitBuilderTest.assertPlainFormat(output);
    }

    @Test
    void aFailingRunFailsInBothWithTheSameStepAndError() throws Exception {
        Path dir = context(new Case("fail", "RUN echo before && exit 4"));
        CliBuild cli = CliBuild.run(dir, work);
        assertEquals(1, cli.exitCode(), cli.output());
        List<String> output = new ArrayList<>();
        BuildOutcome.Failed failed = assertInstanceOf(BuildOutcome.Failed.class,
                builder.build(BuildKitBuilderTest.request(dir), output::add, new Cancellation()));
        Map<String, String> cliEnds = stepEnds(List.of(cli.output().split("\n")));
        assertEquals("ERROR: " + failed.detail(), cliEnds.get(failed.step().orElseThrow()), cli.output());
        // the same steps; those before the failure are cached for the pipe, having been built by the CLI
        assertEquals(cliEnds.keySet(), stepEnds(output).keySet(),
                "CLI:\n" + cli.output() + "\npipe:\n" + String.join("\n", output));
    }

    private static final Pattern HEADER = Pattern.compile("#(\\d+) (\\[[^\\]]*\\b\\d+/\\d+] .*)");
    private static final Pattern END = Pattern.compile("#(\\d+) (CACHED|DONE|ERROR: .*)(?: \\d+\\.\\ds)?");

    /** Each Dockerfile step's block, by the step's name, and how it ended: CACHED, DONE or ERROR: …. */
    static Map<String, String> stepEnds(List<String> lines) {
        Map<String, String> names = new LinkedHashMap<>();
        Map<String, String> ends = new LinkedHashMap<>();
        for (String line : lines) {
            Matcher header = HEADER.matcher(line.strip());
            Matcher end = END.matcher(line.strip());
            if (header.matches()) {
                names.put(header.group(1), header.group(2));
            } else if (end.matches() && names.containsKey(end.group(1))) {
                ends.put(names.get(end.group(1)), end.group(2));
            }
        }
        assertFalse(ends.isEmpty(), "no step blocks in:\n" + String.join("\n", lines));
        return ends;
    }

    /** The case's context: a first stage {@code bb} (busybox and a fresh random file), then its lines. */
    private static Path context(Case c) throws IOException {
        Path dir = TestImages.busybox(work.resolve(c.name().replaceAll("[^a-z]+", "-") + "-" + UUID.randomUUID()))
                .uniqueFile().write();
        String dockerfile = Files.readString(dir.resolve("Dockerfile")).replaceFirst("^FROM scratch\n",
                "FROM scratch AS bb\n");
        Files.writeString(dir.resolve("Dockerfile"), dockerfile + String.join("\n", c.lines()) + "\n");
        return dir;
    }
}
