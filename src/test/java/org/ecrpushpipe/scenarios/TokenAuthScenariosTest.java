package org.ecrpushpipe.scenarios;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
 * A registry with Bearer-token auth, as Docker Hub and GHCR are: a real registry with {@code auth: token} and a
 * token service of the test in front of it ({@link TokenRegistry}, on loopback here). With REGISTRY_USERNAME and
 * REGISTRY_PASSWORD, the pipe (in-process) and the engine each get their tokens from the service with the Basic
 * login, the registry verifies them, and what it then holds is the engine's image under every tag; a wrong password
 * is one {@code ✖} line and exit 3; neither the password, its Basic form nor a token is ever printed.
 */
@ExtendWith(EcrBedExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TokenAuthScenariosTest {
    private static final Pattern PUSHED = Pattern.compile("✔ Successfully pushed (\\S+):(\\S+) \\((sha256:[0-9a-f]{64})\\)");

    @TempDir
    Path work;

    private final EcrBed bed;
    private final Launcher launcher = new InProcessLauncher();
    private TokenRegistry registry;

    TokenAuthScenariosTest(EcrBed bed) {
        this.bed = bed;
    }

    @BeforeAll
    void startRegistry() throws Exception {
        registry = TokenRegistry.onLoopback();
    }

    @AfterAll
    void stopRegistry() throws Exception {
        registry.close();
    }

    @BeforeEach
    void forgetTokenRequests() {
        registry.tokenRequests().clear();
    }

    private Map<String, String> env(String repository, String password) {
        Map<String, String> env = new HashMap<>();
        env.put("IMAGE", registry.host() + "/" + repository);
        env.put("REGISTRY_USERNAME", registry.username());
        env.put("REGISTRY_PASSWORD", password);
        env.put("DOCKER_HOST", bed.dockerHost());
        env.put("AWS_ENDPOINT_URL", bed.standIn().apiEndpoint());
        env.put("NO_COLOR", "1");
        env.put("DEBUG", "true");
        env.put("BUILD_NETWORK", "host"); // the bed's engine has no bridge network
        return env;
    }

    /** Neither the password, its Basic token, nor any JWT (whose header starts {@code eyJ}) is printed. */
    static void assertNoSecretIn(Launcher.PipeRun run, String username, String password) {
        assertFalse(run.output().contains(password), "the password is printed");
        assertFalse(run.output().contains(Base64.getEncoder().encodeToString((username + ":" + password)
                .getBytes(StandardCharsets.UTF_8))), "the Basic token is printed");
        assertFalse(run.output().contains("eyJ"), "a token is printed");
    }

    @Test
    void buildsAndPushesEveryTagWithTokensOfTheTokenService() {
        String repository = registry.username() + "/app";
        Map<String, String> env = env(repository, registry.password());
        env.put("TAGS", "1.0 latest");
        bed.standIn().requests().clear();

        Launcher.PipeRun run = launcher.run(env, Map.of(), TestImages.busybox(work.resolve("app")).uniqueFile().write());

        assertEquals(0, run.exitCode(), run.output());
        Matcher pushed = PUSHED.matcher(run.output());
        List<String> tags = new ArrayList<>();
        String digest = null;
        while (pushed.find()) {
            assertEquals(registry.host() + "/" + repository, pushed.group(1));
            tags.add(pushed.group(2));
            digest = pushed.group(3);
        }
        assertEquals(List.of("1.0", "latest"), tags, run.output());
        assertTrue(registry.tags(repository).containsAll(List.of("1.0", "latest")), registry.tags(repository).toString());
        assertEquals(Optional.of(digest), registry.manifestDigest(repository, "1.0"));
        assertEquals(Optional.of(digest), registry.manifestDigest(repository, "latest"));
        String engineImage = bed.docker().inspectImageCmd(registry.host() + "/" + repository + ":1.0").exec().getId();
        assertEquals(Optional.of(engineImage), registry.imageIdOf(repository, "1.0"), "the registry holds the engine's image");
        List<String> requests = registry.tokenRequests();
        assertTrue(requests.stream().anyMatch(r -> r.startsWith(registry.username() + " ")
                && r.endsWith("-> repository:" + repository + ":pull,push")), requests.toString());
        assertTrue(requests.stream().noneMatch(r -> r.startsWith("refused") || r.startsWith("anonymous")),
                requests.toString());
        assertEquals(List.of(), bed.standIn().requests().all(), "no AWS call");
        assertNoSecretIn(run, registry.username(), registry.password());
    }

    /**
     * The token service grants pull and push in the user's namespace only, as Docker Hub does: elsewhere the login is
     * right but the token grants nothing, and the pipe says so apart from a wrong password (exit 3 all the same).
     */
    @Test
    void aRepositoryOutsideTheUsersNamespaceGetsNoPushToken() {
        String repository = "someone-else/app";
        Map<String, String> env = env(repository, registry.password());
        env.remove("DEBUG");

        Launcher.PipeRun run = launcher.run(env, Map.of(), TestImages.busybox(work.resolve("other")).uniqueFile().write());

        assertEquals(3, run.exitCode(), run.output());
        assertTrue(run.failureLine().startsWith("✖ The registry " + registry.host()
                + " gave REGISTRY_USERNAME no access for reading " + repository + ":"), run.output());
        assertTrue(run.output().contains("the login is right, but the user may not use this repository"), run.output());
        assertEquals(1, run.lines().stream().filter(l -> l.startsWith("✖")).count(), run.output());
        assertTrue(registry.tokenRequests().stream().anyMatch(r -> r.startsWith(registry.username() + " ")
                && r.contains("repository:" + repository + ":") && r.endsWith("-> ")), registry.tokenRequests().toString());
        assertEquals(List.of(), registry.tags(repository));
        assertNoSecretIn(run, registry.username(), registry.password());
    }

    @Test
    void aWrongPasswordIsOneLineWithExitCode3() {
        String repository = registry.username() + "/refused";
        Map<String, String> env = env(repository, "dckr_pat_WrongPasswordOfTheTokenRegistry");
        env.remove("DEBUG");

        Launcher.PipeRun run = launcher.run(env, Map.of(),
                TestImages.busybox(work.resolve("refused")).uniqueFile().write());

        assertEquals(3, run.exitCode(), run.output());
        assertTrue(run.failureLine().startsWith("✖ The registry " + registry.host()
                + " refused REGISTRY_USERNAME and REGISTRY_PASSWORD"), run.output());
        assertEquals(1, run.lines().stream().filter(l -> l.startsWith("✖")).count(), run.output());
        assertFalse(run.output().contains("at org.ecrpushpipe"), "no stack trace: " + run.output());
        assertTrue(registry.tokenRequests().stream().anyMatch(r -> r.startsWith("refused ")),
                registry.tokenRequests().toString());
        assertNoSecretIn(run, registry.username(), "dckr_pat_WrongPasswordOfTheTokenRegistry");
        assertEquals(List.of(), registry.tags(repository));
    }
}
