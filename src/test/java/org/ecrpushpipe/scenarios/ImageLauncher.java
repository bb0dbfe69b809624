package org.ecrpushpipe.scenarios;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The pipe's image run the way Bitbucket runs a pipe ({@code bitbucket-pipes.md}): {@code docker run --rm} with
 * the clone mounted at {@code /opt/atlassian/pipelines/agent/build} as the working directory,
 * {@code DOCKER_HOST=tcp://host.docker.internal:2375} with that name added as a host (the bed's engine also listens
 * there, see {@code BED_DOCKER_HOST_INTERNAL}), host networking, and every variable handed over by name
 * ({@code --env=NAME}), so no value — secrets included — is on a command line.
 */
public final class ImageLauncher implements StoppableLauncher {
    /** Where Bitbucket mounts the clone and runs the pipe. */
    public static final String CLONE_DIR = "/opt/atlassian/pipelines/agent/build";
    /** What Bitbucket hands pipes as their engine. */
    public static final String BITBUCKET_DOCKER_HOST = "tcp://host.docker.internal:2375";

    private final String image;
    private final String engineHost;
    private final String hostDockerInternal;

    /**
     * @param image              the image to run
     * @param engineHost         the bed's engine ({@code DOCKER_HOST} for the docker CLI, and the value that a
     *                           scenario's variables carry when they mean "the step's engine")
     * @param hostDockerInternal the address {@code host.docker.internal} stands for (where the engine listens on
     *                           port 2375)
     */
    public ImageLauncher(String image, String engineHost, String hostDockerInternal) {
        this.image = image;
        this.engineHost = engineHost;
        this.hostDockerInternal = hostDockerInternal;
    }

    /** The image on the bed's engine, as {@code test/bed.sh} describes it in the environment. */
    public static ImageLauncher onTheBed(String image) {
        String engine = System.getenv("BED_ENGINE_DOCKER_HOST");
        String internal = System.getenv("BED_DOCKER_HOST_INTERNAL");
        if (engine == null || internal == null) {
            throw new IllegalStateException("BED_ENGINE_DOCKER_HOST and BED_DOCKER_HOST_INTERNAL are not set: run the"
                    + " tests with `bash test/run-tests.sh`, whose engine also listens where pipe containers find"
                    + " host.docker.internal");
        }
        return new ImageLauncher(image, engine, internal);
    }

    @Override
    public PipeRun run(Map<String, String> variables, Map<String, List<String>> lists, Path clone, String... args) {
        Map<String, String> env = new HashMap<>(variables);
        Launcher.splitLists(lists, env);
        List<String> command = command(env, clone, List.of(), args);
        return JarLauncher.Processes.run(command, cli(env), clone);
    }

    /**
     * Starts the image in the background; {@link RunningPipe#terminate()} then sends SIGTERM to its container
     * ({@code docker kill --signal TERM <id>}, what {@code docker stop} sends first, and Bitbucket when a step is
     * stopped), {@link RunningPipe#interrupt()} SIGINT (what {@code docker run -it} passes on for Ctrl-C).
     */
    @Override
    public RunningPipe start(Map<String, String> variables, Path clone) {
        Map<String, String> env = new HashMap<>(variables);
        Path cidFile;
        try {
            cidFile = Files.createTempDirectory("pipe-container").resolve("cid");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> command = command(env, clone, List.of("--cidfile=" + cidFile));
        Map<String, String> cli = cli(env); // after command(): that settles which variables the container gets
        return RunningPipe.start("the image", command, cli, clone, new RunningPipe.Signals() {
            @Override
            public void send(Process process, String signal) {
                String id = containerId(cidFile, process);
                JarLauncher.PipeRun kill = JarLauncher.Processes.run(List.of("docker", "kill", "--signal", signal, id),
                        cli, clone);
                if (kill.exitCode() != 0) {
                    throw new AssertionError("docker kill --signal " + signal + " " + id + " failed: " + kill.output());
                }
            }

            @Override
            public void kill(Process process) {
                if (Files.exists(cidFile)) {
                    String id = containerId(cidFile, process);
                    JarLauncher.Processes.run(List.of("docker", "rm", "--force", id), cli, clone);
                }
            }
        });
    }

    /** The container's id, which {@code docker run --cidfile} writes once it has created the container. */
    private static String containerId(Path cidFile, Process process) {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
        try {
            while (System.nanoTime() < deadline) {
                if (Files.exists(cidFile)) {
                    String id = Files.readString(cidFile).trim();
                    if (id.matches("[0-9a-f]{64}")) {
                        return id;
                    }
                }
                if (!process.isAlive()) {
                    break;
                }
                Thread.sleep(50);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        throw new AssertionError("docker run wrote no container id to " + cidFile);
    }

    /** {@code docker run} of the image as Bitbucket runs a pipe, with {@code options} before the image. */
    private List<String> command(Map<String, String> env, Path clone, List<String> options, String... args) {
        // the step's engine reaches a pipe as Bitbucket's name for it; any other DOCKER_HOST is the scenario's own
        String dockerHost = env.remove("DOCKER_HOST");
        if (dockerHost == null || dockerHost.equals(engineHost)) {
            dockerHost = BITBUCKET_DOCKER_HOST;
        }
        env.putIfAbsent("BITBUCKET_CLONE_DIR", CLONE_DIR);
        List<String> command = new ArrayList<>(List.of("docker", "run", "--rm", "--network", "host",
                "--add-host", "host.docker.internal:" + hostDockerInternal,
                "--volume=" + clone.toAbsolutePath() + ":" + CLONE_DIR, "--workdir=" + CLONE_DIR,
                "--env=DOCKER_HOST=" + dockerHost));
        command.addAll(options);
        env.keySet().stream().sorted().forEach(name -> command.add("--env=" + name));
        command.add(image);
        command.addAll(List.of(args));
        return command;
    }

    /** The docker CLI's environment: the variables handed over by name, and the bed's engine. */
    private Map<String, String> cli(Map<String, String> env) {
        Map<String, String> cli = new HashMap<>(env);
        cli.put("DOCKER_HOST", engineHost);
        cli.put("PATH", System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin"));
        try {
            cli.put("DOCKER_CONFIG", Files.createTempDirectory("docker-config").toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return cli;
    }

    @Override
    public String name() {
        return "image";
    }
}
