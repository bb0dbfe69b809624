package org.ecrpushpipe.scenarios;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.ecrpushpipe.cli.PipeLauncher;
import org.ecrpushpipe.testbed.EcrBed;
import org.ecrpushpipe.testbed.EcrRegionsBed;
import org.ecrpushpipe.testbed.TestImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * {@link LeastPrivilegeTest}'s proof for MIRROR_REGIONS, on the bed with three regions of one account: the policy
 * printed for the mirror run is enforced by every region's stand-in; the run passes with exactly it, fails with the
 * "Missing permission" line and exit code 3 without any one of its actions, and without any one region's
 * repository ARN.
 */
class MirrorLeastPrivilegeTest extends RegionsScenarios {
    private static final Map<String, String> VARIABLES = Map.of("TAGS", "1.0.0", "MIRROR_REGIONS",
            "eu-west-1 us-east-1");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger RUNS = new AtomicInteger();

    MirrorLeastPrivilegeTest(EcrRegionsBed bed) {
        super(bed);
    }

    private String printedPolicy(String repository) {
        Map<String, String> env = new HashMap<>(VARIABLES);
        env.put("IMAGE", bed.repositoryUri(repository));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int code = PipeLauncher.launch(new String[] {"policy"}, env, Path.of(""),
                new PrintStream(bytes, true, StandardCharsets.UTF_8));
        assertEquals(0, code, bytes.toString(StandardCharsets.UTF_8));
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static String arn(String region, String repository) {
        return "arn:aws:ecr:" + region + ":" + EcrBed.ACCOUNT_ID + ":repository/" + repository;
    }

    /** A repository in every region, and the policy printed for it. */
    private String repository(String label) {
        String repository = "lpm/" + label.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]+", "-") + "-"
                + RUNS.incrementAndGet();
        bed.createRepository(repository, "MUTABLE", ALL_REGIONS);
        return repository;
    }

    private Launcher.PipeRun runUnder(String policy, String repository) {
        Map<String, String> env = bed.pipeEnv(bed.repositoryUri(repository));
        env.putAll(VARIABLES);
        Path context = TestImages.busybox(work.resolve("ctx-" + RUNS.incrementAndGet())).uniqueFile().write();
        ALL_REGIONS.forEach(region -> bed.standIn(region).enforcePolicy(policy, LeastPrivilegeTest.PRINCIPAL));
        try {
            return launcher.run(env, Map.of(), context);
        } finally {
            ALL_REGIONS.forEach(region -> bed.standIn(region).stopEnforcingPolicy());
        }
    }

    @Test
    void thePolicyNamesTheRepositoryInEveryRegion() {
        String policy = printedPolicy("lpm/any");
        ALL_REGIONS.forEach(region -> assertTrue(policy.contains("\"" + arn(region, "lpm/any") + "\""), policy));
    }

    @Test
    void passesWithExactlyThePrintedPolicyInEveryRegion() {
        String repository = repository("pass");
        ALL_REGIONS.forEach(region -> bed.standIn(region).requests().clear());
        Launcher.PipeRun run = runUnder(printedPolicy(repository), repository);
        assertEquals(0, run.exitCode(), run.output());
        for (String region : ALL_REGIONS) {
            assertTrue(run.output().contains("✔ Region " + region + ": "), run.output());
            List<String> denied = bed.standIn(region).requests().all().stream()
                    .filter(c -> c.outcome().equals("AccessDeniedException")).map(c -> c.operation()).distinct()
                    .toList();
            assertTrue(LeastPrivilegeTest.UNLISTED.keySet().containsAll(denied),
                    "in " + region + " only calls left out by design were denied: " + denied);
        }
    }

    static Stream<String> actions() {
        return LeastPrivilegeTest.actions(new MirrorPolicyShape().policy()).stream();
    }

    /** The actions of the mirror configuration's policy, read without a bed (for the parameters). */
    private static final class MirrorPolicyShape {
        String policy() {
            Map<String, String> env = new HashMap<>(VARIABLES);
            env.put("IMAGE", EcrBed.ECR_REGISTRY_HOST + "/lpm/any");
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            PipeLauncher.launch(new String[] {"policy"}, env, Path.of(""),
                    new PrintStream(bytes, true, StandardCharsets.UTF_8));
            return bytes.toString(StandardCharsets.UTF_8);
        }
    }

    @ParameterizedTest(name = "without {0}")
    @MethodSource("actions")
    void failsClearlyWithoutAnyOneAction(String action) {
        String repository = repository(action);
        Launcher.PipeRun run = runUnder(LeastPrivilegeTest.without(printedPolicy(repository), action), repository);
        if (action.equals("ecr:GetDownloadUrlForLayer")) { // nothing to pull in a new repository
            assertEquals(0, run.exitCode(), run.output());
            assertTrue(run.output().contains("INFO: Registry cache: no previous image in the registry"),
                    run.output());
            return;
        }
        assertEquals(3, run.exitCode(), run.output());
        String resource = action.equals("ecr:GetAuthorizationToken") ? "\\*"
                : "arn:aws:ecr:[a-z0-9-]+:" + EcrBed.ACCOUNT_ID + ":repository/" + Pattern.quote(repository);
        assertTrue(Pattern.compile("✖ Missing permission " + Pattern.quote(action) + " on " + resource + ": .*")
                .matcher(run.failureLine()).matches(), run.output());
        assertFalse(run.output().contains("\tat "), "no stack trace: " + run.output());
    }

    static Stream<String> mirrorRegions() {
        return EcrRegionsBed.OTHER_REGIONS.stream();
    }

    /** Each mirror region's ARN is needed: the run fails on that region's repository without it. */
    @ParameterizedTest(name = "without {0}")
    @MethodSource("mirrorRegions")
    void failsClearlyWithoutAnyOneRegion(String region) throws Exception {
        String repository = repository("region " + region);
        String arn = arn(region, repository);
        ObjectNode document = (ObjectNode) JSON.readTree(printedPolicy(repository));
        for (JsonNode statement : document.get("Statement")) {
            List<JsonNode> kept = new ArrayList<>();
            statement.get("Resource").forEach(r -> {
                if (!r.asText().equals(arn)) {
                    kept.add(r);
                }
            });
            ((ObjectNode) statement).putArray("Resource").addAll(kept);
        }
        Launcher.PipeRun run = runUnder(JSON.writeValueAsString(document), repository);
        assertEquals(3, run.exitCode(), run.output());
        assertTrue(run.failureLine().startsWith("✖ Missing permission ecr:") && run.failureLine().contains(" on "
                + arn + ": "), run.output());
    }
}
