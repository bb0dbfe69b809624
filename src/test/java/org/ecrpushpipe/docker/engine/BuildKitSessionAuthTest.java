package org.ecrpushpipe.docker.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.ecrpushpipe.config.BuildSecret;
import org.ecrpushpipe.config.Secret;
import org.ecrpushpipe.docker.BuildCache;
import org.ecrpushpipe.docker.BuildOutcome;
import org.ecrpushpipe.docker.BuildRequest;
import org.ecrpushpipe.docker.BuilderKind;
import org.ecrpushpipe.docker.Cancellation;
import org.ecrpushpipe.docker.PullAccess;
import org.ecrpushpipe.errors.BuildProblem;
import org.ecrpushpipe.registry.RegistryCredentials;
import org.ecrpushpipe.testbed.DockerEngineExtension;
import org.ecrpushpipe.testbed.RegistryExtension;
import org.ecrpushpipe.testbed.RegistryProcess;
import org.ecrpushpipe.testbed.TestBuild;
import org.ecrpushpipe.testbed.TestImages;
import org.ecrpushpipe.testbed.TestPush;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.AuthConfig;

/**
 * The session's registry logins: with a session open (the build has a secret) and nothing pulled first, BuildKit
 * pulls a private base itself with the login the session's Auth service gives for its registry, as the docker CLI's
 * session gives it; a registry the session holds no login for gets an empty answer, and the pull is refused.
 */
@ExtendWith({DockerEngineExtension.class, RegistryExtension.class})
class BuildKitSessionAuthTest {
    @TempDir
    static Path work;

    private static final BuildSecret SECRET = new BuildSecret("npm", "the variable NPM_TOKEN",
            "auth-test-token".getBytes(StandardCharsets.UTF_8));

    private static String privateBase(DockerClient docker, RegistryProcess registry) {
        String tag = UUID.randomUUID().toString();
        String repository = registry.host() + "/session/base";
        TestBuild.run(docker, TestImages.busybox(work.resolve("base-" + tag)).uniqueFile().write(),
                repository + ":" + tag);
        AuthConfig auth = new AuthConfig().withUsername(registry.username()).withPassword(registry.password())
                .withRegistryAddress(registry.host());
        assertEquals(List.of(), TestPush.run(docker, repository, tag, auth).errors());
        docker.removeImageCmd(repository + ":" + tag).withForce(true).exec();
        return repository + ":" + tag;
    }

    private static BuildRequest fromImage(String image, List<RegistryCredentials> logins) throws Exception {
        Path dir = Files.createDirectories(work.resolve("from-" + UUID.randomUUID()));
        Files.writeString(dir.resolve("Dockerfile"), "FROM " + image + "\nRUN --mount=type=secret,id=npm"
                + " echo built on the private base\n");
        // no image named: nothing is pulled first, BuildKit pulls the base itself
        return new BuildRequest(BuildKitBuilderTest.request(dir).context(), List.of(), Optional.empty(), Map.of(),
                false, false, BuildRequest.HOST_NETWORK, BuildCache.NONE, new PullAccess(List.of(), logins),
                List.of(SECRET));
    }

    @Test
    void buildKitsOwnPullGetsTheLoginForItsRegistryFromTheSession(DockerClient docker, RegistryProcess registry)
            throws Exception {
        String image = privateBase(docker, registry);
        try (DockerJavaEngine engine = new DockerJavaEngine(DockerEngineExtension.dockerHost())) {
            List<String> output = new ArrayList<>();
            BuildOutcome.Failed anonymous = assertInstanceOf(BuildOutcome.Failed.class, engine.builder(
                    BuilderKind.BUILDKIT).build(fromImage(image, List.of()), output::add, new Cancellation()));
            assertEquals(BuildProblem.BASE_IMAGE, anonymous.problem(), anonymous.detail());

            output.clear();
            RegistryCredentials login = new RegistryCredentials(registry.host(), registry.username(),
                    Secret.of(registry.password()), Instant.now().plusSeconds(3600));
            BuildOutcome outcome = engine.builder(BuilderKind.BUILDKIT).build(fromImage(image, List.of(login)),
                    output::add, new Cancellation());
            assertInstanceOf(BuildOutcome.Built.class, outcome, String.join("\n", output));
            assertTrue(output.stream().noneMatch(l -> l.startsWith("#0 pulling")), "nothing pulled first: " + output);
            assertTrue(output.stream().anyMatch(l -> l.endsWith(" built on the private base")), output.toString());
        }
    }
}
