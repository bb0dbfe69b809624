package org.ecrpushpipe.docker.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.ecrpushpipe.config.ImageRef;
import org.ecrpushpipe.testbed.BedEngine;
import org.ecrpushpipe.testbed.DebianDockerCli;
import org.ecrpushpipe.testbed.TestImages;
import org.ecrpushpipe.testbed.TokenRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The docker CLI (Debian's) as the oracle of Docker Hub's names, on the bed's token registry answering as Docker Hub
 * ({@code registry-1.docker.io}, {@code auth.docker.io}): {@code docker login} without a server stores the login
 * under the key the pipe gives the engine for {@code docker.io}, and {@code docker push} names the repository each
 * way of writing a Docker Hub image refers to as the pipe reads IMAGE ({@code index.docker.io} is {@code docker.io},
 * a one-part name is {@code library/<name>}).
 */
class DockerHubNamesOracleTest {
    private static final Pattern REFERS_TO = Pattern.compile("The push refers to repository \\[([^\\]]+)\\]");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path work;

    @Test
    void theCliKeysDockerHubsLoginAndNamesItsRepositoriesAsThePipeDoes() throws Exception {
        BedEngine engine = BedEngine.require();
        try (TokenRegistry hub = TokenRegistry.asDockerHub(engine)) {
            DebianDockerCli cli = new DebianDockerCli(engine.dockerHost(), work);
            Path config = Files.createDirectories(work.resolve("config"));
            DebianDockerCli.Result login = cli.run(work, false, Map.of(), List.of("--config", config.toString(),
                    "login", "-u", hub.username(), "-p", hub.password()));
            assertEquals(0, login.exitCode(), login.output());
            JsonNode auths = JSON.readTree(config.resolve("config.json").toFile()).path("auths");
            List<String> keys = new ArrayList<>();
            auths.fieldNames().forEachRemaining(keys::add);
            assertEquals(List.of(EngineConnection.authKey(ImageRef.nonEcrHost("docker.io/org/app").orElseThrow())),
                    keys, "the login's key");
            assertTrue(hub.tokenRequests().stream().anyMatch(r -> r.startsWith(hub.username() + " registry.docker.io")),
                    "the engine logged in through the token service: " + hub.tokenRequests());

            DebianDockerCli.Build built = cli.build(false, TestImages.busybox(work.resolve("context")).uniqueFile()
                    .write(), Map.of());
            assertEquals(0, built.exitCode(), built.output());
            String namespace = hub.username();
            for (String image : List.of("docker.io/" + namespace + "/oracle", "index.docker.io/" + namespace + "/oracle",
                    "docker.io/oracle", "index.docker.io/oracle", "docker.io/library/oracle")) {
                DebianDockerCli.Result tag = cli.run(work, false, Map.of(), List.of("tag", built.imageId(), image + ":1"));
                assertEquals(0, tag.exitCode(), tag.output());
                DebianDockerCli.Result push = cli.run(work, false, Map.of(), List.of("--config", config.toString(),
                        "push", image + ":1"));
                Matcher refersTo = REFERS_TO.matcher(push.output());
                assertTrue(refersTo.find(), push.output());
                Optional<String> host = ImageRef.nonEcrHost(image);
                assertEquals(refersTo.group(1), host.orElseThrow() + "/" + ImageRef.parseOnOtherRegistry(image)
                        .repository(), image);
            }
            // the CLI's own push of the user's repository went through: the registry holds it
            assertTrue(hub.tags(namespace + "/oracle").contains("1"), hub.tags(namespace + "/oracle").toString());
            // a name without a host is Docker Hub's for the CLI, an ECR repository for the pipe (README says so)
            assertEquals(Optional.empty(), ImageRef.nonEcrHost(namespace + "/oracle"));
        }
    }
}
