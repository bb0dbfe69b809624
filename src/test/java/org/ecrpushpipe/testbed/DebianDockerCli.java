package org.ecrpushpipe.testbed;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import com.github.dockerjava.api.model.AuthConfig;

/**
 * The docker CLI of Debian's docker.io (the 20.10 client Bitbucket's runtime v2 mounts; not whatever {@code docker}
 * comes first on the PATH) on the bed's engine: the oracle of what {@code docker build} does; or, for the bed's
 * current engine, the docker CLI and buildx of that engine's Debian suite ({@link CurrentEngine#dockerCli(Path)}).
 * Each call gets a config directory of its own, so no login of the machine's is used: empty, or holding only the
 * login {@link #withLogin(AuthConfig)} gave.
 */
public final class DebianDockerCli {
    /** Debian's docker.io client; test/run-tests.sh installs it. */
    public static final Path BINARY = Path.of("/usr/bin/docker");

    private final Path binary;
    private final Optional<Path> plugins;
    private final String dockerHost;
    private final Path work;
    private final Optional<AuthConfig> login;

    /** @param work a directory for the config directory and image id files */
    public DebianDockerCli(String dockerHost, Path work) {
        this(BINARY, Optional.empty(), dockerHost, work, Optional.empty());
    }

    /**
     * Another docker CLI, with its plugin directory (buildx).
     *
     * @param work a directory for the config directory and image id files
     */
    public DebianDockerCli(Path binary, Path plugins, String dockerHost, Path work) {
        this(binary, Optional.of(plugins), dockerHost, work, Optional.empty());
    }

    private DebianDockerCli(Path binary, Optional<Path> plugins, String dockerHost, Path work,
                            Optional<AuthConfig> login) {
        this.binary = binary;
        this.plugins = plugins;
        this.dockerHost = dockerHost;
        this.work = work;
        this.login = login;
    }

    /** The same CLI logged in to {@code auth}'s registry, as after {@code docker login}. */
    public DebianDockerCli withLogin(AuthConfig auth) {
        return new DebianDockerCli(binary, plugins, dockerHost, work, Optional.of(auth));
    }

    /** What a {@code docker build} ended with; {@code imageId} is empty when it failed. */
    public record Build(int exitCode, String output, String imageId) {
    }

    /**
     * {@code docker build --network host ARGS CONTEXT}, with BuildKit or the classic builder, in the context
     * directory.
     *
     * @param env more environment (for a bare {@code --build-arg KEY})
     */
    public Build build(boolean buildKit, Path context, Map<String, String> env, String... args)
            throws IOException, InterruptedException {
        Path iidFile = Files.createTempFile(work, "iid", ".txt");
        List<String> command = new ArrayList<>(List.of("build", "--network", "host", "--iidfile", iidFile.toString()));
        command.addAll(List.of(args));
        command.add(".");
        Result result = run(context, buildKit, env, command);
        // the CLI removes the file when the build fails
        String id = Files.exists(iidFile) ? Files.readString(iidFile).strip() : "";
        return new Build(result.exitCode(), result.output(), id);
    }

    /** What a command ended with. */
    public record Result(int exitCode, String output) {
    }

    /** Any docker command, with the classic builder unless {@code buildKit}. */
    public Result run(Path directory, boolean buildKit, Map<String, String> env, List<String> args)
            throws IOException, InterruptedException {
        return run(directory, buildKit, env, configDirectory(), args);
    }

    /**
     * Any docker command with a docker config directory of the test's (holding the logins a command that talks to
     * a registry itself needs, such as {@code docker manifest inspect}).
     */
    public Result run(Path directory, Path dockerConfig, List<String> args) throws IOException, InterruptedException {
        return run(directory, false, Map.of(), dockerConfig, args);
    }

    private Result run(Path directory, boolean buildKit, Map<String, String> env, Path dockerConfig, List<String> args)
            throws IOException, InterruptedException {
        if (!Files.isExecutable(binary)) {
            throw new IllegalStateException(binary + " is missing: install Debian's docker.io (test/run-tests.sh"
                    + " does); it is the oracle of this test");
        }
        List<String> command = new ArrayList<>(List.of(binary.toString()));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true);
        builder.environment().putAll(env);
        builder.environment().put("DOCKER_HOST", dockerHost);
        builder.environment().put("DOCKER_BUILDKIT", buildKit ? "1" : "0");
        builder.environment().put("DOCKER_CONFIG", dockerConfig.toString());
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(10, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("docker " + String.join(" ", args) + " did not finish: " + output);
        }
        return new Result(process.exitValue(), output);
    }

    /** A config directory of this call's own: the plugins, and the login if any (as {@code docker login} writes it). */
    private Path configDirectory() throws IOException {
        Path config = Files.createTempDirectory(work, "docker-config");
        if (plugins.isPresent()) {
            Files.createSymbolicLink(config.resolve("cli-plugins"), plugins.get());
        }
        if (login.isPresent()) {
            AuthConfig auth = login.get();
            String basic = Base64.getEncoder().encodeToString((auth.getUsername() + ":" + auth.getPassword())
                    .getBytes(StandardCharsets.UTF_8));
            Files.writeString(config.resolve("config.json"), "{\"auths\":{\"" + auth.getRegistryAddress()
                    + "\":{\"auth\":\"" + basic + "\"}}}\n");
        }
        return config;
    }
}
