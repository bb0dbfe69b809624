package org.ecrpushpipe.scenarios;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.ecrpushpipe.standin.Fault;
import org.ecrpushpipe.testbed.EcrBed;
import org.ecrpushpipe.testbed.EcrBedExtension;
import org.ecrpushpipe.testbed.HostProcesses;
import org.ecrpushpipe.testbed.TestImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pipe's end-to-end scenarios, one set for every way the pipe runs: each subclass names a {@link Launcher}
 * (in-process, the packaged jar, the image as Bitbucket runs it, the native binary) and a {@link Builder} (BuildKit,
 * the default, and the classic builder: each launcher runs the set under both). On the bed: the real Docker
 * engine builds and pushes through the ECR stand-in's facade into the real registry. Each test checks what a user
 * would: exit code, printed lines, and what the registry now holds.
 */
@ExtendWith(EcrBedExtension.class)
public abstract class PipeScenarios {
    private static final Pattern PUSHED = Pattern.compile("✔ Successfully pushed (\\S+):(\\S+) \\((sha256:[0-9a-f]{64})\\)");

    @TempDir
    Path work;

    protected final EcrBed bed;

    protected PipeScenarios(EcrBed bed) {
        this.bed = bed;
    }

    /** How this class runs the pipe. */
    protected abstract Launcher launcher();

    /** The engine's builder every run of this class builds with. */
    protected abstract Builder builder();

    /**
     * Whether every run also has DEBUG=true: the in-process layer proves that debug output shows no secret in
     * every scenario, at no extra run; the packaged layers prove the output without DEBUG (no stack traces).
     */
    protected boolean debugAlways() {
        return false;
    }

    /** {@link #launcher()}, scanning every run's output for secrets (see {@link SecretScanningLauncher}). */
    private Launcher pipe() {
        return new SecretScanningLauncher(builder().launching(launcher()), bed, debugAlways());
    }

    private Launcher.PipeRun run(Map<String, String> env, Path dir, String... args) {
        return pipe().run(env, Map.of(), dir, args);
    }

    private Path context(String name, String... lines) {
        TestImages.Context context = TestImages.busybox(work.resolve(name)).uniqueFile();
        for (String line : lines) {
            context.line(line);
        }
        return context.write();
    }

    private void assertNoSecretsIn(Launcher.PipeRun run) {
        assertFalse(run.output().contains(bed.secretKey()), "secret key printed");
        assertFalse(run.output().contains(EcrBed.ACCESS_KEY), "access key printed");
        assertFalse(bed.standIn().issuedRegistryPasswords().isEmpty());
        for (String password : bed.standIn().issuedRegistryPasswords()) {
            assertFalse(run.output().contains(password), "registry password printed");
            assertFalse(run.output().contains(java.util.Base64.getEncoder().encodeToString(
                    ("AWS:" + password).getBytes(StandardCharsets.UTF_8))), "registry token printed");
        }
    }

    private void assertNoStackTrace(Launcher.PipeRun run) {
        if (debugAlways()) {
            return; // DEBUG=true shows stack traces by design; the packaged layers check their absence
        }
        assertFalse(run.output().contains("\tat "), run.output());
        assertFalse(run.output().contains("Exception:"), run.output());
    }

    @Test
    void buildsPushesAndVerifiesEveryTag() {
        bed.standIn().createRepository("e2e/happy");
        Map<String, String> env = bed.pipeEnv("e2e/happy");
        env.put("TAGS", "latest 1.0.0");
        bed.standIn().requests().clear();
        bed.standIn().registryRequests().clear();
        Launcher.PipeRun run = run(env, context("happy"));

        assertEquals(0, run.exitCode(), run.output());
        List<Matcher> pushed = run.lines().stream().map(PUSHED::matcher).filter(Matcher::matches).toList();
        assertEquals(List.of("1.0.0", "latest"), pushed.stream().map(m -> m.group(2)).toList(), "moving tag last");
        for (Matcher m : pushed) {
            assertEquals(bed.registryHost() + "/e2e/happy", m.group(1));
            assertEquals(Optional.of(m.group(3)), bed.manifestDigest("e2e/happy", m.group(2)),
                    "the registry holds the digest the pipe reported");
        }
        assertTrue(builder().showsAStep(run.output()), "build output is streamed: " + run.output());
        assertTrue(run.lines().get(run.lines().size() - 1).matches(
                "INFO: Pushed 2 tags of \\S+: build \\d+\\.\\d s, push \\d+\\.\\d s\\."), run.output());
        assertNoSecretsIn(run);
        List<String> calls = bed.standIn().requests().operations();
        assertEquals(6, calls.size(), "only the ECR calls README's IAM policy lists: " + calls);
        assertEquals(Set.of("GetAuthorizationToken", "DescribeRepositories", "DescribeImages", "BatchGetImage"),
                Set.copyOf(calls.subList(0, 4)), "asked at once, alongside the build: the login, the repository, the"
                + " archived images among the tags (DescribeImages), and in one request what the tags and the"
                + " registry cache's own candidates name (BatchGetImage): " + calls);
        assertEquals(List.of("BatchGetImage", "PutImage"), calls.subList(4, 6), "after the push, the verification;"
                + " the second tag is added in the registry (PutImage): " + calls);
        // beside the image, the registry cache's own image (under BuildKit, the cache tag) goes through the registry
        assertEquals(1, bed.standIn().registryRequests().stream().filter(r -> r.startsWith("PUT ")
                && r.contains("/manifests/") && !r.contains("/manifests/cache")).count(), "one manifest of the image"
                + " pushed through the registry, for the first tag: " + bed.standIn().registryRequests());
    }

    @Test
    void resultsForLaterStepsInTheSharedStorageAndOutputFile() throws Exception {
        bed.standIn().createRepository("e2e/results");
        Map<String, String> env = bed.pipeEnv("e2e/results");
        env.put("TAGS", "2.0 latest");
        env.put("OUTPUT_FILE", "out/image.json");
        // relative here, so that every launcher finds it in the clone; Bitbucket sets the absolute path in the clone
        env.put("BITBUCKET_PIPE_SHARED_STORAGE_DIR", ".bitbucket/pipelines/generated/pipeline/pipes");
        Path dir = context("results");
        java.nio.file.Files.createDirectories(dir.resolve("out"));
        Launcher.PipeRun run = run(env, dir);
        assertEquals(0, run.exitCode(), run.output());
        String digest = bed.manifestDigest("e2e/results", "2.0").orElseThrow();

        Path dotenv = dir.resolve(".bitbucket/pipelines/generated/pipeline/pipes/ecr-push-pipe/results.env");
        assertEquals("IMAGE_URI=" + bed.registryHost() + "/e2e/results\nIMAGE_DIGEST=" + digest
                + "\nIMAGE_TAGS='2.0 latest'\n", java.nio.file.Files.readString(dotenv));
        // a later step's shell reads it as it is
        Process shell = new ProcessBuilder("sh", "-c", ". \"$0\" && printf '%s@%s' \"$IMAGE_URI\" \"$IMAGE_DIGEST\"",
                dotenv.toString()).redirectErrorStream(true).start();
        assertEquals(bed.registryHost() + "/e2e/results@" + digest,
                new String(shell.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        assertEquals(0, shell.waitFor());
        String json = java.nio.file.Files.readString(dir.resolve("out/image.json"));
        assertEquals(json, java.nio.file.Files.readString(dotenv.resolveSibling("results.json")));
        assertTrue(json.contains("\"IMAGE_DIGEST\" : \"" + digest + "\""), json);
        for (String password : bed.standIn().issuedRegistryPasswords()) {
            assertFalse(json.contains(password));
        }
        assertFalse(json.contains(bed.secretKey()));
    }

    @Test
    void defaultTagComesFromTheBranch() {
        bed.standIn().createRepository("e2e/branch");
        Map<String, String> env = bed.pipeEnv("e2e/branch");
        env.put("BITBUCKET_BRANCH", "feature/login-page");
        Launcher.PipeRun run = run(env, context("branch"));
        assertEquals(0, run.exitCode(), run.output());
        assertTrue(bed.manifestDigest("e2e/branch", "feature-login-page").isPresent());
    }

    @Test
    void aBranchThatCleansToNothingNeverMovesLatest() {
        bed.standIn().createRepository("e2e/no-latest");
        Map<String, String> env = bed.pipeEnv("e2e/no-latest");
        env.put("BITBUCKET_BRANCH", "///");
        Launcher.PipeRun run = run(env, context("no-latest"));
        assertEquals(2, run.exitCode(), run.output());
        assertTrue(run.output().contains("TAGS:\n- not set, and BITBUCKET_BRANCH '///' leaves no valid Docker tag"),
                run.output());
        assertEquals(Optional.empty(), bed.manifestDigest("e2e/no-latest", "latest"));
    }

    @Test
    void latestWithoutGitContextIsSaid() {
        bed.standIn().createRepository("e2e/latest");
        Launcher.PipeRun run = run(bed.pipeEnv("e2e/latest"), context("latest"));
        assertEquals(0, run.exitCode(), run.output());
        assertTrue(run.output().contains("INFO: No TAGS, and no git context (BITBUCKET_TAG, BITBUCKET_BRANCH,"
                + " BITBUCKET_COMMIT) in the environment: pushing the tag latest."), run.output());
        assertTrue(bed.manifestDigest("e2e/latest", "latest").isPresent());
    }

    @Test
    void dockerignoreIsHonoured() {
        bed.standIn().createRepository("e2e/ignore");
        Path dir = TestImages.busyboxWithDockerignore(work.resolve("ignore")).write();
        Launcher.PipeRun run = run(bed.pipeEnv("e2e/ignore"), dir);
        assertEquals(0, run.exitCode(), run.output());
    }

    @Test
    void wrongSecretIsAnAuthenticationFailure() {
        bed.standIn().createRepository("e2e/secret");
        Map<String, String> env = bed.pipeEnv("e2e/secret");
        env.put("AWS_SECRET", "not-the-secret");
        Launcher.PipeRun run = run(env, context("secret"));
        assertEquals(3, run.exitCode(), run.output());
        assertEquals("✖ AWS rejected the request signature: the secret key does not belong to the access key.",
                run.failureLine());
        assertTrue(run.output().contains("Hint: check AWS_SECRET"), run.output());
        assertFalse(run.output().contains("not-the-secret"));
        assertNoStackTrace(run);
    }

    @Test
    void aRefusedLoginStopsABuildThatStartedAlongsideIt() {
        bed.standIn().createRepository("e2e/stopped");
        Map<String, String> env = bed.pipeEnv("e2e/stopped");
        env.put("AWS_SECRET", "not-the-secret");
        String marker = java.util.UUID.randomUUID().toString();
        // the build would take 30 s and then label its image; the login is refused long before
        Launcher.PipeRun run = run(env, context("stopped", "RUN sleep 30 && echo " + marker, "LABEL marker=" + marker));
        assertEquals(3, run.exitCode(), run.output());
        assertFalse(builder().showsBuildOutput(run.output()), "no output of a build for a run that cannot push: "
                + run.output());
        // the engine notices the closed connection and kills the step within moments; the step alone would run
        // 30 s, so waiting up to 20 s for it to be gone still tells a stopped build from a finished one (the step's
        // shell is a process of this machine under either builder; its command line holds the marker, and the sleep
        // is not its last command, so it stays while the sleep runs)
        assertEquals(List.of(), HostProcesses.awaitNoneMentioning(marker, Duration.ofSeconds(20)),
                "its RUN step is not left running");
        assertTrue(bed.docker().listImagesCmd().withLabelFilter(Map.of("marker", marker)).exec().isEmpty(),
                "the build was stopped, not finished");
    }

    @Test
    void unknownKeyIsAnAuthenticationFailure() {
        Map<String, String> env = bed.pipeEnv("e2e/any");
        env.put("AWS_KEY", "AKIAUNKNOWN000000000");
        Launcher.PipeRun run = run(env, context("unknown-key"));
        assertEquals(3, run.exitCode(), run.output());
        assertTrue(run.failureLine().startsWith("✖ AWS does not recognise the access key"), run.output());
    }

    @Test
    void unknownRepositoryFailsBeforeBuilding() {
        Launcher.PipeRun run = run(bed.pipeEnv("e2e/never-created"), context("missing-repo"));
        assertEquals(6, run.exitCode(), run.output());
        assertEquals("✖ The repository 'e2e/never-created' does not exist in " + bed.registryHost() + ".",
                run.failureLine());
        assertFalse(builder().showsBuildOutput(run.output()), "no build for a push that cannot succeed: "
                + run.output());
        assertNoStackTrace(run);
    }

    @Test
    void unreachableEngineSaysTheStepNeedsTheDockerService() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        bed.standIn().createRepository("e2e/engine");
        Map<String, String> env = bed.pipeEnv("e2e/engine");
        env.put("DOCKER_HOST", "tcp://127.0.0.1:" + closedPort);
        Launcher.PipeRun run = run(env, context("engine"));
        assertEquals(4, run.exitCode(), run.output());
        assertTrue(run.failureLine().startsWith("✖ Cannot reach the Docker engine at tcp://127.0.0.1:" + closedPort),
                run.output());
        assertTrue(run.output().contains("services: [docker]"), run.output());
        assertNoStackTrace(run);
    }

    @Test
    void missingDockerfileIsAConfigurationError() {
        Map<String, String> env = bed.pipeEnv("e2e/any");
        env.put("DOCKERFILE", "Dockerfile.missing");
        Launcher.PipeRun run = run(env, context("no-dockerfile"));
        assertEquals(2, run.exitCode(), run.output());
        assertEquals("✖ Validation errors:", run.failureLine());
        assertTrue(run.output().contains("DOCKERFILE:\n- 'Dockerfile.missing' does not exist"), run.output());
    }

    @Test
    void failingRunStepIsABuildFailureAndPushesNothing() {
        bed.standIn().createRepository("e2e/fails");
        String marker = "about to fail " + java.util.UUID.randomUUID();
        Launcher.PipeRun run = run(bed.pipeEnv("e2e/fails"), context("fails", "RUN echo " + marker + " && exit 3"));
        assertEquals(5, run.exitCode(), run.output());
        assertTrue(run.failureLine().matches("✖ The image build failed at "
                + builder().step("RUN echo about to fail .*") + ": "
                + builder().commandFailed("echo about to fail .* && exit 3", 3)), run.output());
        assertTrue(builder().printed(run.output(), marker), "the build's own output is shown: " + run.output());
        assertEquals(Optional.empty(), bed.manifestDigest("e2e/fails", "latest"));
        assertTrue(bed.docker().listContainersCmd().withShowAll(true).exec().stream()
                        .noneMatch(c -> c.getCommand() != null && c.getCommand().contains(marker)),
                "the failed step's container is removed");
        assertEquals(List.of(), HostProcesses.mentioning(marker), "nothing of the failed step runs on");
        assertNoStackTrace(run);
    }

    @Test
    void immutableTagWithOtherContentFailsBeforePushingAnyTag() {
        bed.standIn().createRepository("e2e/immutable", "IMMUTABLE");
        Map<String, String> env = bed.pipeEnv("e2e/immutable");
        env.put("TAGS", "1.0");
        assertEquals(0, run(env, context("immutable-1")).exitCode());
        String original = bed.manifestDigest("e2e/immutable", "1.0").orElseThrow();

        env.put("TAGS", "2.0 1.0");
        Launcher.PipeRun second = run(env, context("immutable-2"));
        assertEquals(6, second.exitCode(), second.output());
        assertTrue(second.failureLine().startsWith("✖ The immutable tag 1.0 (" + original + ") of "
                + bed.registryHost() + "/e2e/immutable already holds another image than this build"), second.output());
        assertTrue(second.failureLine().endsWith("nothing was pushed."), second.output());
        assertEquals(Optional.of(original), bed.manifestDigest("e2e/immutable", "1.0"), "the tag was not moved");
        assertEquals(Optional.empty(), bed.manifestDigest("e2e/immutable", "2.0"), "no tag of the run was pushed");
    }

    @Test
    void rerunOnAnImmutableRepositorySucceedsWhenTheImageIsTheSame() {
        bed.standIn().createRepository("e2e/rerun", "IMMUTABLE");
        Map<String, String> env = bed.pipeEnv("e2e/rerun");
        env.put("TAGS", "1.0");
        Path dir = context("rerun");
        Launcher.PipeRun first = run(env, dir);
        assertEquals(0, first.exitCode(), first.output());
        String digest = bed.manifestDigest("e2e/rerun", "1.0").orElseThrow();

        // the same context builds the same image from the engine's cache: a re-run of the step
        Launcher.PipeRun again = run(env, dir);
        assertEquals(0, again.exitCode(), again.output());
        assertTrue(again.output().contains("INFO: The immutable tag " + bed.registryHost()
                + "/e2e/rerun:1.0 already holds this image; nothing to push."), again.output());
        assertTrue(again.output().contains("✔ Already in the registry: " + bed.registryHost() + "/e2e/rerun:1.0 ("
                + digest + ")"), again.output());
        assertEquals(Optional.of(digest), bed.manifestDigest("e2e/rerun", "1.0"));
    }

    @Test
    void transientRegistryFailuresAreRetried() {
        bed.standIn().createRepository("e2e/flaky");
        bed.standIn().faults().failNext(1, "PUT", "/v2/e2e/flaky/manifests/.*", Fault.status(500));
        Launcher.PipeRun run = run(bed.pipeEnv("e2e/flaky"), context("flaky"));
        assertEquals(0, run.exitCode(), run.output());
        assertTrue(run.output().contains("WARNING: Push of " + bed.registryHost() + "/e2e/flaky:latest failed"),
                run.output());
        assertTrue(bed.manifestDigest("e2e/flaky", "latest").isPresent());
        assertEquals(0, bed.standIn().faults().pending());
    }

    @Test
    void throttledUploadsAndADroppedManifestPutAreSurvived() {
        bed.standIn().createRepository("e2e/rough");
        bed.standIn().faults().failNext(1, "POST", "/v2/e2e/rough/blobs/uploads/", Fault.throttled());
        bed.standIn().faults().failNext(1, "PUT", "/v2/e2e/rough/manifests/.*", Fault.dropConnection());
        Launcher.PipeRun run = run(bed.pipeEnv("e2e/rough"), context("rough"));
        assertEquals(0, run.exitCode(), run.output());
        assertEquals(0, bed.standIn().faults().pending(), "both faults were hit");
        Matcher pushed = run.lines().stream().map(PUSHED::matcher).filter(Matcher::matches).findFirst().orElseThrow();
        assertEquals(Optional.of(pushed.group(3)), bed.manifestDigest("e2e/rough", "latest"));
    }

    @Test
    void debugShowsDetailButNoSecrets() {
        bed.standIn().createRepository("e2e/debug");
        Map<String, String> env = bed.pipeEnv("e2e/debug");
        env.put("DEBUG", "true");
        Launcher.PipeRun run = run(env, context("debug"));
        assertEquals(0, run.exitCode(), run.output());
        assertTrue(run.output().startsWith("INFO: Enabling debug mode."), run.output());
        assertTrue(run.output().contains("DEBUG: "), run.output());
        assertNoSecretsIn(run);
    }

    @Test
    void expiredLoginIsRenewedOnce() {
        bed.standIn().createRepository("e2e/expiry");
        bed.standIn().authorizationTokenLifetime(Duration.ofSeconds(5));
        try {
            // the build itself outlasts the token: the first push sees DENIED, logs in again, and succeeds
            Launcher.PipeRun run = run(bed.pipeEnv("e2e/expiry"), context("expiry", "RUN sleep 6"));
            assertEquals(0, run.exitCode(), run.output());
            assertTrue(run.output().contains("WARNING: The registry says the login expired; logging in again."),
                    run.output());
            assertTrue(bed.manifestDigest("e2e/expiry", "latest").isPresent());
        } finally {
            bed.standIn().authorizationTokenLifetime(Duration.ofHours(12));
        }
    }

    @Test
    void tagsGivenAsAYamlListArriveSplitAndArePushed() {
        bed.standIn().createRepository("e2e/list");
        Path dir = context("list");
        Launcher.PipeRun run = pipe().run(bed.pipeEnv("e2e/list"), Map.of("TAGS", List.of("1.2.3", "latest", "build-7")), dir);
        assertEquals(0, run.exitCode(), run.output());
        assertEquals(List.of("1.2.3", "build-7", "latest"), run.lines().stream().map(PUSHED::matcher)
                .filter(Matcher::matches).map(m -> m.group(2)).toList());
    }

    @Test
    void failuresArePlainUtf8LinesWithoutStackTraces() throws Exception {
        Path dir = context("utf8");
        Map<String, String> env = bed.pipeEnv("e2e/utf8");
        env.remove("NO_COLOR");
        env.put("AWS_SECRET", "wrong");
        Launcher.PipeRun run = run(env, dir);
        assertEquals(3, run.exitCode(), run.output());
        assertTrue(run.output().contains("\u001b[0;31m✖ AWS rejected the request signature: the secret key does not"
                + " belong to the access key.\u001b[0m"), "red, UTF-8, without LANG: " + run.output());
        assertNoStackTrace(run);
        assertFalse(run.output().contains("INFO  ["), "no framework log lines: " + run.output());
    }

    @Test
    void argumentsAreAConfigurationError() {
        Launcher.PipeRun run = pipe().run(Map.of("NO_COLOR", "1"), Map.of(), work, "--push");
        assertEquals(2, run.exitCode(), run.output());
        assertEquals("✖ Validation errors:", run.failureLine());
        assertTrue(run.output().contains("- Unknown option: '--push'; the pipe takes no arguments"), run.output());
    }

    @Test
    void helpListsTheVariablesExitCodesAndAnExample() {
        Launcher.PipeRun run = pipe().run(Map.of(), Map.of(), work, "--help");
        assertEquals(0, run.exitCode(), run.output());
        assertTrue(run.output().contains("AWS_KEY | AWS_ACCESS_KEY_ID"), run.output());
        assertTrue(run.output().contains("IMAGE | IMAGE_NAME"), run.output());
        assertTrue(run.output().contains(" (<account>.dkr.ecr.<region>.amazonaws.com/<name>) "), "no token is cut: "
                + run.output());
        for (String line : run.lines()) {
            assertTrue(line.length() <= 80, "wrapped at 80 columns: " + line);
        }
        assertTrue(run.output().contains("\nExit codes:\n  0  the image was built"), run.output());
        assertTrue(run.output().contains("\n  6  the push failed: the repository is missing, ECR or the registry refused or\n"
                + "     could not be reached"), "continuation lines are indented: " + run.output());
        assertTrue(run.output().contains("\nExample (the pipe's image run by hand"), run.output());
        // last, the README section or docs/ page of each group of variables (HelpLinksTest checks each leads there)
        assertTrue(run.output().contains("\nMore in README.md and docs/, a section or page for each group of"
                + " variables:\nCredentials ("), run.output());
        List<String> lines = run.output().strip().lines().toList();
        assertTrue(lines.get(lines.size() - 1).startsWith("https://bitbucket.org/org/ecr-push-pipe"),
                "help ends with a link: " + run.output());
        Launcher.PipeRun version = pipe().run(Map.of(), Map.of(), work, "--version");
        assertTrue(version.output().matches("ecr-push-pipe \\d+\\.\\d+\\.\\d+\\n"), "a release version: " + version.output());
    }

    @Test
    void configurationProblemsAreAllListedAtOnce() throws Exception {
        java.nio.file.Files.createDirectories(work.resolve("empty"));
        Launcher.PipeRun run = pipe().run(Map.of("TAGS", "bad/tag", "NO_COLOR", "1"), Map.of(), work.resolve("empty"));
        assertEquals(2, run.exitCode(), run.output());
        for (String variable : new String[] {"AWS_KEY:", "AWS_SECRET:", "IMAGE:", "TAGS:", "DOCKERFILE:"}) {
            assertTrue(run.output().contains("\n" + variable + "\n"), variable + " in " + run.output());
        }
    }

    @Test
    void policyPrintsTheIamPolicyWithoutCredentials() throws Exception {
        Launcher.PipeRun run = pipe().run(Map.of("IMAGE", EcrBed.ECR_REGISTRY_HOST + "/e2e/policy", "NO_COLOR", "1"),
                Map.of(), work, "policy");
        assertEquals(0, run.exitCode(), run.output());
        var policy = new com.fasterxml.jackson.databind.ObjectMapper().readTree(run.output());
        assertEquals("2012-10-17", policy.get("Version").asText(), run.output());
        assertEquals("arn:aws:ecr:" + EcrBed.REGION + ":" + EcrBed.ACCOUNT_ID + ":repository/e2e/policy",
                policy.get("Statement").get(1).get("Resource").get(0).asText(), run.output());
    }
}
