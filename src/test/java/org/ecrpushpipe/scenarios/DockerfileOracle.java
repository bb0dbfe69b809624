package org.ecrpushpipe.scenarios;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

import org.ecrpushpipe.docker.BuilderKind;
import org.ecrpushpipe.scenarios.OracleRow.Outcome;
import org.ecrpushpipe.testbed.DebianDockerCli;
import org.ecrpushpipe.testbed.EcrBed;
import org.ecrpushpipe.testbed.ImageFiles;
import org.ecrpushpipe.testbed.TestImages;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;

/**
 * Builds a row of the oracle table ({@link OracleTable}) on one engine, first with {@code docker build} (the oracle),
 * then with the pipe, of the same clone with the same builder, and checks that they agree: both build or both fail
 * (the pipe with the row's exit code and one {@code ✖} line naming the cause, no stack trace); after the CLI's build
 * the pipe's is a full cache hit, so the image it pushes is the CLI's image, same id. Where the image holds the whole
 * context under BuildKit, the files are compared instead (see {@link OracleRow#copiesContextRoot()}).
 *
 * <p>The pipe runs with {@code CACHE: 'false'}, so that a row measures the builder alone; the registry cache's own
 * agreement with the CLI is {@code DockerfileOracleTest}'s.
 *
 * <p>Between the two builds the private images of the bed's ECR registry are removed from the engine again, so the
 * pipe must pull them with its own login; the CLI pulls them with a {@code docker login} of the same user.
 */
final class DockerfileOracle {
    private static final Pattern STACK_FRAME = Pattern.compile("^\\s+at [\\w.$]+\\(", Pattern.MULTILINE);

    private final EcrBed bed;
    private final Launcher launcher;
    private final DebianDockerCli cli;
    private final DockerClient engine;
    private final String dockerHost;
    private final boolean currentEngine;
    private final Path work;

    /**
     * @param cli           the oracle, for the engine at {@code dockerHost}
     * @param engine        a client of that engine
     * @param currentEngine whether that engine is the bed's current one (the row's expectations differ)
     */
    DockerfileOracle(EcrBed bed, Launcher launcher, DebianDockerCli cli, DockerClient engine, String dockerHost,
                     boolean currentEngine, Path work) {
        this.bed = bed;
        this.launcher = launcher;
        this.cli = cli.withLogin(bed.registryAuth());
        this.engine = engine;
        this.dockerHost = dockerHost;
        this.currentEngine = currentEngine;
        this.work = work;
    }

    /** Pushes the table's private images with the pipe, then removes them from the engine. */
    void pushPrivateImages() {
        for (String repository : OracleTable.PRIVATE_REPOSITORIES) {
            bed.standIn().createRepository(repository);
            Map<String, String> env = pipeEnv(repository);
            env.put("TAGS", "1");
            Path dir = TestImages.busybox(work.resolve("private-" + repository.replace('/', '-'))).uniqueFile().write();
            Launcher.PipeRun run = launcher.run(env, Map.of(), dir);
            assertEquals(0, run.exitCode(), run.output());
        }
        forgetPrivateImages();
    }

    /** Builds the row with both, and checks that they agree. */
    void check(OracleRow row, BuilderKind kind) throws IOException, InterruptedException {
        Outcome expected = row.expected(kind, currentEngine);
        Path clone = write(row, kind);
        DebianDockerCli.Build oracle = cli.build(kind == BuilderKind.BUILDKIT, clone.resolve(row.context()),
                row.environment(), row.cliArguments().toArray(String[]::new));
        forgetPrivateImages();
        String repository = "oracle/" + row.key() + "-" + kind.name().toLowerCase(Locale.ROOT)
                + (currentEngine ? "-current" : "");
        Launcher.PipeRun pipe = runPipe(row, kind, repository, clone);
        String name = row.title() + " [" + kind + (currentEngine ? " on the current engine" : "") + "]";
        String both = name + ", expected: " + expected + "\n--- docker build (exit " + oracle.exitCode() + "):\n"
                + oracle.output() + "\n--- the pipe (exit " + pipe.exitCode() + "):\n" + pipe.output();
        String agreed;
        if (expected.builds()) {
            agreed = assertBothBuilt(row, kind, oracle, pipe, repository, both);
        } else {
            agreed = assertBothFailed(expected, oracle, pipe, both);
        }
        // one line a row: the table as it ran, readable in the test's output
        System.out.println("oracle: " + name + ": " + agreed);
    }

    private Launcher.PipeRun runPipe(OracleRow row, BuilderKind kind, String repository, Path clone) {
        bed.standIn().createRepository(repository);
        Map<String, String> env = pipeEnv(repository);
        env.put("BUILDER", kind.name().toLowerCase(Locale.ROOT));
        env.put("CACHE", "false");
        env.putAll(row.variables());
        env.putAll(row.environment());
        return launcher.run(env, Map.of(), clone);
    }

    /** Both built, the same image (or files); says which. */
    private String assertBothBuilt(OracleRow row, BuilderKind kind, DebianDockerCli.Build oracle, Launcher.PipeRun pipe,
                                   String repository, String both) throws IOException {
        assertEquals(0, oracle.exitCode(), "docker build failed; " + both);
        assertEquals(0, pipe.exitCode(), "the pipe failed; " + both);
        String pushed = bed.imageIdOf(repository, "latest").orElseThrow(() -> new AssertionError("nothing pushed; "
                + both));
        if (row.dockerfile().contains(EcrBed.ECR_REGISTRY_HOST)) {
            assertTrue(pipe.output().contains(" with the run's login to " + EcrBed.ECR_REGISTRY_HOST),
                    "the pipe pulled the private image itself; " + both);
        }
        if (kind == BuilderKind.BUILDKIT && row.copiesContextRoot()) {
            assertEquals(ImageFiles.of(engine, oracle.imageId()), ImageFiles.of(engine, pushed),
                    "not the files of the CLI's image; " + both);
            return "both built, the same files (image ids " + (pushed.equals(oracle.imageId()) ? "the same too)"
                    : "differ, as known for COPY . under BuildKit)");
        }
        assertEquals(oracle.imageId(), pushed, "not the CLI's image; " + both);
        return "both built, the same image " + pushed.substring(0, 19);
    }

    /** Both failed, the pipe as expected; says how. */
    private static String assertBothFailed(Outcome expected, DebianDockerCli.Build oracle, Launcher.PipeRun pipe,
                                           String both) {
        assertNotEquals(0, oracle.exitCode(), "docker build built it; " + both);
        assertEquals(expected.exitCode(), pipe.exitCode(), "the pipe's exit code; " + both);
        List<String> failures = pipe.lines().stream().filter(l -> l.startsWith("✖")).toList();
        assertEquals(1, failures.size(), "one ✖ line; " + both);
        assertTrue(failures.get(0).contains(expected.failure()), "the ✖ line; " + both);
        assertFalse(STACK_FRAME.matcher(pipe.output()).find(), "a stack trace; " + both);
        return "both failed: docker build exit " + oracle.exitCode() + ", the pipe exit " + pipe.exitCode() + ": "
                + failures.get(0);
    }

    private Map<String, String> pipeEnv(String repository) {
        Map<String, String> env = bed.pipeEnv(repository);
        env.put("DOCKER_HOST", dockerHost);
        return env;
    }

    /** Removes the table's private images from the engine (only the names: an image built on one stays). */
    private void forgetPrivateImages() {
        for (String image : List.of(OracleTable.PRIVATE_BASE, OracleTable.PRIVATE_TOOLS)) {
            try {
                engine.removeImageCmd(image).withForce(true).exec();
            } catch (NotFoundException e) {
                // not pulled by this build
            }
        }
    }

    /**
     * The row's clone: in the context, the static busybox, {@code app.txt} and a {@code unique.txt} of this build's
     * own; then the row's files, its Dockerfile and its setup.
     */
    private Path write(OracleRow row, BuilderKind kind) throws IOException, InterruptedException {
        Path clone = Files.createDirectories(work.resolve(row.key() + "-" + kind.name().toLowerCase(Locale.ROOT)
                + "-" + UUID.randomUUID().toString().substring(0, 8)));
        Path context = Files.createDirectories(clone.resolve(row.context()));
        Files.copy(TestImages.STATIC_BUSYBOX, context.resolve("busybox"), StandardCopyOption.COPY_ATTRIBUTES);
        Files.writeString(context.resolve("app.txt"), "app\n");
        Files.writeString(context.resolve("unique.txt"), UUID.randomUUID() + "\n");
        for (Map.Entry<String, String> file : row.files().entrySet()) {
            Path target = clone.resolve(file.getKey());
            Files.createDirectories(target.getParent());
            Files.writeString(target, file.getValue());
        }
        Path dockerfile = clone.resolve(row.dockerfilePath());
        Files.createDirectories(dockerfile.getParent());
        Files.writeString(dockerfile, row.dockerfile());
        row.setup().make(clone);
        return clone;
    }
}
