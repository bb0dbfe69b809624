package org.ecrpushpipe.scenarios;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.ecrpushpipe.standin.ApiCall;
import org.ecrpushpipe.testbed.EcrAccountsBed;
import org.ecrpushpipe.testbed.EcrBed;
import org.ecrpushpipe.testbed.EcrBedExtension;
import org.ecrpushpipe.testbed.TestImages;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pushing into another account's repository, as the cross-account example of docs/authentication.md does: the CI account's keys
 * ({@value EcrBed#ACCOUNT_ID}) assume {@code AWS_ROLE_ARN}, a role of {@value EcrAccountsBed#OTHER_ACCOUNT}, and
 * IMAGE names that account's registry. On the bed with both accounts ({@link EcrAccountsBed}): each account's
 * registry is a stand-in of its own in front of a real registry of its own, behind one API endpoint that hands each
 * call to the account it names, as ECR's regional endpoint does; what crosses accounts without a role is refused as
 * ECR refuses it. Each test checks what each account's registry now holds, which credentials signed which call,
 * and what the pipe printed.
 */
@ExtendWith(EcrBedExtension.class)
class CrossAccountScenariosTest {
    private static final String ROLE = "arn:aws:iam::" + EcrAccountsBed.OTHER_ACCOUNT + ":role/ecr-pusher";
    private static final String EXTERNAL_ID = "ci-to-prod-42";

    @TempDir
    Path work;

    private final EcrAccountsBed bed;
    private final Launcher launcher = new InProcessLauncher();

    CrossAccountScenariosTest(EcrAccountsBed bed) {
        this.bed = bed;
    }

    @BeforeEach
    void trustTheCiUser() {
        bed.home().standIn().trustRole(ROLE, bed.home().standIn().userArn("ci"), Optional.of(EXTERNAL_ID));
        bed.home().standIn().requests().clear();
        bed.other().requests().clear();
    }

    private Map<String, String> roleEnv(String image) {
        Map<String, String> env = bed.pipeEnv(image);
        env.put("AWS_ROLE_ARN", ROLE);
        env.put("AWS_ROLE_EXTERNAL_ID", EXTERNAL_ID);
        env.put("BITBUCKET_BUILD_NUMBER", "42");
        env.put("DEBUG", "true");
        return env;
    }

    private Path context(String name) {
        return TestImages.busybox(work.resolve(name)).uniqueFile().write();
    }

    @Test
    void theAssumedRolePushesIntoTheOtherAccountAndTheCiAccountIsUntouched() {
        bed.other().createRepository("team/app");
        bed.home().standIn().createRepository("team/app");
        Map<String, String> env = roleEnv(bed.otherRepositoryUri("team/app"));
        env.put("TAGS", "1.0 latest");

        Launcher.PipeRun run = launcher.run(env, Map.of(), context("push"));

        assertEquals(0, run.exitCode(), run.output());
        assertTrue(run.output().contains("INFO: Assuming the role " + ROLE + " (session bitbucket-42)."), run.output());
        for (String tag : List.of("1.0", "latest")) {
            assertTrue(run.output().contains("✔ Successfully pushed " + EcrAccountsBed.OTHER_REGISTRY_HOST
                    + "/team/app:" + tag + " (sha256:"), run.output());
            assertTrue(bed.otherManifestDigest("team/app", tag).isPresent(), "the other account holds " + tag);
            assertEquals(Optional.empty(), bed.home().manifestDigest("team/app", tag), "the CI account's repository"
                    + " of the same name is untouched");
        }
        assertEquals(bed.otherManifestDigest("team/app", "1.0"), bed.otherManifestDigest("team/app", "latest"));
        assertTrue(bed.other().registryHostHeaders().contains(EcrAccountsBed.OTHER_REGISTRY_HOST),
                "the engine pushed to the other account's registry host: " + bed.other().registryHostHeaders());

        // the CI account's STS made the session; every ECR call went to the other account, signed by that session
        String session = bed.home().standIn().issuedSessionKeyIds().get(bed.home().standIn().issuedSessionKeyIds()
                .size() - 1);
        assertEquals(List.of(new ApiCall("AssumeRole", EcrBed.ACCESS_KEY, ApiCall.OK)),
                bed.home().standIn().requests().all(), "the CI account's registry heard only STS");
        List<ApiCall> calls = bed.other().requests().all();
        assertFalse(calls.isEmpty());
        for (ApiCall call : calls) {
            assertEquals(session, call.accessKeyId(), "signed by the role's session: " + call);
            assertTrue(call.accepted(), call.toString());
        }
        assertTrue(calls.stream().anyMatch(c -> c.operation().equals("GetAuthorizationToken")), calls.toString());
        assertTrue(calls.stream().anyMatch(c -> c.operation().equals("DescribeRepositories")), calls.toString());
    }

    @Test
    void aBareNameWithTheRoleIsTheRolesAccountsRepository() {
        bed.other().createRepository("team/bare");
        Map<String, String> env = roleEnv("team/bare");

        Launcher.PipeRun run = launcher.run(env, Map.of(), context("bare"));

        assertEquals(0, run.exitCode(), run.output());
        assertTrue(run.output().contains("✔ Successfully pushed " + EcrAccountsBed.OTHER_REGISTRY_HOST
                + "/team/bare:latest"), run.output());
        assertTrue(bed.otherManifestDigest("team/bare", "latest").isPresent());
    }

    @Test
    void theCiAccountsKeysWithoutTheRoleAreRefusedAsCrossAccountAccess() {
        bed.other().createRepository("team/norole");
        Map<String, String> env = bed.pipeEnv(bed.otherRepositoryUri("team/norole"));

        Launcher.PipeRun run = launcher.run(env, Map.of(), context("norole"));

        assertEquals(3, run.exitCode(), run.output());
        assertTrue(run.failureLine().startsWith("✖ The repository's policy does not allow ecr:DescribeRepositories for"
                + " this principal: User: arn:aws:iam::" + EcrBed.ACCOUNT_ID + ":user/ci is not authorized to perform:"
                + " ecr:DescribeRepositories on resource: arn:aws:ecr:ap-southeast-1:" + EcrAccountsBed.OTHER_ACCOUNT
                + ":repository/team/norole because no resource-based policy allows"), run.output());
        assertTrue(run.output().contains("Hint: cross-account access: assume a role of the repository's account"
                + " (AWS_ROLE_ARN)"), run.output());
        assertFalse(run.output().contains("\tat "), run.output());
        assertEquals(Optional.empty(), bed.otherManifestDigest("team/norole", "latest"));
        assertTrue(bed.other().requests().all().stream().filter(c -> !c.operation().equals("GetAuthorizationToken"))
                .allMatch(c -> c.outcome().equals("AccessDeniedException")), bed.other().requests().all().toString());
    }

    @Test
    void aRepositoryOnlyTheCiAccountHasIsMissingInTheOtherAccount() {
        bed.home().standIn().createRepository("team/only-ci");
        Map<String, String> env = roleEnv(bed.otherRepositoryUri("team/only-ci"));

        Launcher.PipeRun run = launcher.run(env, Map.of(), context("missing"));

        assertEquals(6, run.exitCode(), run.output());
        assertTrue(run.failureLine().startsWith("✖ The repository 'team/only-ci' does not exist in "
                + EcrAccountsBed.OTHER_REGISTRY_HOST), run.output());
        assertTrue(bed.other().requests().of("DescribeRepositories").stream()
                .allMatch(c -> c.outcome().equals("RepositoryNotFoundException")), bed.other().requests().all().toString());
        assertEquals(Optional.empty(), bed.home().manifestDigest("team/only-ci", "latest"), "nothing went to the CI"
                + " account's repository of that name");
    }

    @Test
    void theRolesSessionCannotPushIntoTheCiAccount() {
        bed.home().standIn().createRepository("team/back");
        Map<String, String> env = roleEnv(bed.home().repositoryUri("team/back"));
        env.remove("DEBUG");

        Launcher.PipeRun run = launcher.run(env, Map.of(), context("back"));

        assertEquals(3, run.exitCode(), run.output());
        assertTrue(run.failureLine().startsWith("✖ The repository's policy does not allow ecr:DescribeRepositories"
                + " for this principal: User: arn:aws:sts::" + EcrAccountsBed.OTHER_ACCOUNT
                + ":assumed-role/ecr-pusher/bitbucket-42 is not authorized"), run.output());
        assertEquals(Optional.empty(), bed.home().manifestDigest("team/back", "latest"));
    }

    @Test
    void aPromotionWithTheRoleTagsInTheOtherAccount() {
        bed.other().createRepository("team/promote");
        Map<String, String> push = roleEnv(bed.otherRepositoryUri("team/promote"));
        push.put("TAGS", "build-7");
        assertEquals(0, launcher.run(push, Map.of(), context("promote")).exitCode());

        Map<String, String> promote = roleEnv(bed.otherRepositoryUri("team/promote"));
        promote.put("SOURCE_TAG", "build-7");
        promote.put("TAGS", "2.0");
        Launcher.PipeRun run = launcher.run(promote, Map.of(), work);

        assertEquals(0, run.exitCode(), run.output());
        assertEquals(bed.otherManifestDigest("team/promote", "build-7"), bed.otherManifestDigest("team/promote", "2.0"));
        assertTrue(bed.otherManifestDigest("team/promote", "2.0").isPresent());
    }
}
