package org.ecrpushpipe.scenarios;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The packaged pipe ({@code java -jar target/quarkus-app/quarkus-run.jar}) as a separate process, in the clone,
 * with exactly the given environment (no {@code LANG}, as in a pipe container).
 */
public final class JarLauncher implements StoppableLauncher {
    public static final Path JAR = Path.of("target/quarkus-app/quarkus-run.jar").toAbsolutePath();

    /**
     * A copy of the packaged pipe under {@code root/app} that any user may read (the clone of this repository may
     * lie where an unprivileged user cannot reach it), for runs as another user.
     *
     * @return the copy's jar
     */
    public static Path readableCopy(Path root) throws java.io.IOException {
        Path app = JAR.getParent();
        Path target = root.resolve("app");
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.walk(app)) {
            for (Path source : files.toList()) {
                Path copy = target.resolve(app.relativize(source).toString());
                if (java.nio.file.Files.isDirectory(source)) {
                    java.nio.file.Files.createDirectories(copy);
                } else {
                    java.nio.file.Files.copy(source, copy);
                }
                java.nio.file.Files.setPosixFilePermissions(copy, java.nio.file.attribute.PosixFilePermissions
                        .fromString(java.nio.file.Files.isDirectory(copy) ? "rwxr-xr-x" : "rw-r--r--"));
            }
        }
        return target.resolve(JAR.getFileName().toString());
    }

    private final List<String> prefix;
    private final Path jar;
    private final List<String> jvmOptions;
    private final Duration timeout;

    public JarLauncher() {
        this(List.of(), JAR);
    }

    /** @param prefix a command before {@code java}, e.g. {@code setpriv --reuid=65534 ...} to run as another user */
    public JarLauncher(List<String> prefix, Path jar) {
        this(prefix, jar, List.of());
    }

    /** @param jvmOptions options for {@code java}, e.g. {@code -Djdk.net.hosts.file=...} to resolve without DNS */
    public JarLauncher(List<String> prefix, Path jar, List<String> jvmOptions) {
        this(prefix, jar, jvmOptions, Processes.DEFAULT_TIMEOUT);
    }

    private JarLauncher(List<String> prefix, Path jar, List<String> jvmOptions, Duration timeout) {
        this.prefix = prefix;
        this.jar = jar;
        this.jvmOptions = jvmOptions;
        this.timeout = timeout;
    }

    /**
     * The same launcher, killing a run that has not ended after {@code timeout} (the run then fails with an
     * {@link IllegalStateException} holding what it printed): for runs the pipe must end within a bounded time.
     */
    public JarLauncher withTimeout(Duration timeout) {
        return new JarLauncher(prefix, jar, jvmOptions, timeout);
    }

    @Override
    public PipeRun run(Map<String, String> variables, Map<String, List<String>> lists, Path clone, String... args) {
        Map<String, String> env = new HashMap<>(variables);
        Launcher.splitLists(lists, env);
        return Processes.run(command(args), env, clone, timeout);
    }

    /**
     * Starts the jar in the background; {@link RunningPipe#terminate()} sends SIGTERM to its JVM,
     * {@link RunningPipe#interrupt()} SIGINT. A JVM whose parent ignores SIGINT (a background job of a script, as
     * Maven is under {@code test/run-tests.sh}) ignores it too: prefix {@code env --default-signal=INT} to test it.
     */
    @Override
    public RunningPipe start(Map<String, String> variables, Path clone) {
        return RunningPipe.start("the jar", command(), new HashMap<>(variables), clone, new RunningPipe.Signals() {
            @Override
            public void send(Process process, String signal) {
                // kill(1), not Process.destroy(): that would also close our end of the output, losing what the pipe
                // prints after the signal
                PipeRun kill = Processes.run(List.of("kill", "-s", signal, Long.toString(process.pid())),
                        Map.of("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin")), clone);
                if (kill.exitCode() != 0 && process.isAlive()) {
                    throw new AssertionError("kill -s " + signal + " " + process.pid() + " failed: " + kill.output());
                }
            }

            @Override
            public void kill(Process process) {
                process.destroyForcibly();
            }
        });
    }

    private List<String> command(String... args) {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: run `./mvnw verify` (the package phase builds it)");
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(prefix);
        command.add(java);
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", jar.toString()));
        command.addAll(List.of(args));
        return command;
    }

    @Override
    public String name() {
        return "jar";
    }

    /** Runs a command with exactly the given environment and collects its output. */
    static final class Processes {
        static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(10);

        private Processes() {
        }

        static PipeRun run(List<String> command, Map<String, String> env, Path directory) {
            return run(command, env, directory, DEFAULT_TIMEOUT);
        }

        static PipeRun run(List<String> command, Map<String, String> env, Path directory, Duration timeout) {
            try {
                Path output = Files.createTempFile("ecr-push-pipe-run-", ".out");
                try {
                    ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile())
                            .redirectErrorStream(true).redirectOutput(output.toFile());
                    builder.environment().clear();
                    builder.environment().putAll(env);
                    Process process = builder.start();
                    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                        process.destroyForcibly().waitFor();
                        throw new IllegalStateException("the pipe did not finish in " + timeout.toSeconds() + " s: "
                                + Files.readString(output, StandardCharsets.UTF_8));
                    }
                    return new PipeRun(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
                } finally {
                    Files.deleteIfExists(output);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("could not run " + command, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while running " + command, e);
            }
        }
    }
}
