package org.ecrpushpipe.docker.engine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.ecrpushpipe.testbed.DockerEngineExtension;

/**
 * The oracle of the BuildKit tests: Debian's docker CLI 20.10 ({@code /usr/bin/docker}, the CLI Bitbucket mounts;
 * not a newer client elsewhere on the path) building with BuildKit on the bed's engine, as a user would:
 * {@code DOCKER_BUILDKIT=1 docker build --network host --progress=plain}.
 *
 * @param exitCode the CLI's exit code
 * @param output   what it printed (the plain progress goes to stderr, merged here)
 * @param imageId  the image's id from {@code --iidfile}, empty when the build failed
 */
record CliBuild(int exitCode, String output, String imageId) {
    static final String CLI = "/usr/bin/docker";

    /** Builds {@code dir} with the extra arguments (before the context), with an empty docker config. */
    static CliBuild run(Path dir, Path work, String... args) throws IOException, InterruptedException {
        Path iidFile = Files.createTempFile(work, "iid", ".txt");
        List<String> command = new ArrayList<>(List.of(CLI, "build", "--network", "host", "--progress=plain",
                "--iidfile", iidFile.toString()));
        command.addAll(List.of(args));
        command.add(".");
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        builder.environment().put("DOCKER_HOST", DockerEngineExtension.dockerHost());
        builder.environment().put("DOCKER_BUILDKIT", "1");
        builder.environment().put("DOCKER_CONFIG", Files.createTempDirectory(work, "docker-config").toString());
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("docker build did not finish: " + output);
        }
        String id = Files.exists(iidFile) ? Files.readString(iidFile).strip() : "";
        return new CliBuild(process.exitValue(), output, id);
    }

    /** A build that must succeed: its image id. */
    static String imageId(Path dir, Path work, String... args) throws IOException, InterruptedException {
        CliBuild build = run(dir, work, args);
        if (build.exitCode() != 0 || build.imageId().isEmpty()) {
            throw new AssertionError("docker build failed (" + build.exitCode() + "): " + build.output());
        }
        return build.imageId();
    }
}
