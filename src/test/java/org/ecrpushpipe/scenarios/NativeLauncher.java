package org.ecrpushpipe.scenarios;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The pipe's native binary ({@code target/*-runner}, built by {@code ./mvnw verify -Dnative}) as a separate
 * process, in the clone, with exactly the given environment (no {@code LANG}, as in a pipe container), the way
 * {@link JarLauncher} runs the jar.
 */
public final class NativeLauncher implements Launcher {
    private final List<String> runtimeOptions;

    public NativeLauncher() {
        this(List.of());
    }

    /**
     * @param runtimeOptions arguments before the pipe's own, which the binary takes as system properties, e.g.
     *                       {@code -Djavax.net.ssl.trustStore=...} (a native binary reads no JAVA_TOOL_OPTIONS)
     */
    public NativeLauncher(List<String> runtimeOptions) {
        this.runtimeOptions = List.copyOf(runtimeOptions);
    }

    /**
     * The binary: {@code native.image.path} when set (failsafe sets it to the one the build makes), else the one
     * {@code target/*-runner}. Fails, naming the command that builds it, when there is none: a test of the native
     * binary never passes without one.
     */
    public static Path runner() {
        String configured = System.getProperty("native.image.path");
        if (configured != null && !configured.isBlank()) {
            Path runner = Path.of(configured).toAbsolutePath();
            if (!Files.isRegularFile(runner) || !Files.isExecutable(runner)) {
                throw new IllegalStateException(runner + " (native.image.path) is missing or not executable:"
                        + " build it with `./mvnw verify -Dnative` where a GraalVM/Mandrel builder is available");
            }
            return runner;
        }
        Path target = Path.of("target").toAbsolutePath();
        List<Path> runners;
        try (Stream<Path> files = Files.list(target)) {
            runners = files.filter(p -> p.getFileName().toString().endsWith("-runner"))
                    .filter(Files::isRegularFile).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("could not look for the native binary in " + target, e);
        }
        if (runners.size() != 1) {
            throw new IllegalStateException("expected one native binary target/*-runner, found " + runners
                    + ": build it with `./mvnw verify -Dnative` where a GraalVM/Mandrel builder is available");
        }
        return runners.get(0);
    }

    @Override
    public PipeRun run(Map<String, String> variables, Map<String, List<String>> lists, Path clone, String... args) {
        Path runner = runner();
        Map<String, String> env = new HashMap<>(variables);
        Launcher.splitLists(lists, env);
        List<String> command = new ArrayList<>();
        command.add(runner.toString());
        command.addAll(runtimeOptions);
        command.addAll(List.of(args));
        return JarLauncher.Processes.run(command, env, clone);
    }

    @Override
    public String name() {
        return "native";
    }
}
