package org.ecrpushpipe.scenarios;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.ecrpushpipe.testbed.DebianDockerCli;
import org.ecrpushpipe.testbed.EcrBed;
import org.ecrpushpipe.testbed.EcrBedExtension;
import org.ecrpushpipe.testbed.RegistryProcess;
import org.ecrpushpipe.testbed.TestBuild;
import org.ecrpushpipe.testbed.TestImages;
import org.ecrpushpipe.testbed.TestPush;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import com.github.dockerjava.api.model.AuthConfig;

/**
 * The build options on the bed: BUILD_ARGS against the docker CLI's own --build-arg, TARGET, LABELS, NO_CACHE, PULL
 * with a base image updated in a loopback registry, the OCI labels and an immutable re-run, push-only (LOCAL_IMAGE),
 * and a failed or killed RUN step — each through the pipe, the real engine, the ECR stand-in and the real registry
 * behind it, checked by what the engine and the registry then hold. Each subclass names the {@link Launcher}
 * (in-process, the packaged jar) and the {@link Builder} (BuildKit, the default, and the classic builder).
 */
@ExtendWith(EcrBedExtension.class)
abstract class BuildOptionsScenarios {
    private static final Pattern BUILT = Pattern.compile("INFO: Built image (sha256:[0-9a-f]{64})\\.");
    /**
     * A line the pipe prints itself, not the engine's build output: that of a cache image's build shows at debug
     * level ({@code DEBUG: #6 [4/4] RUN …}), and BuildKit names a step with its build arguments put in, as the docker
     * CLI shows it.
     */
    private static final Pattern OWN_LINE = Pattern.compile("^(INFO|DEBUG|WARNING):(?! #\\d+ ).*|^[✔✖].*");

    @TempDir
    Path work;

    private final EcrBed bed;

    BuildOptionsScenarios(EcrBed bed) {
        this.bed = bed;
    }

    /** How this class runs the pipe. */
    protected abstract Launcher launcher();

    /** The engine's builder every run of this class builds with. */
    protected abstract Builder builder();

    private Launcher.PipeRun run(Map<String, String> env, Map<String, List<String>> lists, Path clone) {
        return builder().launching(launcher()).run(env, lists, clone);
    }

    private static String builtImage(Launcher.PipeRun run) {
        return run.lines().stream().map(BUILT::matcher).filter(Matcher::matches).map(m -> m.group(1)).findFirst()
                .orElseThrow(() -> new AssertionError("no 'Built image' line:\n" + run.output()));
    }

    private Map<String, String> labelsOf(String imageId) {
        Map<String, String> labels = bed.docker().inspectImageCmd(imageId).exec().getConfig().getLabels();
        return labels == null ? Map.of() : labels;
    }

    private Path write(String name, String dockerfile) throws IOException {
        Path dir = Files.createDirectories(work.resolve(name));
        Files.writeString(dir.resolve("Dockerfile"), dockerfile);
        return dir;
    }

    /**
     * The docker CLI of Debian's docker.io on the bed's engine, with this class's builder, as the oracle of docker's
     * own behaviour.
     */
    private String dockerCli(Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(DebianDockerCli.BINARY.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().remove("A");
        builder.environment().remove("B");
        builder.environment().remove("C");
        builder.environment().putAll(env);
        builder.environment().put("DOCKER_HOST", bed.dockerHost());
        builder.environment().put("DOCKER_BUILDKIT", builder() == Builder.BUILDKIT ? "1" : "0");
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(5, TimeUnit.MINUTES));
        assertEquals(0, process.exitValue(), output);
        return output.strip();
    }

    @Test
    void buildArgsAsDockerBuildTakesThemAndTheirValuesNeverInThePipesLines() throws Exception {
        String secret = "s3cr3t-build-arg-" + System.nanoTime();
        Path context = TestImages.busybox(work.resolve("args")).uniqueFile()
                .line("ARG A=default-a")
                .line("ARG B=default-b")
                .line("ARG C=default-c")
                .line("ARG S")
                .line("LABEL args=\"$A|$B|$C\"")
                .line("RUN test \"$S\" = '" + secret + "'")
                .write();
        // the oracle: the docker CLI with a bare --build-arg for an unset (A), an empty (B) and a set (C) variable
        String cliImage = dockerCli(Map.of("B", "", "C", "from-env", "S", secret), "build", "-q", "--network",
                "host", "--build-arg", "A", "--build-arg", "B", "--build-arg", "C", "--build-arg", "S", context.toString());
        cliImage = cliImage.lines().reduce((a, b) -> b).orElseThrow(); // -q: the image id is the last line
        assertEquals("default-a||from-env", labelsOf(cliImage).get("args"), "docker's own behaviour");

        bed.standIn().createRepository("options/args");
        Map<String, String> env = bed.pipeEnv("options/args");
        env.put("TAGS", "1.0");
        env.put("DEBUG", "true");
        env.put("B", "");
        env.put("C", "from-env");
        env.put("S", secret);
        Launcher.PipeRun run = run(env, Map.of("BUILD_ARGS", List.of("A", "B", "C", "S")), context);
        assertEquals(0, run.exitCode(), run.output());
        String image = builtImage(run);
        assertEquals(labelsOf(cliImage).get("args"), labelsOf(image).get("args"), "the same as docker build's");
        assertEquals(Optional.of(image), bed.imageIdOf("options/args", "1.0"));
        List<String> leaking = run.lines().stream().filter(l -> OWN_LINE.matcher(l).matches())
                .filter(l -> l.contains(secret) || l.contains("from-env")).toList();
        assertEquals(List.of(), leaking, "no build-arg value in the pipe's own INFO/DEBUG lines");
        assertTrue(run.output().contains("DEBUG: Build arguments: A (unset: the Dockerfile's default), B, C, S."),
                run.output());
    }

    @Test
    void targetLabelsAndTheCommitsOciLabels() throws Exception {
        Path context = write("target", """
                FROM scratch AS base
                LABEL stage=base
                FROM base AS Final
                LABEL stage=final
                """);
        bed.standIn().createRepository("options/target");
        Map<String, String> env = bed.pipeEnv("options/target");
        env.put("TAGS", "latest 2.1.0");
        env.put("TARGET", "BASE");
        env.put("LABELS", "team=payments org.opencontainers.image.source=https://example.com/mine");
        env.put("BITBUCKET_COMMIT", "0123456789abcdef0123456789abcdef01234567");
        env.put("BITBUCKET_GIT_HTTP_ORIGIN", "http://bitbucket.org/team/repo");
        env.put("BITBUCKET_BRANCH", "main");
        Launcher.PipeRun run = run(env, Map.of(), context);
        assertEquals(0, run.exitCode(), run.output());
        Map<String, String> labels = labelsOf(builtImage(run));
        assertEquals("base", labels.get("stage"), "built only the target stage");
        assertEquals("payments", labels.get("team"));
        assertEquals("https://example.com/mine", labels.get("org.opencontainers.image.source"), "LABELS win");
        assertEquals("0123456789abcdef0123456789abcdef01234567", labels.get("org.opencontainers.image.revision"));
        assertEquals("2.1.0", labels.get("org.opencontainers.image.version"), "the first tag that does not move");
        assertEquals("main", labels.get("org.opencontainers.image.ref.name"));
        assertFalse(labels.containsKey("org.opencontainers.image.created"), "no build time: see docs/how-it-works.md");
    }

    @Test
    void aReRunOfTheSameCommitKeepsItsImageIdAndTheImmutableTagAcceptsIt() throws Exception {
        Path context = TestImages.busybox(work.resolve("rerun")).uniqueFile().line("RUN echo built").write();
        bed.standIn().createRepository("options/rerun", "IMMUTABLE");
        Map<String, String> env = bed.pipeEnv("options/rerun");
        env.put("TAGS", "3.0.0");
        env.put("BITBUCKET_COMMIT", "fedcba9876543210fedcba9876543210fedcba98");
        env.put("BITBUCKET_GIT_HTTP_ORIGIN", "http://bitbucket.org/team/repo");
        env.put("BITBUCKET_BRANCH", "main");
        Launcher.PipeRun first = run(env, Map.of(), context);
        assertEquals(0, first.exitCode(), first.output());
        Launcher.PipeRun second = run(env, Map.of(), context);
        assertEquals(0, second.exitCode(), second.output());
        assertEquals(builtImage(first), builtImage(second), "a no-change re-run yields the same image id");
        assertTrue(second.output().contains("already holds this image; nothing to push"), second.output());
        assertEquals(Optional.of(builtImage(first)), bed.imageIdOf("options/rerun", "3.0.0"));
        assertEquals("fedcba9876543210fedcba9876543210fedcba98",
                labelsOf(builtImage(first)).get("org.opencontainers.image.revision"));
    }

    @Test
    void noCacheRebuildsEveryStep() throws Exception {
        Path context = TestImages.busybox(work.resolve("nocache")).uniqueFile().line("RUN echo step-ran").write();
        bed.standIn().createRepository("options/nocache");
        Map<String, String> env = bed.pipeEnv("options/nocache");
        env.put("TAGS", "1");
        assertEquals(0, run(env, Map.of(), context).exitCode());
        Launcher.PipeRun cached = run(env, Map.of(), context);
        assertEquals(0, cached.exitCode(), cached.output());
        assertTrue(builder().cached(cached.output(), "RUN echo step-ran"), cached.output());
        env.put("NO_CACHE", "true");
        Launcher.PipeRun fresh = run(env, Map.of(), context);
        assertEquals(0, fresh.exitCode(), fresh.output());
        assertFalse(builder().anyCached(fresh.output()), fresh.output());
        assertTrue(builder().printed(fresh.output(), "step-ran"), fresh.output());
    }

    @Test
    void pullTakesTheNewerBaseImageFromItsRegistry() throws Exception {
        try (RegistryProcess hub = RegistryProcess.startOpen()) {
            String base = hub.host() + "/library/base";
            Path v1 = write("base-v1", "FROM scratch\nLABEL base=v1\n");
            Path v2 = write("base-v2", "FROM scratch\nLABEL base=v2\n");
            String v1Id = TestBuild.run(bed.docker(), v1, base + ":latest").imageId();
            assertEquals(List.of(), TestPush.run(bed.docker(), base, "latest", new AuthConfig()).errors());
            // the registry's base moves on to v2; the engine keeps v1 under the same name
            TestBuild.run(bed.docker(), v2, base + ":latest");
            assertEquals(List.of(), TestPush.run(bed.docker(), base, "latest", new AuthConfig()).errors());
            bed.docker().tagImageCmd(v1Id, base, "latest").withForce().exec();

            Path context = write("pulling", "FROM " + base + ":latest\nLABEL app=yes\n");
            bed.standIn().createRepository("options/pull");
            Map<String, String> env = bed.pipeEnv("options/pull");
            env.put("TAGS", "1");
            Launcher.PipeRun stale = run(env, Map.of(), context);
            assertEquals(0, stale.exitCode(), stale.output());
            assertEquals("v1", labelsOf(builtImage(stale)).get("base"), "without PULL: the engine's base");

            env.put("PULL", "true");
            Launcher.PipeRun pulled = run(env, Map.of(), context);
            assertEquals(0, pulled.exitCode(), pulled.output());
            assertEquals("v2", labelsOf(builtImage(pulled)).get("base"), "with PULL: the registry's newer base");
            assertEquals(Optional.of(builtImage(pulled)), bed.imageIdOf("options/pull", "1"));
        }
    }

    @Test
    void localImageIsPushedWithoutBuildingFromACloneWithoutDockerfile() throws Exception {
        Path built = TestImages.busybox(work.resolve("local-src")).uniqueFile().write();
        String localId = TestBuild.run(bed.docker(), built, "local-app:ci").imageId();
        Path clone = Files.createDirectories(work.resolve("clone-without-dockerfile"));
        bed.standIn().createRepository("options/local", "IMMUTABLE");
        Map<String, String> env = bed.pipeEnv("options/local");
        env.put("TAGS", "1.0 latest");
        env.put("LOCAL_IMAGE", "local-app:ci");
        Launcher.PipeRun run = run(env, Map.of(), clone);
        assertEquals(0, run.exitCode(), run.output());
        assertFalse(builder().showsBuildOutput(run.output()), "nothing built: " + run.output());
        assertTrue(run.output().contains("INFO: Pushing the image local-app:ci (" + localId + ") from the engine,"
                + " without building."), run.output());
        assertEquals(Optional.of(localId), bed.imageIdOf("options/local", "1.0"));
        assertEquals(Optional.of(localId), bed.imageIdOf("options/local", "latest"));
        Launcher.PipeRun again = run(env, Map.of(), clone);
        assertEquals(0, again.exitCode(), again.output());
        assertTrue(again.output().contains("already holds this image"), "immutable tags apply: " + again.output());
    }

    @Test
    void aMissingLocalImageFailsBeforeAnyPush() throws Exception {
        Path clone = Files.createDirectories(work.resolve("clone-missing"));
        bed.standIn().createRepository("options/missing");
        Map<String, String> env = bed.pipeEnv("options/missing");
        env.put("TAGS", "1.0");
        env.put("LOCAL_IMAGE", "never-built-here:1");
        Launcher.PipeRun run = run(env, Map.of(), clone);
        assertEquals(2, run.exitCode(), run.output());
        assertTrue(run.output().contains("- 'never-built-here:1' is not an image in the Docker engine at "),
                run.output());
        assertEquals(1, run.lines().stream().filter(l -> l.startsWith("✖")).count(), run.output());
        assertEquals(Optional.empty(), bed.manifestDigest("options/missing", "1.0"));
    }

    @Test
    void aFailedRunShowsItsStepExitCodeAndLastLines() throws Exception {
        StringBuilder script = new StringBuilder();
        for (int i = 1; i <= 12; i++) {
            script.append("echo output-line-").append(i).append("; ");
        }
        Path context = TestImages.busybox(work.resolve("failing")).uniqueFile()
                .line("RUN " + script + "exit 3").write();
        bed.standIn().createRepository("options/failing");
        Map<String, String> env = bed.pipeEnv("options/failing");
        env.put("TAGS", "1");
        Launcher.PipeRun run = run(env, Map.of(), context);
        assertEquals(5, run.exitCode(), run.output());
        List<String> lines = run.lines();
        int failure = lines.indexOf(run.failureLine());
        assertEquals(1, lines.stream().filter(l -> l.startsWith("✖")).count(), run.output());
        assertTrue(lines.get(failure - 11).matches("Last 10 lines of output of "
                + builder().step("RUN echo output-line-1; .*") + ":"), run.output());
        for (int i = 0; i < 10; i++) {
            assertEquals("  output-line-" + (i + 3), lines.get(failure - 10 + i), run.output());
        }
        assertTrue(run.failureLine().matches("✖ The image build failed at "
                + builder().step("RUN echo output-line-1; .*") + ": "
                + builder().commandFailed("echo output-line-1; .*exit 3", 3)), run.failureLine());
        assertEquals(Optional.empty(), bed.manifestDigest("options/failing", "1"));
    }

    @Test
    void aKilledRunPointsAtTheDockerServicesMemory() throws Exception {
        Path context = TestImages.busybox(work.resolve("killed")).uniqueFile()
                // a shell that is not the container's PID 1 (which ignores SIGKILL from inside), killed as the
                // kernel's out-of-memory killer kills: exit code 137
                .line("RUN sh -c 'echo allocating; kill -9 $$'; exit $?").write();
        bed.standIn().createRepository("options/killed");
        Map<String, String> env = bed.pipeEnv("options/killed");
        env.put("TAGS", "1");
        Launcher.PipeRun run = run(env, Map.of(), context);
        assertEquals(5, run.exitCode(), run.output());
        assertTrue(Pattern.compile(builder().commandFailed(".*", 137) + "$").matcher(run.failureLine()).find(),
                run.output());
        assertTrue(run.output().contains("ran out of memory"), run.output());
        assertTrue(run.output().contains("definitions.services.docker.memory"), run.output());
        assertTrue(run.output().contains("  allocating"), "the step's last line: " + run.output());
    }
}
