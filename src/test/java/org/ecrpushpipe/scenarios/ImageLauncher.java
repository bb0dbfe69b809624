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
public final class ImageLauncher implements Launcher {
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
        env.keySet().stream().sorted().forEach(name -> command.add("--env=" + name));
        command.add(image);
        command.addAll(List.of(args));

        Map<String, String> cli = new HashMap<>(env);
        cli.put("DOCKER_HOST", engineHost);
        cli.put("PATH", System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin"));
        try {
            cli.put("DOCKER_CONFIG", Files.createTempDirectory("docker-config").toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return JarLauncher.Processes.run(command, cli, clone);
    }

    @Override
    public String name() {
        return "image";
    }
}
