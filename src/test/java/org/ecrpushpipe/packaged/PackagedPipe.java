package org.ecrpushpipe.packaged;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the packaged pipe ({@code java -jar target/quarkus-app/quarkus-run.jar}) as a separate process the way
 * its image runs it: in the repository to build, with exactly the given environment (no {@code LANG}, as in a
 * pipe container) and no arguments unless given.
 */
final class PackagedPipe {
    static final Path JAR = Path.of("target/quarkus-app/quarkus-run.jar").toAbsolutePath();

    record Run(int exitCode, String output, byte[] raw) {
        String failureLine() {
            return output.lines().filter(l -> l.startsWith("✖")).findFirst().orElse("(no ✖ line)");
        }
    }

    private PackagedPipe() {
    }

    static Run run(Map<String, String> env, Path workingDirectory, String... args) throws IOException, InterruptedException {
        return run(List.of(), JAR, env, workingDirectory, args);
    }

    /**
     * Runs {@code jar} with a command prefix, e.g. {@code setpriv --reuid=65534 ...} to run it as another user.
     */
    static Run run(List<String> prefix, Path jar, Map<String, String> env, Path workingDirectory, String... args)
            throws IOException, InterruptedException {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: run `./mvnw verify` (the package phase builds it)");
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new java.util.ArrayList<>(prefix);
        command.addAll(List.of(java, "-jar", jar.toString()));
        command.addAll(List.of(args));
        Path output = Files.createTempFile("ecr-push-pipe-run-", ".out");
        try {
            ProcessBuilder builder = new ProcessBuilder(command).directory(workingDirectory.toFile())
                    .redirectErrorStream(true).redirectOutput(output.toFile());
            builder.environment().clear();
            builder.environment().putAll(env);
            Process process = builder.start();
            if (!process.waitFor(10, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IllegalStateException("the pipe did not finish in 10 minutes: "
                        + Files.readString(output, StandardCharsets.UTF_8));
            }
            byte[] raw = Files.readAllBytes(output);
            return new Run(process.exitValue(), new String(raw, StandardCharsets.UTF_8), raw);
        } finally {
            Files.deleteIfExists(output);
        }
    }
}
