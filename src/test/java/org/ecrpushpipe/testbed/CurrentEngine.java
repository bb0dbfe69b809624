package org.ecrpushpipe.testbed;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The bed's second engine, a current Docker ({@code bed_start_current_engine} in {@code test/bed-current-engine.sh}:
 * Debian 13's docker.io 26.1 unless {@code BED_CURRENT_SUITE} says otherwise), beside the main engine (Debian 12's
 * 20.10): it resolves the same ECR host names to the same stand-ins, and comes with the docker CLI and buildx of its
 * own suite, its oracle. Read from what that function exports.
 *
 * @param dockerHost its {@code DOCKER_HOST}
 * @param cli        that suite's docker CLI
 * @param plugins    that suite's CLI plugin directory, holding {@code docker-buildx}
 * @param version    what its {@code dockerd --version} says
 */
public record CurrentEngine(String dockerHost, Path cli, Path plugins, String version) {

    /** The current engine of this process's environment; see {@link #require(Map)}. */
    public static CurrentEngine require() {
        return require(System.getenv());
    }

    /**
     * The current engine {@code env} describes.
     *
     * @throws IllegalStateException naming what failed when there is none: the bed's own words when it could not
     *                               be had ({@code BED_CURRENT_ENGINE_ERROR}), or what to run
     */
    public static CurrentEngine require(Map<String, String> env) {
        String error = env.getOrDefault("BED_CURRENT_ENGINE_ERROR", "");
        if (!error.isBlank()) {
            throw new IllegalStateException("The bed's current Docker engine could not be had: " + error);
        }
        String host = env.getOrDefault("BED_CURRENT_DOCKER_HOST", "");
        if (host.isBlank()) {
            throw new IllegalStateException("BED_CURRENT_DOCKER_HOST is not set: no current Docker engine runs for"
                    + " these tests. Run them with `bash test/run-tests.sh`, which starts one (bed_start_current_engine"
                    + " in test/bed-current-engine.sh).");
        }
        CurrentEngine engine = new CurrentEngine(host, Path.of(env.getOrDefault("BED_CURRENT_DOCKER_CLI", "")),
                Path.of(env.getOrDefault("BED_CURRENT_CLI_PLUGINS", "")),
                env.getOrDefault("BED_CURRENT_ENGINE_VERSION", "(version unknown)"));
        if (!Files.isExecutable(engine.cli()) || !Files.isExecutable(engine.plugins().resolve("docker-buildx"))) {
            throw new IllegalStateException("the current engine's docker CLI (" + engine.cli() + ") or its buildx"
                    + " (in " + engine.plugins() + ") is missing: the bed unpacks both beside the engine");
        }
        return engine;
    }

    /** Its suite's docker CLI, with buildx, on it. */
    public DebianDockerCli dockerCli(Path work) {
        return new DebianDockerCli(cli, plugins, dockerHost, work);
    }
}
