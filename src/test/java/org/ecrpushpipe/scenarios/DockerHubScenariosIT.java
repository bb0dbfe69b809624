package org.ecrpushpipe.scenarios;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.ecrpushpipe.testbed.BedEngine;
import org.ecrpushpipe.testbed.EcrBed;
import org.ecrpushpipe.testbed.EcrBedExtension;
import org.ecrpushpipe.testbed.TestImages;
import org.ecrpushpipe.testbed.TokenRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * IMAGE on Docker Hub ({@code docker.io/<namespace>/<name>}), with the bed's token registry answering as Docker Hub:
 * the registry at {@code registry-1.docker.io}, its token service at {@code auth.docker.io} (realm
 * {@code https://auth.docker.io/token}, service {@code registry.docker.io}), both over HTTPS with the bed's
 * certificate. The packaged pipe's JVM resolves those names through the bed engine's hosts file and trusts the bed's
 * CA (standard JDK options, nothing in the pipe), so its registry calls go where Docker Hub's API is, and the engine
 * pushes and pulls with the login the pipe hands it. {@code index.docker.io} is Docker Hub too; a wrong password is
 * one {@code ✖} line and exit 3; no secret or token is printed.
 */
@ExtendWith(EcrBedExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DockerHubScenariosIT {
    private static final Pattern PUSHED = Pattern.compile("✔ Successfully pushed (\\S+):(\\S+) \\((sha256:[0-9a-f]{64})\\)");

    @TempDir
    Path work;

    private final EcrBed bed;
    private BedEngine engine;
    private TokenRegistry hub;

    DockerHubScenariosIT(EcrBed bed) {
        this.bed = bed;
    }

    @BeforeAll
    void startDockerHub() throws Exception {
        engine = BedEngine.require();
        hub = TokenRegistry.asDockerHub(engine);
    }

    @AfterAll
    void stopDockerHub() throws Exception {
        hub.close();
    }

    @BeforeEach
    void forgetTokenRequests() {
        hub.tokenRequests().clear();
    }

    private Launcher.PipeRun run(String image, String password, Path clone, String... more) {
        Map<String, String> env = new HashMap<>();
        env.put("IMAGE", image);
        env.put("REGISTRY_USERNAME", hub.username());
        env.put("REGISTRY_PASSWORD", password);
        env.put("DOCKER_HOST", bed.dockerHost());
        env.put("NO_COLOR", "1");
        env.put("BUILD_NETWORK", "host"); // the bed's engine has no bridge network
        for (int i = 0; i < more.length; i += 2) {
            env.put(more[i], more[i + 1]);
        }
        return new JarLauncher(List.of(), JarLauncher.JAR, engine.jvmOptionsResolvingAsTheEngine(work))
                .run(env, Map.of(), clone);
    }

    /** The tags the run said it pushed, each to {@code repository} (as printed) with one digest. */
    private static List<String> pushedTags(Launcher.PipeRun run, String repository, String[] digest) {
        Matcher pushed = PUSHED.matcher(run.output());
        List<String> tags = new ArrayList<>();
        while (pushed.find()) {
            assertEquals(repository, pushed.group(1), run.output());
            tags.add(pushed.group(2));
            digest[0] = pushed.group(3);
        }
        return tags;
    }

    @Test
    void buildsAndPushesToDockerHubsApiHostWithItsTokenService() {
        String repository = hub.username() + "/app";
        Launcher.PipeRun run = run("docker.io/" + repository, hub.password(),
                TestImages.busybox(work.resolve("app")).uniqueFile().write(), "TAGS", "1.0 latest", "DEBUG", "true");

        assertEquals(0, run.exitCode(), run.output());
        assertTrue(run.output().contains("Using REGISTRY_USERNAME and REGISTRY_PASSWORD for docker.io"), run.output());
        String[] digest = new String[1];
        assertEquals(List.of("1.0", "latest"), pushedTags(run, "docker.io/" + repository, digest), run.output());
        assertTrue(hub.tags(repository).containsAll(List.of("1.0", "latest")), hub.tags(repository).toString());
        assertEquals(Optional.of(digest[0]), hub.manifestDigest(repository, "1.0"));
        assertEquals(Optional.of(digest[0]), hub.manifestDigest(repository, "latest"));
        String engineImage = bed.docker().inspectImageCmd("docker.io/" + repository + ":1.0").exec().getId();
        assertEquals(Optional.of(engineImage), hub.imageIdOf(repository, "1.0"), "Docker Hub holds the engine's image");
        assertTrue(hub.tokenRequests().stream().allMatch(r -> r.startsWith(hub.username() + " registry.docker.io ")),
                hub.tokenRequests().toString());
        assertTrue(hub.tokenRequests().stream().anyMatch(r -> r.endsWith("-> repository:" + repository + ":pull,push")),
                hub.tokenRequests().toString());
        TokenAuthScenariosTest.assertNoSecretIn(run, hub.username(), hub.password());
    }

    /**
     * {@code index.docker.io} is Docker Hub's older name; the image is pushed as {@code docker.io}. A build FROM a
     * private image of Docker Hub, written as docker writes it (no host), pulls with the run's login under each
     * builder: the classic builder finds it only under the key the docker CLI uses for Docker Hub.
     */
    @Test
    void indexDockerIoIsDockerHubAndItsPrivateBaseImagesArePulledWithTheRunsLogin() throws IOException {
        String base = hub.username() + "/base";
        Launcher.PipeRun pushed = run("index.docker.io/" + base, hub.password(),
                TestImages.busybox(work.resolve("base")).uniqueFile().write(), "TAGS", "1");
        assertEquals(0, pushed.exitCode(), pushed.output());
        assertEquals(List.of("1"), pushedTags(pushed, "docker.io/" + base, new String[1]), pushed.output());

        for (String builder : List.of("classic", "buildkit")) {
            bed.docker().removeImageCmd("docker.io/" + base + ":1").withForce(true).exec();
            Path clone = Files.createDirectories(work.resolve("derived-" + builder));
            Files.writeString(clone.resolve("Dockerfile"), "FROM " + base + ":1\nCOPY unique.txt /derived.txt\n");
            Files.writeString(clone.resolve("unique.txt"), UUID.randomUUID() + "\n");
            hub.tokenRequests().clear();
            String derived = hub.username() + "/derived-" + builder;
            Launcher.PipeRun run = run("docker.io/" + derived, hub.password(), clone, "TAGS", "1", "BUILDER", builder,
                    "CACHE", "false");

            assertEquals(0, run.exitCode(), builder + ": " + run.output());
            assertTrue(hub.tokenRequests().stream().anyMatch(r -> r.startsWith(hub.username() + " ")
                    && r.contains("repository:" + base + ":pull") && !r.endsWith("-> ")),
                    builder + " pulled the base with the login: " + hub.tokenRequests());
            assertTrue(hub.tags(derived).contains("1"), builder + ": " + hub.tags(derived));
            TokenAuthScenariosTest.assertNoSecretIn(run, hub.username(), hub.password());
        }
    }

    @Test
    void aWrongPasswordIsOneLineWithExitCode3() {
        String password = "dckr_pat_WrongPasswordForDockerHub";
        Launcher.PipeRun run = run("docker.io/" + hub.username() + "/refused", password,
                TestImages.busybox(work.resolve("refused")).uniqueFile().write());

        assertEquals(3, run.exitCode(), run.output());
        assertTrue(run.failureLine().startsWith("✖ The registry docker.io refused REGISTRY_USERNAME and"
                + " REGISTRY_PASSWORD"), run.output());
        assertEquals(1, run.lines().stream().filter(l -> l.startsWith("✖")).count(), run.output());
        assertFalse(run.output().contains("at org.ecrpushpipe"), "no stack trace: " + run.output());
        assertTrue(hub.tokenRequests().stream().anyMatch(r -> r.startsWith("refused registry.docker.io")),
                hub.tokenRequests().toString());
        TokenAuthScenariosTest.assertNoSecretIn(run, hub.username(), password);
        assertEquals(List.of(), hub.tags(hub.username() + "/refused"));
    }
}
