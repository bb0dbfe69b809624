package org.ecrpushpipe.docker.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.ecrpushpipe.config.Secret;
import org.ecrpushpipe.config.Tag;
import org.ecrpushpipe.docker.BuildCache;
import org.ecrpushpipe.docker.BuildOutcome;
import org.ecrpushpipe.docker.BuildRequest;
import org.ecrpushpipe.docker.BuilderKind;
import org.ecrpushpipe.docker.Cancellation;
import org.ecrpushpipe.docker.ImageBuilder;
import org.ecrpushpipe.docker.PullAccess;
import org.ecrpushpipe.docker.PullOutcome;
import org.ecrpushpipe.docker.PushOutcome;
import org.ecrpushpipe.errors.BuildProblem;
import org.ecrpushpipe.registry.ImageReference;
import org.ecrpushpipe.registry.RegistryCredentials;
import org.ecrpushpipe.testbed.DockerEngineExtension;
import org.ecrpushpipe.testbed.RegistryExtension;
import org.ecrpushpipe.testbed.RegistryProcess;
import org.ecrpushpipe.testbed.TestBuild;
import org.ecrpushpipe.testbed.TestImages;
import org.ecrpushpipe.testbed.TestPush;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.AuthConfig;

/**
 * BuildKit builds against a real registry that wants a password (Debian's docker-registry with htpasswd): a base
 * image there is pulled first with the run's login, and the inline cache of a pushed image serves an engine that has
 * lost its build cache.
 */
@ExtendWith({DockerEngineExtension.class, RegistryExtension.class})
class BuildKitRegistryTest {
    @TempDir
    static Path work;

    private static DockerClient docker;
    private static RegistryProcess registry;
    private static DockerJavaEngine engine;
    private static ImageBuilder builder;

    @BeforeAll
    static void connect(DockerClient client, RegistryProcess process) {
        docker = client;
        registry = process;
        engine = new DockerJavaEngine(DockerEngineExtension.dockerHost());
        builder = engine.builder(BuilderKind.BUILDKIT);
    }

    @AfterAll
    static void close() {
        engine.close();
    }

    private static RegistryCredentials login(String password) {
        return new RegistryCredentials(registry.host(), registry.username(), Secret.of(password),
                Instant.now().plusSeconds(3600));
    }

    /** A busybox image pushed to the registry as {@code private/base:<random>}, and not held by the engine. */
    private static String privateBase() {
        String tag = UUID.randomUUID().toString();
        String repository = registry.host() + "/private/base";
        TestBuild.run(docker, TestImages.busybox(work.resolve("base-" + tag)).uniqueFile().write(), repository + ":" + tag);
        AuthConfig auth = new AuthConfig().withUsername(registry.username()).withPassword(registry.password())
                .withRegistryAddress(registry.host());
        assertEquals(List.of(), TestPush.run(docker, repository, tag, auth).errors());
        docker.removeImageCmd(repository + ":" + tag).withForce(true).exec();
        return repository + ":" + tag;
    }

    private static BuildRequest fromImage(String image, boolean pull, List<RegistryCredentials> logins)
            throws IOException {
        Path dir = Files.createDirectories(work.resolve("from-" + UUID.randomUUID()));
        Files.writeString(dir.resolve("Dockerfile"), "FROM " + image + "\nRUN echo built on the private base\n");
        return new BuildRequest(BuildKitBuilderTest.request(dir).context(), List.of(), Optional.empty(), Map.of(),
                false, pull, BuildRequest.HOST_NETWORK, BuildCache.NONE, new PullAccess(List.of(image), logins));
    }

    @Test
    void aPrivateBaseIsPulledFirstWithTheLoginForItsRegistry() throws IOException {
        String image = privateBase();
        List<String> output = new ArrayList<>();
        BuildOutcome.Failed anonymous = assertInstanceOf(BuildOutcome.Failed.class,
                builder.build(fromImage(image, false, List.of()), output::add, new Cancellation()));
        assertEquals(BuildProblem.BASE_IMAGE, anonymous.problem(), anonymous.toString());
        assertEquals(Optional.of("[internal] load metadata for " + image), anonymous.step());

        output.clear();
        BuildOutcome.Built built = assertInstanceOf(BuildOutcome.Built.class, builder.build(
                fromImage(image, false, List.of(login(registry.password()))), output::add, new Cancellation()),
                String.join("\n", output));
        assertTrue(output.contains("#0 pulling " + image + " with the login for " + registry.host()),
                String.join("\n", output));
        assertTrue(output.stream().anyMatch(l -> l.endsWith(" built on the private base")), String.join("\n", output));
        assertEquals(1, built.steps());
    }

    @Test
    void aPullRefusedByTheRegistryIsTheBaseImagesProblemNamingIt() throws IOException {
        String image = privateBase();
        BuildOutcome.Failed failed = assertInstanceOf(BuildOutcome.Failed.class, builder.build(
                fromImage(image, true, List.of(login("not-" + registry.password()))), l -> { }, new Cancellation()));
        assertEquals(BuildProblem.BASE_IMAGE, failed.problem(), failed.detail());
        assertTrue(failed.detail().startsWith(image + ": "), failed.detail());
        assertTrue(failed.detail().contains("unauthorized") || failed.detail().contains("authentication"),
                failed.detail());
    }

    @Test
    void theInlineCacheOfAPushedImageServesAnEngineThatLostItsBuildCache() throws Exception {
        String token = UUID.randomUUID().toString();
        Path dir = TestImages.busybox(work.resolve("inline-" + token)).uniqueFile()
                .line("RUN echo slow-" + token + " && sleep 1 && date > /built").write();
        BuildRequest plain = BuildKitBuilderTest.request(dir);
        BuildOutcome.Built first = assertInstanceOf(BuildOutcome.Built.class, builder.build(
                plain.withCache(new BuildCache(List.of(), Optional.empty(), true)), l -> { }, new Cancellation()));
        // in the image's config (docker image inspect does not show it; docker save holds the config as it is)
        assertTrue(cli("save", first.imageId().value()).contains("moby.buildkit.cache.v0"),
                "the image carries BuildKit's cache metadata");
        ImageReference cache = new ImageReference(registry.host(), "cache/inline", new Tag(token.substring(0, 8)));
        engine.tag(first.imageId(), cache);
        assertInstanceOf(PushOutcome.Pushed.class,
                engine.push(cache, login(registry.password()), l -> { }, new Cancellation()));
        docker.removeImageCmd(first.imageId().value()).withForce(true).exec();
        cli("builder", "prune", "-af");
        assertInstanceOf(PullOutcome.Pulled.class,
                engine.pull(cache, login(registry.password()), l -> { }, new Cancellation()));

        List<String> output = new ArrayList<>();
        BuildOutcome.Built again = assertInstanceOf(BuildOutcome.Built.class, builder.build(plain.withCache(
                new BuildCache(List.of(cache.toString()), Optional.empty(), true)), output::add, new Cancellation()),
                String.join("\n", output));
        assertEquals(4, again.steps(), String.join("\n", output));
        assertEquals(4, again.cachedSteps(), String.join("\n", output));
        // the RUN's own output would show, were it run again
        assertTrue(output.stream().noneMatch(l -> l.matches("#\\d+ \\d+\\.\\d+ slow-" + token)),
                String.join("\n", output));
    }

    /** Runs Debian's docker CLI against the bed's engine; its output, byte for byte as Latin-1 (it may be a tar). */
    private static String cli(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(CliBuild.CLI));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("DOCKER_HOST", DockerEngineExtension.dockerHost());
        builder.environment().put("DOCKER_CONFIG", Files.createTempDirectory(work, "docker-config").toString());
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        assertTrue(process.waitFor(2, TimeUnit.MINUTES), output);
        assertEquals(0, process.exitValue(), output);
        return output;
    }
}
