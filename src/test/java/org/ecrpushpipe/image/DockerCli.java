package org.ecrpushpipe.image;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.ecrpushpipe.testbed.DockerEngineExtension;

/**
 * The docker CLI, as a user runs the pipe's image: each call a separate process talking to the bed's engine
 * ({@code DOCKER_HOST}), with exactly the given extra environment, its output (stdout and stderr together) kept
 * as bytes so tests can check the encoding.
 */
final class DockerCli {
    record Result(int exitCode, byte[] raw) {
        String output() {
            return new String(raw, StandardCharsets.UTF_8);
        }

        /** The output with ANSI colour escapes removed. */
        String plain() {
            return output().replaceAll("\u001b\\[[0-9;]*m", "");
        }
    }

    private DockerCli() {
    }

    static Result docker(List<String> args) throws IOException, InterruptedException {
        return docker(args, Map.of(), Duration.ofMinutes(5));
    }

    static Result docker(List<String> args, Map<String, String> env, Duration timeout)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add("docker");
        command.addAll(args);
        return run(command, env, timeout);
    }

    /** Runs {@code command} with the engine's DOCKER_HOST plus {@code env}; fails the test on a time-out. */
    static Result run(List<String> command, Map<String, String> env, Duration timeout)
            throws IOException, InterruptedException {
        Path output = Files.createTempFile("ecr-image-test-", ".out");
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(output.toFile());
            builder.environment().put("DOCKER_HOST", DockerEngineExtension.dockerHost());
            builder.environment().putAll(env);
            Process process = builder.start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
                throw new AssertionError(String.join(" ", command) + " did not finish within " + timeout + ": "
                        + Files.readString(output, StandardCharsets.UTF_8));
            }
            return new Result(process.exitValue(), Files.readAllBytes(output));
        } finally {
            Files.deleteIfExists(output);
        }
    }

    /** {@code docker image inspect -f FORMAT IMAGE}, trimmed; fails the test when the image is missing. */
    static String inspect(String image, String format) throws IOException, InterruptedException {
        Result result = docker(List.of("image", "inspect", "-f", format, image));
        if (result.exitCode() != 0) {
            throw new AssertionError("docker image inspect " + image + " failed: " + result.output());
        }
        return result.output().trim();
    }
}
