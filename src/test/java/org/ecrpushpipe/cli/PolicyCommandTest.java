package org.ecrpushpipe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.ecrpushpipe.policy.IamPolicy;
import org.ecrpushpipe.policy.PolicyInputs;
import org.junit.jupiter.api.Test;

/** The {@code policy} subcommand: the same variables as a run, no credentials, only the JSON on success. */
class PolicyCommandTest {
    private record Run(int code, String output) {
    }

    private static Run run(Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = PipeLauncher.launch(args, env, Path.of(""), new PrintStream(out, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aFullUriNamesAccountRegionAndPartitionWithoutCredentials() {
        Run run = run(Map.of("IMAGE", "210987654321.dkr.ecr.cn-north-1.amazonaws.com.cn/team/app"), "policy");
        assertEquals(0, run.code(), run.output());
        assertEquals(IamPolicy.of(PolicyInputs.base("210987654321", "team/app", "cn-north-1").withCachePull())
                        .toJson() + "\n", // the registry cache is on by default
                run.output());
        assertTrue(run.output().contains("arn:aws-cn:ecr:cn-north-1:210987654321:repository/team/app"));
    }

    @Test
    void cacheFromNamesTheRepositoriesOfTheImagesRegistryOnly() {
        String host = "210987654321.dkr.ecr.eu-west-1.amazonaws.com";
        Run run = run(Map.of("IMAGE", host + "/team/app", "CACHE_FROM", "team/base:main " + host
                + "/team/tools:1 quay.io/someone/else:1 team/app:old"), "policy");
        assertEquals(0, run.code(), run.output());
        assertEquals(IamPolicy.of(PolicyInputs.base("210987654321", "team/app", "eu-west-1").withCachePull()
                .withCacheFrom(List.of("team/base", "team/tools"))).toJson() + "\n", run.output());
        Run off = run(Map.of("IMAGE", host + "/team/app", "CACHE_FROM", "team/base:main", "CACHE", "false"),
                "policy");
        assertFalse(off.output().contains("team/base"), off.output());
    }

    @Test
    void scanFailOnAddsTheScanGateAndABadSeverityDoesNot() {
        String image = "210987654321.dkr.ecr.eu-west-1.amazonaws.com/team/app";
        Run run = run(Map.of("IMAGE", image, "SCAN_FAIL_ON", "high"), "policy");
        assertEquals(0, run.code(), run.output());
        assertEquals(IamPolicy.of(PolicyInputs.base("210987654321", "team/app", "eu-west-1").withCachePull()
                .withScanGate()).toJson() + "\n", run.output());
        Run bad = run(Map.of("IMAGE", image, "SCAN_FAIL_ON", "SEVERE"), "policy");
        assertEquals(0, bad.code(), "read leniently, as every variable but IMAGE: " + bad.output());
        assertFalse(bad.output().contains("StartImageScan"), bad.output());
    }

    @Test
    void aBareNameTakesTheRegionFromAwsRegionAndLeavesTheAccountOpen() {
        Run run = run(Map.of("IMAGE", "my-service", "AWS_DEFAULT_REGION", "us-gov-west-1"), "policy");
        assertEquals(0, run.code(), run.output());
        assertTrue(run.output().contains("\"arn:aws-us-gov:ecr:us-gov-west-1:*:repository/my-service\""),
                run.output());
    }

    @Test
    void theRepositoryVariablesAreCheckedAsForARun() {
        Run run = run(Map.of("IMAGE", "my-service", "NO_COLOR", "1"), "policy");
        assertEquals(2, run.code(), run.output());
        assertTrue(run.output().contains("AWS_REGION:"), run.output());
        assertTrue(run.output().contains("required field when IMAGE is a bare repository name"), run.output());
        Run none = run(Map.of("NO_COLOR", "1"), "policy");
        assertEquals(2, none.code(), none.output());
        assertTrue(none.output().contains("IMAGE:"), none.output());
    }

    @Test
    void yamlListsAreReadAsARunReadsThem() {
        String host = "210987654321.dkr.ecr.eu-west-1.amazonaws.com";
        Run run = run(Map.of("IMAGE", host + "/team/app", "MIRROR_REGIONS_COUNT", "2", "MIRROR_REGIONS_0",
                "us-east-1", "MIRROR_REGIONS_1", "eu-central-1", "CACHE_FROM_COUNT", "1", "CACHE_FROM_0",
                "team/base:main"), "policy");
        assertEquals(0, run.code(), run.output());
        assertEquals(IamPolicy.of(PolicyInputs.base("210987654321", "team/app", "eu-west-1").withCachePull()
                .withCacheFrom(List.of("team/base")).withMirrorRegions(List.of("us-east-1", "eu-central-1")))
                .toJson() + "\n", run.output());
    }

    @Test
    void problemsOfVariablesThePolicyDoesNotNeedDoNotStopIt() {
        String host = "210987654321.dkr.ecr.eu-west-1.amazonaws.com";
        // the run reports each of these; the policy is printed all the same, as if they were unset
        Run run = run(Map.of("IMAGE", host + "/team/app", "RETRIES", "many", "CACHE", "sometimes",
                "CREATE_REPOSITORY", "yes", "CACHE_FROM_COUNT", "2", "CACHE_FROM_0", "team/base:main",
                "AWS_ROLE_ARN", "arn:aws:iam::210987654321:role/c\u001bi", "NO_COLOR", "1"), "policy");
        assertEquals(0, run.code(), run.output());
        assertEquals(IamPolicy.of(PolicyInputs.base("210987654321", "team/app", "eu-west-1").withCachePull()
                .withCacheFrom(List.of("team/base"))).toJson() + "\n", run.output());
        Run stray = run(Map.of("IMAGE", host + "/team/app\n", "NO_COLOR", "1"), "policy");
        assertEquals(0, stray.code(), "a line break at the end is trimmed: " + stray.output());
        Run inside = run(Map.of("IMAGE", host + "/team/\u200bapp", "NO_COLOR", "1"), "policy");
        assertEquals(2, inside.code(), inside.output());
        assertTrue(inside.output().contains("IMAGE holds the invisible character U+200B inside its value"),
                inside.output());
    }

    @Test
    void helpNamesTheSubcommand() {
        Run run = run(Map.of(), "--help");
        assertEquals(0, run.code(), run.output());
        assertTrue(run.output().contains("policy"), run.output());
        assertTrue(run.output().contains("Print the least-privilege IAM policy"), run.output());
    }
}
