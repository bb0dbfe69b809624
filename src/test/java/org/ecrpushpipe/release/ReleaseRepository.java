package org.ecrpushpipe.release;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import org.ecrpushpipe.testbed.DockerEngineExtension;

/**
 * This repository's files as they are in the working tree (tracked and not ignored), copied into a git repository
 * of their own on branch main, whose {@code origin} is a local bare repository holding the same commit: what a
 * pipeline's clone of main is, for {@code release/release.sh} to release from. Git runs as the command line
 * tool, with no configuration but the repository's own.
 */
final class ReleaseRepository {
    /** One run of a command: its exit code, its output and its error output. */
    record Run(int exitCode, String stdout, String stderr) {
        /** The lines of the error output that begin with {@code prefix}. */
        List<String> stderrLines(String prefix) {
            return stderr.lines().filter(l -> l.startsWith(prefix)).toList();
        }
    }

    /** What a release may change: the branch's commit, the working tree's state and every tag, here and on origin. */
    record State(String head, String status, Map<String, String> tags, Map<String, String> originRefs) {
    }

    private final Path work;
    private final Path origin;

    private ReleaseRepository(Path work, Path origin) {
        this.work = work;
        this.origin = origin;
    }

    /**
     * Copies the project's files into {@code dir}/work, commits them on main, and pushes main to {@code dir}/origin.git.
     * {@code edit} may change the copy before the commit.
     */
    static ReleaseRepository copyOfThisOne(Path dir, Edit edit) throws IOException, InterruptedException {
        Path work = dir.resolve("work");
        Path origin = dir.resolve("origin.git");
        Run listed = run(Path.of("."), Map.of(), Duration.ofMinutes(1), "git", "ls-files", "-z", "--cached", "--others",
                "--exclude-standard");
        assertEquals(0, listed.exitCode(), listed.toString());
        for (String file : listed.stdout().split("\0")) {
            Path source = Path.of(file);
            if (file.isEmpty() || !Files.isRegularFile(source)) {
                continue; // deleted in the working tree, not yet in the index
            }
            Files.createDirectories(work.resolve(file).getParent());
            Files.copy(source, work.resolve(file), StandardCopyOption.COPY_ATTRIBUTES);
        }
        edit.apply(work);
        ReleaseRepository repository = new ReleaseRepository(work, origin);
        repository.git("init", "-q", "-b", "main");
        repository.git("config", "user.name", "Release Test");
        repository.git("config", "user.email", "release-test@example.com");
        repository.git("add", "-A");
        repository.git("commit", "-q", "-m", "The project as the test found it");
        Run bare = run(dir, Map.of(), Duration.ofMinutes(1), "git", "init", "-q", "--bare", origin.toString());
        assertEquals(0, bare.exitCode(), bare.toString());
        repository.git("remote", "add", "origin", origin.toString());
        repository.git("push", "-q", "origin", "main");
        return repository;
    }

    /** A change to the copied files before they are committed. */
    @FunctionalInterface
    interface Edit {
        void apply(Path work) throws IOException;
    }

    Path work() {
        return work;
    }

    Path origin() {
        return origin;
    }

    /** Runs git in the copy; fails the test when git fails; returns its output, trimmed. */
    String git(String... args) throws IOException, InterruptedException {
        Run run = tryGit(args);
        assertEquals(0, run.exitCode(), "git " + String.join(" ", args) + ": " + run);
        return run.stdout().strip();
    }

    Run tryGit(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("git"));
        command.addAll(List.of(args));
        return run(work, Map.of(), Duration.ofMinutes(2), command.toArray(String[]::new));
    }

    /** Runs git on the bare origin; fails the test when git fails; returns its output, trimmed. */
    String gitOrigin(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("git", "--git-dir", origin.toString()));
        command.addAll(List.of(args));
        Run run = run(work, Map.of(), Duration.ofMinutes(2), command.toArray(String[]::new));
        assertEquals(0, run.exitCode(), String.join(" ", command) + ": " + run);
        return run.stdout().strip();
    }

    /** Commits every change of the working tree. */
    void commitAll(String message) throws IOException, InterruptedException {
        git("add", "-A");
        git("commit", "-q", "-m", message);
    }

    /** The branch's commit, the working tree's state, the tags here and every ref on origin. */
    State state() throws IOException, InterruptedException {
        return new State(git("rev-parse", "HEAD"), git("status", "--porcelain", "--untracked-files=all"),
                refs(git("for-each-ref", "--format=%(refname) %(objectname)", "refs/tags")),
                refs(gitOrigin("for-each-ref", "--format=%(refname) %(objectname)")));
    }

    private static Map<String, String> refs(String lines) {
        Map<String, String> refs = new TreeMap<>();
        lines.lines().filter(l -> !l.isBlank()).forEach(l -> refs.put(l.split(" ")[0], l.split(" ")[1]));
        return refs;
    }

    /**
     * Runs {@code bash release/release.sh ARGS} in the copy, against the bed's engine, with {@code env} on top of
     * this process's environment less its Docker, bed, git and release settings.
     */
    Run release(Map<String, String> env, Duration timeout, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("bash", "release/release.sh"));
        command.addAll(List.of(args));
        Map<String, String> all = new LinkedHashMap<>();
        all.put("DOCKER_HOST", DockerEngineExtension.dockerHost());
        all.putAll(env);
        return run(work, all, timeout, command.toArray(String[]::new));
    }

    private static Run run(Path dir, Map<String, String> env, Duration timeout, String... command)
            throws IOException, InterruptedException {
        Path out = Files.createTempFile("release-test-", ".out");
        Path err = Files.createTempFile("release-test-", ".err");
        try {
            ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile());
            builder.environment().keySet().removeIf(name -> name.startsWith("DOCKER_") || name.startsWith("BED_")
                    || name.startsWith("GIT_") || name.startsWith("RELEASE_"));
            builder.environment().put("GIT_CONFIG_NOSYSTEM", "1");
            builder.environment().put("GIT_CONFIG_GLOBAL", "/dev/null");
            builder.environment().putAll(env);
            Process process = builder.start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroy);
                process.destroy();
                process.waitFor(60, TimeUnit.SECONDS);
                throw new AssertionError(String.join(" ", command) + " did not end within " + timeout + ": "
                        + Files.readString(err, StandardCharsets.UTF_8));
            }
            return new Run(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
