package org.ecrpushpipe.scenarios;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import com.github.dockerjava.api.exception.NotFoundException;

import org.ecrpushpipe.cli.PipeLauncher;
import org.ecrpushpipe.testbed.EcrBed;
import org.ecrpushpipe.testbed.EcrBedExtension;
import org.ecrpushpipe.testbed.PlatformImages;
import org.ecrpushpipe.testbed.SecretScanner;
import org.ecrpushpipe.testbed.TestBuild;
import org.ecrpushpipe.testbed.TestImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The proof of the {@code policy} subcommand: with the stand-in in strict mode, each feature's scenario passes
 * with exactly the policy the pipe printed for its variables, and fails with the "Missing permission" line and
 * exit code 3 when any single action is taken out of it. A feature adds its scenario as one row of
 * {@link #SCENARIOS}.
 */
@ExtendWith(EcrBedExtension.class)
class LeastPrivilegeTest {
    /** The IAM user the bed's key belongs to. */
    static final String PRINCIPAL = "arn:aws:iam::" + EcrBed.ACCOUNT_ID + ":user/ci";
    /** The role of the AWS_ROLE_ARN row, which the bed's user may assume. */
    private static final String ROLE = "arn:aws:iam::" + EcrBed.ACCOUNT_ID + ":role/lp-pusher";
    /** The role of the OIDC row, which the step's web identity token may assume. */
    private static final String OIDC_ROLE = "arn:aws:iam::" + EcrBed.ACCOUNT_ID + ":role/lp-bitbucket-oidc";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger RUNS = new AtomicInteger();

    /**
     * One configuration whose policy is proved.
     *
     * @param variables the variables beyond the bed's own (credentials, IMAGE, endpoints); {@code {repository}}
     *                  stands for the scenario's repository
     * @param prepare   what the account and the engine hold before the run (the repository, when the pipe does not
     *                  create it; an image to promote or to pull), set up with the policy not enforced
     * @param degraded  the actions the policy lists whose loss the pipe survives by design: action → the line the
     *                  run then prints (it exits 0 instead of 3)
     */
    record PolicyScenario(String name, Map<String, String> variables, Preparation prepare,
                          Map<String, String> degraded) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** What a scenario sets up before the run under the policy. */
    @FunctionalInterface
    interface Preparation {
        void prepare(LeastPrivilegeTest test, String repository) throws Exception;
    }

    /**
     * Calls the pipe makes although no printed policy lists them, because it goes on without them by design: the
     * denied call → the debug line the run prints instead. ecr:DescribeImages only looks for archived images to
     * say that a push restores them; ecr:ListTagsForResource only compares REPOSITORY_TAGS with an existing
     * repository's.
     */
    static final Map<String, String> UNLISTED = Map.of(
            "DescribeImages", "DEBUG: Not looking for archived images: Missing permission ecr:DescribeImages on ",
            "ListTagsForResource", "DEBUG: Not comparing REPOSITORY_TAGS: Missing permission"
                    + " ecr:ListTagsForResource on ");

    /** With the cache on and no previous image, nothing is pulled: the cache's own action is proved by its row. */
    private static final Map<String, String> NOTHING_TO_PULL = Map.of("ecr:GetDownloadUrlForLayer",
            "INFO: Registry cache: no previous image in the registry");

    /**
     * The creation's actions are in the policy of CREATE_REPOSITORY, for the run that finds the repository missing;
     * a run that finds it makes none of those calls.
     */
    private static final String EXISTS = "INFO: Pushed 1 tag of ";

    private static final Map<String, String> DEBUG = Map.of("DEBUG", "true");

    /** A two-stage Dockerfile whose named stage CACHE=stages pushes as {@code cache-builder}. */
    private static final String STAGES = """
            FROM scratch AS builder
            COPY busybox /bin/busybox
            COPY unique.txt /unique.txt
            RUN ["/bin/busybox", "sh", "-c", "/bin/busybox cat /unique.txt > /built.txt"]
            FROM scratch
            COPY --from=builder /built.txt /built.txt
            """;

    private static final String LIFECYCLE = """
            {"rules": [{"rulePriority": 1, "description": "Expire untagged images after 14 days",
              "selection": {"tagStatus": "untagged", "countType": "sinceImagePushed", "countUnit": "days",
                            "countNumber": 14},
              "action": {"type": "expire"}}]}
            """;

    static final List<PolicyScenario> SCENARIOS = List.of(
            new PolicyScenario("push two tags to an existing repository", Map.of("TAGS", "1.0.0 latest"),
                    (test, repository) -> test.bed.standIn().createRepository(repository), NOTHING_TO_PULL),
            new PolicyScenario("create the repository with tags", Map.of("TAGS", "1.0.0",
                    "CREATE_REPOSITORY", "true", "REPOSITORY_TAGS", "team=payments env=test"),
                    (test, repository) -> { }, merged(NOTHING_TO_PULL, Map.of(
                            "ecr:DescribeRepositoryCreationTemplates",
                            "DEBUG: Not looking for repository creation templates: Missing permission"
                                    + " ecr:DescribeRepositoryCreationTemplates on *"))),
            new PolicyScenario("CREATE_REPOSITORY with tags when the repository exists", Map.of("TAGS", "1.0.0",
                    "CREATE_REPOSITORY", "true", "REPOSITORY_TAGS", "team=payments"),
                    (test, repository) -> test.bed.standIn().createRepository(repository), merged(NOTHING_TO_PULL,
                    Map.of("ecr:CreateRepository", EXISTS, "ecr:TagResource", EXISTS,
                            "ecr:DescribeRepositoryCreationTemplates", EXISTS))),
            new PolicyScenario("set the lifecycle policy", Map.of("TAGS", "1.0.0",
                    "LIFECYCLE_POLICY", "lifecycle.json"),
                    (test, repository) -> test.bed.standIn().createRepository(repository), NOTHING_TO_PULL),
            new PolicyScenario("promote a tested image with SOURCE_TAG", Map.of("SOURCE_TAG", "build-1",
                    "TAGS", "1.0.0 latest"),
                    (test, repository) -> {
                        test.bed.standIn().createRepository(repository);
                        test.pushWithoutPolicy(repository, "build-1");
                    }, Map.of()),
            new PolicyScenario("combine two platforms with PLATFORM_TAGS", Map.of("PLATFORM_TAGS",
                    "1-amd64 1-arm64", "TAGS", "1.0 latest"),
                    (test, repository) -> {
                        test.bed.standIn().createRepository(repository);
                        test.pushWithoutPolicy(repository, "1-amd64");
                        PlatformImages.through(test.bed.standIn(), test.bed.secretKey()).imageLike(repository,
                                "1-amd64", "1-arm64", "linux/arm64/v8", PlatformImages.DOCKER_V2);
                    }, Map.of()),
            new PolicyScenario("pull the previous image into the registry cache", Map.of("TAGS", "latest"),
                    (test, repository) -> {
                        test.bed.standIn().createRepository(repository);
                        // with the registry cache on, so that under BuildKit the cache image is there to pull too
                        test.pushWithoutPolicy(repository, "latest", true);
                        test.bed.docker().removeImageCmd(test.bed.repositoryUri(repository) + ":latest").exec();
                        test.removeIfHeld(test.bed.repositoryUri(repository) + ":cache");
                    }, Map.of("ecr:GetDownloadUrlForLayer", "WARNING: Registry cache: could not pull ")),
            new PolicyScenario("pull a CACHE_FROM image of another repository", Map.of("TAGS", "1.0.0",
                    "CACHE_FROM", "{repository}-base:main"),
                    (test, repository) -> {
                        test.bed.standIn().createRepository(repository);
                        test.bed.standIn().createRepository(repository + "-base");
                        test.pushWithoutPolicy(repository + "-base", "main");
                        test.bed.docker().removeImageCmd(test.bed.repositoryUri(repository + "-base") + ":main")
                                .exec();
                    }, Map.of("ecr:GetDownloadUrlForLayer", "WARNING: Registry cache: could not pull ")),
            new PolicyScenario("assume AWS_ROLE_ARN with the keys and push as the role", Map.of("TAGS", "1.0.0",
                    "AWS_ROLE_ARN", ROLE),
                    (test, repository) -> {
                        test.bed.standIn().createRepository(repository);
                        test.bed.standIn().trustRole(ROLE, PRINCIPAL, java.util.Optional.empty());
                    }, NOTHING_TO_PULL),
            new PolicyScenario("push the stages of a two-stage Dockerfile with CACHE=stages", Map.of("TAGS", "1.0.0",
                    "CACHE", "stages", "DOCKERFILE", "Stages.Dockerfile"),
                    (test, repository) -> test.bed.standIn().createRepository(repository), NOTHING_TO_PULL),
            new PolicyScenario("push with the OIDC role's session, no keys", Map.of("TAGS", "1.0.0",
                    "AWS_OIDC_ROLE_ARN", OIDC_ROLE),
                    (test, repository) -> {
                        test.bed.standIn().createRepository(repository);
                        test.bed.standIn().allowRole(OIDC_ROLE);
                    }, NOTHING_TO_PULL),
            new PolicyScenario("build FROM a base image of the team's ECR registry", Map.of("TAGS", "1.0.0",
                    "DOCKERFILE", "Base.Dockerfile"),
                    (test, repository) -> {
                        test.bed.standIn().createRepository(repository);
                        test.bed.standIn().createRepository(repository + "-base");
                        test.pushWithoutPolicy(repository + "-base", "1");
                        test.bed.docker().removeImageCmd(test.bed.repositoryUri(repository + "-base") + ":1")
                                .exec();
                    }, Map.of()),
            new PolicyScenario("push a LOCAL_IMAGE without building", Map.of("TAGS", "1.0.0",
                    "LOCAL_IMAGE", "lp-local:ci"),
                    (test, repository) -> {
                        test.bed.standIn().createRepository(repository);
                        TestBuild.run(test.bed.docker(), TestImages.busybox(test.work.resolve("local-"
                                + RUNS.incrementAndGet())).uniqueFile().write(), "lp-local:ci");
                    }, Map.of()),
            new PolicyScenario("gate a build on its scan (SCAN_FAIL_ON)", Map.of("TAGS", "1.0.0",
                    "SCAN_FAIL_ON", "HIGH"),
                    (test, repository) -> test.bed.standIn().createRepository(repository),
                    merged(NOTHING_TO_PULL, Map.of("ecr:BatchDeleteImage",
                            "WARNING: Scan gate: could not remove the candidate tag "))),
            new PolicyScenario("gate a promotion on its scan (SCAN_FAIL_ON with SOURCE_TAG)", Map.of(
                    "SOURCE_TAG", "build-1", "TAGS", "1.0.0", "SCAN_FAIL_ON", "HIGH"),
                    (test, repository) -> {
                        test.bed.standIn().createRepository(repository);
                        test.pushWithoutPolicy(repository, "build-1");
                    }, Map.of()));

    private static Map<String, String> merged(Map<String, String> a, Map<String, String> b) {
        Map<String, String> all = new HashMap<>(a);
        all.putAll(b);
        return Map.copyOf(all);
    }

    @TempDir
    Path work;

    private final EcrBed bed;

    LeastPrivilegeTest(EcrBed bed) {
        this.bed = bed;
    }

    /** The variables of a scenario pushing to {@code repository}, as the step would set them. */
    private static Map<String, String> variables(PolicyScenario scenario, String repository) {
        Map<String, String> env = new HashMap<>();
        scenario.variables().forEach((name, value) -> env.put(name, value.replace("{repository}", repository)));
        env.put("IMAGE", EcrBed.ECR_REGISTRY_HOST + "/" + repository);
        return env;
    }

    /**
     * {@code policy} run in-process in the scenario's clone with only the scenario's variables: no credentials, no
     * engine, no endpoint. The clone holds the Dockerfiles the scenarios name, as a run's does.
     */
    private static String printedPolicy(PolicyScenario scenario, String repository) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int code;
        try {
            Path clone = clone(Files.createTempDirectory("lp-policy-"), repository);
            code = PipeLauncher.launch(new String[] {"policy"}, variables(scenario, repository), clone,
                    new PrintStream(bytes, true, StandardCharsets.UTF_8));
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
        String output = bytes.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, output);
        return output;
    }

    static List<String> actions(String policy) {
        List<String> actions = new ArrayList<>();
        try {
            for (JsonNode statement : JSON.readTree(policy).get("Statement")) {
                statement.get("Action").forEach(a -> actions.add(a.asText()));
            }
        } catch (java.io.IOException e) {
            throw new AssertionError("the policy is not JSON: " + policy, e);
        }
        return actions;
    }

    /** The printed policy with one action taken out (and a statement left empty dropped). */
    static String without(String policy, String action) {
        try {
            var document = (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(policy);
            var kept = JSON.createArrayNode();
            for (JsonNode statement : document.get("Statement")) {
                var actions = JSON.createArrayNode();
                statement.get("Action").forEach(a -> {
                    if (!a.asText().equals(action)) {
                        actions.add(a);
                    }
                });
                if (!actions.isEmpty()) {
                    kept.add(((com.fasterxml.jackson.databind.node.ObjectNode) statement.deepCopy())
                            .set("Action", actions));
                }
            }
            document.set("Statement", kept);
            return JSON.writeValueAsString(document);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * Where the printed statements go with AWS_ROLE_ARN (docs/iam-policy.md): {@code AssumeRoles} on the
     * pipeline's user, every other statement on the role, whose session makes the ECR calls.
     */
    static Map<String, String> byIdentity(String policy, String role) {
        try {
            var user = (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(policy);
            var roles = user.deepCopy();
            var userStatements = JSON.createArrayNode();
            var roleStatements = JSON.createArrayNode();
            for (JsonNode statement : user.get("Statement")) {
                (statement.path("Sid").asText().equals("AssumeRoles") ? userStatements : roleStatements)
                        .add(statement);
            }
            user.set("Statement", userStatements);
            roles.set("Statement", roleStatements);
            return Map.of(PRINCIPAL, JSON.writeValueAsString(user), role, JSON.writeValueAsString(roles));
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    static Stream<PolicyScenario> scenarios() {
        return SCENARIOS.stream();
    }

    /** Every (scenario, action of its printed policy). */
    static Stream<Arguments> scenarioActions() {
        return SCENARIOS.stream().flatMap(scenario -> actions(printedPolicy(scenario, "lp/any")).stream()
                .map(action -> Arguments.of(scenario, action)));
    }

    private Launcher.PipeRun runUnder(String policy, PolicyScenario scenario, String repository,
                                      Map<String, String> extra) {
        Map<String, String> env = bed.pipeEnv(bed.repositoryUri(repository));
        env.putAll(variables(scenario, repository));
        env.put("IMAGE", bed.repositoryUri(repository));
        env.putAll(extra);
        Path context = clone(work.resolve("ctx-" + RUNS.incrementAndGet()), repository);
        String role = env.get("AWS_ROLE_ARN");
        String oidcRole = env.get("AWS_OIDC_ROLE_ARN");
        if (oidcRole != null) {
            // a step with oidc: true and no keys: the printed policy goes on the role the token is exchanged for
            env.remove("AWS_KEY");
            env.remove("AWS_SECRET");
            env.put("BITBUCKET_STEP_OIDC_TOKEN", bed.standIn().issueWebIdentityToken("{repo-uuid}:{step-uuid}"));
            env.put("BITBUCKET_BUILD_NUMBER", "7");
            bed.standIn().enforcePolicies(Map.of(oidcRole, policy), oidcRole);
        } else if (role == null) {
            bed.standIn().enforcePolicy(policy, PRINCIPAL);
        } else {
            bed.standIn().enforcePolicies(byIdentity(policy, role), role);
        }
        try {
            return new InProcessLauncher().run(env, Map.of(), context);
        } finally {
            bed.standIn().stopEnforcingPolicy();
        }
    }

    /**
     * A scenario's clone: a busybox context, with the lifecycle policy and the Dockerfiles the scenarios name — one
     * of them FROM an image of {@code <repository>-base} in the bed's ECR registry.
     */
    private static Path clone(Path directory, String repository) {
        return TestImages.busybox(directory).uniqueFile().file("lifecycle.json", LIFECYCLE)
                .file("Stages.Dockerfile", STAGES)
                .file("Base.Dockerfile", "FROM " + EcrBed.ECR_REGISTRY_HOST + "/" + repository + "-base:1\n"
                        + "COPY unique.txt /unique.txt\n").write();
    }

    /**
     * The repository a denial names when the policy lacks {@code action}: the scenario's own, but for the layers
     * of a base image, which the engine pulls from the base image's repository.
     */
    private static String deniedRepository(PolicyScenario scenario, String action, String repository) {
        return "Base.Dockerfile".equals(scenario.variables().get("DOCKERFILE"))
                && action.equals("ecr:GetDownloadUrlForLayer") ? repository + "-base" : repository;
    }

    /** Pushes an image to {@code repository} under {@code tag}, with everything allowed (a scenario's setup). */
    private void pushWithoutPolicy(String repository, String tag) {
        pushWithoutPolicy(repository, tag, false);
    }

    private void pushWithoutPolicy(String repository, String tag, boolean cache) {
        Map<String, String> env = bed.pipeEnv(bed.repositoryUri(repository));
        env.put("TAGS", tag);
        env.put("CACHE", String.valueOf(cache));
        Path context = TestImages.busybox(work.resolve("setup-" + RUNS.incrementAndGet())).uniqueFile().write();
        Launcher.PipeRun run = new InProcessLauncher().run(env, Map.of(), context);
        assertEquals(0, run.exitCode(), run.output());
    }

    /** Removes an image the engine may hold under {@code name}. */
    private void removeIfHeld(String name) {
        try {
            bed.docker().removeImageCmd(name).exec();
        } catch (NotFoundException e) {
            // not held: nothing to remove
        }
    }

    /** The operations the stand-in denied, each once, in order. */
    private List<String> deniedOperations() {
        return bed.standIn().requests().all().stream().filter(c -> c.outcome().equals("AccessDeniedException"))
                .map(c -> c.operation()).distinct().toList();
    }

    private static String repositoryFor(String label) {
        return "lp/" + label.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]+", "-")
                .replaceAll("^-|-$", "") + "-" + RUNS.incrementAndGet();
    }

    @Test
    void theBedsRepositoryUriIsTheOneThePolicyNames() {
        assertEquals(EcrBed.ECR_REGISTRY_HOST + "/lp/x", bed.repositoryUri("lp/x"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void passesWithExactlyThePrintedPolicy(PolicyScenario scenario) throws Exception {
        String repository = repositoryFor(scenario.name());
        scenario.prepare().prepare(this, repository);
        String policy = printedPolicy(scenario, repository);
        bed.standIn().requests().clear();
        Launcher.PipeRun run = runUnder(policy, scenario, repository, DEBUG);
        assertEquals(0, run.exitCode(), run.output());
        if ("stages".equals(scenario.variables().get("CACHE"))) {
            // a stage that cannot be pushed is only a warning: the policy must let the stage through too
            assertTrue(run.output().contains("INFO: CACHE=stages: pushed " + bed.repositoryUri(repository)
                    + ":cache-builder ("), run.output());
            assertFalse(run.output().contains("WARNING"), run.output());
        }
        List<String> denied = deniedOperations();
        assertTrue(UNLISTED.keySet().containsAll(denied), "only calls left out by design were denied: " + denied);
        denied.forEach(operation -> assertTrue(run.output().contains(UNLISTED.get(operation)), run.output()));
    }

    /** The calls no policy lists are made, denied, and the run goes on: they are not needed. */
    @Test
    void theCallsLeftOutOfThePolicyAreDeniedAndNotNeeded() throws Exception {
        PolicyScenario scenario = SCENARIOS.get(0);
        String repository = repositoryFor("unlisted");
        scenario.prepare().prepare(this, repository);
        String policy = printedPolicy(scenario, repository);
        UNLISTED.keySet().forEach(operation -> assertFalse(actions(policy).contains("ecr:" + operation), policy));
        bed.standIn().requests().clear();
        Launcher.PipeRun run = runUnder(policy, scenario, repository, DEBUG);
        assertEquals(0, run.exitCode(), run.output());
        assertEquals(List.of("DescribeImages"), deniedOperations());
        assertTrue(run.output().contains(UNLISTED.get("DescribeImages")), run.output());
        SCENARIOS.forEach(each -> UNLISTED.keySet().forEach(operation -> assertFalse(
                actions(printedPolicy(each, repository)).contains("ecr:" + operation), each.name())));
    }

    @ParameterizedTest(name = "{0} without {1}")
    @MethodSource("scenarioActions")
    void failsClearlyWithoutAnyOneAction(PolicyScenario scenario, String action) throws Exception {
        String repository = repositoryFor(scenario.name() + " " + action);
        scenario.prepare().prepare(this, repository);
        String policy = without(printedPolicy(scenario, repository), action);
        String degraded = scenario.degraded().get(action);
        // the lines of the calls the pipe goes on without are debug lines; a failure shows no stack trace without
        Launcher.PipeRun run = runUnder(policy, scenario, repository, degraded != null ? DEBUG : Map.of());
        if (degraded != null) {
            assertEquals(0, run.exitCode(), "optional by design: " + run.output());
            assertTrue(run.output().contains(degraded), run.output());
            return;
        }
        assertEquals(3, run.exitCode(), run.output());
        if (action.equals("sts:AssumeRole")) { // STS does not say whether the trust or the user's policy refused
            assertTrue(run.failureLine().startsWith("✖ STS refused sts:AssumeRole on " + ROLE + ": User: "
                    + PRINCIPAL + " is not authorized to perform: sts:AssumeRole on resource: " + ROLE),
                    run.output());
            return;
        }
        String resource = action.equals("ecr:GetAuthorizationToken") ? "*"
                : "arn:aws:ecr:" + EcrBed.REGION + ":" + EcrBed.ACCOUNT_ID + ":repository/"
                + deniedRepository(scenario, action, repository);
        assertTrue(run.failureLine().startsWith("✖ Missing permission " + action + " on " + resource + ": "),
                run.output());
        assertFalse(run.output().contains("\tat "), "no stack trace: " + run.output());
    }

    /**
     * Secret hygiene with DEBUG=true: session credentials, an OIDC token in the step's context, and the ECR
     * passwords the stand-in issued are nowhere in the output, in the files written during the run, or in the
     * image's configuration and history.
     */
    @Test
    void debugRunsShowNoSecretAnywhere() throws Exception {
        String repository = repositoryFor("debug secrets");
        bed.standIn().createRepository(repository);
        String keyId = "ASIAECRPIPEDEBUG0001";
        String secret = "debugSecretKey/" + java.util.UUID.randomUUID();
        String sessionToken = "debugSessionToken+" + java.util.UUID.randomUUID();
        String oidcToken = "eyJoidcTokenForTheDebugRun." + java.util.UUID.randomUUID();
        bed.standIn().addSessionCredentials(keyId, secret, sessionToken, Instant.now().plusSeconds(3600));
        Instant start = Instant.now();
        PolicyScenario scenario = SCENARIOS.get(0);
        Launcher.PipeRun run = runUnder(printedPolicy(scenario, repository), scenario, repository, Map.of(
                "DEBUG", "true", "AWS_KEY", keyId, "AWS_SECRET", secret, "AWS_SESSION_TOKEN", sessionToken,
                "BITBUCKET_STEP_OIDC_TOKEN", oidcToken));
        assertEquals(0, run.exitCode(), run.output());
        assertTrue(run.output().contains("Enabling debug mode."), run.output());

        SecretScanner scanner = new SecretScanner()
                .secret("AWS secret", secret)
                .secret("session token", sessionToken)
                .secret("OIDC token", oidcToken)
                .secret("the bed's AWS secret", bed.secretKey())
                .registryPasswords(bed.standIn().issuedRegistryPasswords());
        assertTrue(scanner.size() >= 6, "an ECR password was issued and is looked for");
        scanner.assertNoneIn("the run's output", run.output());
        scanner.assertNoneInFilesUnder(start, work, Path.of(System.getProperty("user.home")),
                Path.of(System.getProperty("java.io.tmpdir")));
        scanner.assertNoneInImage(bed.dockerHost(), bed.repositoryUri(repository) + ":1.0.0");
    }
}
