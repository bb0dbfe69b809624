package org.ecrpushpipe.scenarios;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.ecrpushpipe.standin.ApiCall;
import org.ecrpushpipe.testbed.EcrBed;
import org.ecrpushpipe.testbed.EcrBedExtension;
import org.ecrpushpipe.testbed.TestImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Credentials on the bed (issue 11): the step's OIDC token exchanged with STS for a role's session, a role assumed
 * with keys or with that session, sessions that expire during a long build, and the ECR login renewed for a
 * session. Each run pushes through the real engine into the real registry behind the ECR stand-in, whose STS
 * issues the sessions and whose ECR API checks every signature; each test checks which credentials signed which
 * call, what the pipe printed (with DEBUG on: no token, secret or password anywhere), and what the registry holds.
 * In-process only: the credential decisions are the same code in every packaging; the packaged pipe meets the
 * refusals in {@code BadInputTableIT}.
 */
@ExtendWith(EcrBedExtension.class)
class CredentialScenariosTest {
    private static final String OIDC_ROLE = "arn:aws:iam::" + EcrBed.ACCOUNT_ID + ":role/bitbucket-oidc";
    private static final String PUSH_ROLE = "arn:aws:iam::" + EcrBed.ACCOUNT_ID + ":role/ecr-pusher";

    @TempDir
    Path work;

    private final EcrBed bed;
    private final Launcher launcher = new InProcessLauncher();

    CredentialScenariosTest(EcrBed bed) {
        this.bed = bed;
    }

    private Path context(String name, String... lines) {
        TestImages.Context context = TestImages.busybox(work.resolve(name)).uniqueFile();
        for (String line : lines) {
            context.line(line);
        }
        return context.write();
    }

    /** A step with {@code oidc: true} and no keys: the role, the token Bitbucket hands the step, the build number. */
    private Map<String, String> oidcEnv(String repository, String token) {
        Map<String, String> env = bed.pipeEnv(bed.repositoryUri(repository));
        env.remove("AWS_KEY");
        env.remove("AWS_SECRET");
        env.put("AWS_OIDC_ROLE_ARN", OIDC_ROLE);
        env.put("BITBUCKET_STEP_OIDC_TOKEN", token);
        env.put("BITBUCKET_BUILD_NUMBER", "42");
        env.put("DEBUG", "true");
        return env;
    }

    private void assertPushed(Launcher.PipeRun run, String repository) {
        assertEquals(0, run.exitCode(), run.output());
        assertTrue(run.output().contains("✔ Successfully pushed " + bed.repositoryUri(repository) + ":latest"),
                run.output());
        assertTrue(bed.manifestDigest(repository, "latest").isPresent(), "the registry holds the tag");
    }

    /** No token, session secret, key secret, registry password or Basic token of one, in all the run printed. */
    private void assertNoSecretsIn(Launcher.PipeRun run, String... more) {
        List<String> secrets = new ArrayList<>(List.of(more));
        secrets.add(bed.secretKey());
        secrets.addAll(bed.standIn().issuedSessionSecrets());
        for (String password : bed.standIn().issuedRegistryPasswords()) {
            secrets.add(password);
            secrets.add(Base64.getEncoder().encodeToString(("AWS:" + password).getBytes(StandardCharsets.UTF_8)));
        }
        assertFalse(bed.standIn().issuedSessionSecrets().isEmpty(), "sessions were issued");
        for (String secret : secrets) {
            assertFalse(run.output().contains(secret), "a secret is printed\n" + run.output());
        }
    }

    /** The access key ids that signed the ECR API's calls of one operation. */
    private List<String> signers(String operation) {
        return bed.standIn().requests().of(operation).stream().map(ApiCall::accessKeyId).toList();
    }

    @Test
    void anOidcStepPushesWithTheRolesSessionAndNoKeys() {
        bed.standIn().createRepository("creds/oidc");
        bed.standIn().allowRole(OIDC_ROLE);
        String token = bed.standIn().issueWebIdentityToken("{repo-uuid}:{step-uuid}");
        bed.standIn().requests().clear();
        int sessionsBefore = bed.standIn().issuedSessionKeyIds().size();

        Launcher.PipeRun run = launcher.run(oidcEnv("creds/oidc", token), Map.of(), context("oidc"));

        assertPushed(run, "creds/oidc");
        assertTrue(run.output().contains("INFO: Authenticating with a OpenID Connect (OIDC) Web Identity Provider."),
                run.output());
        assertFalse(run.output().contains("AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"), run.output());
        assertEquals(List.of(ApiCall.OK), bed.standIn().requests().of("AssumeRoleWithWebIdentity").stream()
                .map(ApiCall::outcome).toList(), "one exchange of the token");
        String session = bed.standIn().issuedSessionKeyIds().get(sessionsBefore);
        assertEquals(List.of(session), signers("GetAuthorizationToken"), "the role's session logged in");
        assertFalse(bed.standIn().requests().all().stream().anyMatch(c -> EcrBed.ACCESS_KEY.equals(c.accessKeyId())),
                "no key was used");
        assertNoSecretsIn(run, token);
    }

    @Test
    void theOidcTokenWinsOverKeysWithAWarning() {
        bed.standIn().createRepository("creds/both");
        bed.standIn().allowRole(OIDC_ROLE);
        String token = bed.standIn().issueWebIdentityToken("both");
        Map<String, String> env = oidcEnv("creds/both", token);
        env.put("AWS_KEY", EcrBed.ACCESS_KEY);
        env.put("AWS_SECRET", bed.secretKey());
        bed.standIn().requests().clear();

        Launcher.PipeRun run = launcher.run(env, Map.of(), context("both"));

        assertPushed(run, "creds/both");
        assertTrue(run.output().contains("WARNING: Both AWS_OIDC_ROLE_ARN (with the step's OIDC token) and AWS_KEY"
                + " are set; using OIDC"), run.output());
        assertTrue(signers("GetAuthorizationToken").stream().allMatch(k -> k.startsWith("ASIA")), "a session signed");
        assertNoSecretsIn(run, token);
    }

    @Test
    void aRoleWithoutTheStepsTokenWarnsAndUsesTheKeys() {
        bed.standIn().createRepository("creds/no-token");
        Map<String, String> env = bed.pipeEnv(bed.repositoryUri("creds/no-token"));
        env.put("AWS_OIDC_ROLE_ARN", OIDC_ROLE);
        bed.standIn().requests().clear();

        Launcher.PipeRun run = launcher.run(env, Map.of(), context("no-token"));

        assertPushed(run, "creds/no-token");
        assertTrue(run.output().contains("WARNING: AWS_OIDC_ROLE_ARN is set, but the step has no OIDC token: add"
                + " 'oidc: true' to the step. Using AWS_KEY and AWS_SECRET instead."), run.output());
        assertTrue(run.output().contains(
                "INFO: Using default authentication with AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY."), run.output());
        assertEquals(List.of(EcrBed.ACCESS_KEY), signers("GetAuthorizationToken"));
        assertTrue(bed.standIn().requests().of("AssumeRoleWithWebIdentity").isEmpty());
    }

    @Test
    void keysAssumeARoleWithItsExternalIdAndTheSessionPushes() {
        bed.standIn().createRepository("creds/assume");
        bed.standIn().trustRole(PUSH_ROLE, bed.standIn().userArn("ci"), Optional.of("ext-4f2a"));
        Map<String, String> env = bed.pipeEnv(bed.repositoryUri("creds/assume"));
        env.put("AWS_ROLE_ARN", PUSH_ROLE);
        env.put("AWS_ROLE_EXTERNAL_ID", "ext-4f2a");
        env.put("AWS_ROLE_SESSION_NAME", "release-7");
        env.put("DEBUG", "true");
        bed.standIn().requests().clear();

        Launcher.PipeRun run = launcher.run(env, Map.of(), context("assume"));

        assertPushed(run, "creds/assume");
        assertTrue(run.output().contains("INFO: Assuming the role " + PUSH_ROLE + " (session release-7)."),
                run.output());
        assertEquals(List.of(EcrBed.ACCESS_KEY), signers("AssumeRole"), "the keys signed AssumeRole");
        List<String> ecr = signers("GetAuthorizationToken");
        assertEquals(1, ecr.size());
        assertTrue(ecr.get(0).startsWith("ASIA"), "the role's session signed the ECR calls");
        assertNoSecretsIn(run);
    }

    @Test
    void anOidcSessionAssumesAnotherRole() {
        bed.standIn().createRepository("creds/chain");
        bed.standIn().allowRole(OIDC_ROLE);
        bed.standIn().trustRole(PUSH_ROLE + "-chained", OIDC_ROLE, Optional.empty());
        String token = bed.standIn().issueWebIdentityToken("chain");
        Map<String, String> env = oidcEnv("creds/chain", token);
        env.put("AWS_ROLE_ARN", PUSH_ROLE + "-chained");
        bed.standIn().requests().clear();

        Launcher.PipeRun run = launcher.run(env, Map.of(), context("chain"));

        assertPushed(run, "creds/chain");
        List<String> sessions = bed.standIn().issuedSessionKeyIds();
        String oidcSession = sessions.get(sessions.size() - 2);
        String chainedSession = sessions.get(sessions.size() - 1);
        assertEquals(List.of(oidcSession), signers("AssumeRole"), "the OIDC session signed AssumeRole");
        assertEquals(List.of(chainedSession), signers("GetAuthorizationToken"), "the chained role's session pushed");
        assertTrue(run.output().contains("INFO: Assuming the role " + PUSH_ROLE + "-chained (session bitbucket-42)."),
                run.output());
        assertNoSecretsIn(run, token);
    }

    @Test
    void sessionsThatExpireDuringALongBuildAreRenewedBeforeThePush() {
        bed.standIn().createRepository("creds/long");
        bed.standIn().allowRole(OIDC_ROLE);
        // the SDK renews a session a minute before it expires (and on a call within five minutes of its end): a
        // 70 s session is stale after 10 s, which the 14 s build outlasts
        bed.standIn().stsSessionLifetime(Duration.ofSeconds(70));
        try {
            String token = bed.standIn().issueWebIdentityToken("long");
            bed.standIn().requests().clear();
            int sessionsBefore = bed.standIn().issuedSessionKeyIds().size();

            Launcher.PipeRun run = launcher.run(oidcEnv("creds/long", token), Map.of(),
                    context("long", "RUN sleep 14"));

            assertPushed(run, "creds/long");
            List<String> sessions = bed.standIn().issuedSessionKeyIds();
            assertTrue(sessions.size() - sessionsBefore >= 2, "a new session after the build: " + sessions);
            // within five minutes of a session's end the SDK renews it on the next call: the login before the
            // build and the verify after it are signed by different sessions, both issued by this run's STS
            List<String> logins = signers("GetAuthorizationToken");
            assertEquals(1, logins.size());
            String login = logins.get(0);
            assertTrue(sessions.subList(sessionsBefore, sessions.size()).contains(login), "a session logged in");
            // the run asks ECR what the tags name alongside the login (before the build), and verifies after the push
            List<String> batchGetImage = signers("BatchGetImage");
            assertFalse(batchGetImage.isEmpty());
            String verify = batchGetImage.get(batchGetImage.size() - 1);
            assertNotEquals(login, verify, "the verify after the push is signed by a renewed session: "
                    + batchGetImage);
            assertNoSecretsIn(run, token);
        } finally {
            bed.standIn().stsSessionLifetime(null);
        }
    }

    @Test
    void anExpiredEcrLoginIsRenewedWithTheSession() {
        bed.standIn().createRepository("creds/ecr-expiry");
        bed.standIn().allowRole(OIDC_ROLE);
        bed.standIn().authorizationTokenLifetime(Duration.ofSeconds(5));
        try {
            String token = bed.standIn().issueWebIdentityToken("ecr-expiry");
            bed.standIn().requests().clear();
            Launcher.PipeRun run = launcher.run(oidcEnv("creds/ecr-expiry", token), Map.of(),
                    context("ecr-expiry", "RUN sleep 6"));

            assertPushed(run, "creds/ecr-expiry");
            assertTrue(run.output().contains("WARNING: The registry says the login expired; logging in again."),
                    run.output());
            List<String> logins = signers("GetAuthorizationToken");
            assertEquals(2, logins.size(), "one fresh login");
            assertTrue(logins.stream().allMatch(k -> k.startsWith("ASIA")), "both by the role's session");
            assertNoSecretsIn(run, token);
        } finally {
            bed.standIn().authorizationTokenLifetime(Duration.ofHours(12));
        }
    }

    @Test
    void aRefusedTokenIsOneClearLineWithExitCode3() {
        bed.standIn().createRepository("creds/refused");
        String token = bed.standIn().issueWebIdentityToken("refused");
        Map<String, String> env = oidcEnv("creds/refused", token);
        env.put("AWS_OIDC_ROLE_ARN", "arn:aws:iam::" + EcrBed.ACCOUNT_ID + ":role/not-for-bitbucket");
        bed.standIn().requests().clear();

        Launcher.PipeRun run = launcher.run(env, Map.of(), context("refused"));

        assertEquals(3, run.exitCode(), run.output());
        assertEquals("✖ STS refused sts:AssumeRoleWithWebIdentity on arn:aws:iam::" + EcrBed.ACCOUNT_ID
                + ":role/not-for-bitbucket: Not authorized to perform sts:AssumeRoleWithWebIdentity", run.failureLine());
        assertFalse(run.output().contains(token), "the token is not printed");
        assertEquals(List.of("AccessDenied"), bed.standIn().requests().of("AssumeRoleWithWebIdentity").stream()
                .map(ApiCall::outcome).toList());
        assertEquals(List.of("AssumeRoleWithWebIdentity"), bed.standIn().requests().operations(),
                "refused before any ECR call");
    }
}
