package org.ecrpushpipe.standin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.ecrpushpipe.testbed.StandInExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecr.EcrClient;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleWithWebIdentityCredentialsProvider;
import software.amazon.awssdk.services.sts.model.AssumeRoleWithWebIdentityResponse;
import software.amazon.awssdk.services.sts.model.InvalidIdentityTokenException;
import software.amazon.awssdk.services.sts.model.StsException;

/** OIDC login through the stand-in's STS, as the pipe does it with Bitbucket's step token. */
@ExtendWith(StandInExtension.class)
class StsWebIdentityTest {
    private static final String ROLE = "arn:aws:iam::123456789012:role/bitbucket-ecr-push";

    private final EcrStandIn standIn;

    StsWebIdentityTest(EcrStandIn standIn) {
        this.standIn = standIn;
        standIn.allowRole(ROLE);
    }

    private StsClient sts() {
        return StsClient.builder()
                .httpClient(UrlConnectionHttpClient.create())
                .endpointOverride(URI.create(standIn.apiEndpoint()))
                .region(Region.of(standIn.region()))
                .credentialsProvider(AnonymousCredentialsProvider.create())
                .build();
    }

    @Test
    void issuedTokensLookLikeJwts() {
        String token = standIn.issueWebIdentityToken("{workspace-uuid}:{step-uuid}");
        String[] parts = token.split("\\.");
        assertEquals(3, parts.length);
        String payload = new String(Base64.getUrlDecoder().decode(parts[1]));
        assertTrue(payload.contains("\"sub\":\"{workspace-uuid}:{step-uuid}\""), payload);
    }

    @Test
    void anIssuedTokenBuysSessionCredentialsThatEcrAccepts() {
        String token = standIn.issueWebIdentityToken("pipeline-step");
        AssumeRoleWithWebIdentityResponse response;
        try (StsClient sts = sts()) {
            response = sts.assumeRoleWithWebIdentity(r -> r.roleArn(ROLE).roleSessionName("ecr-push-pipe")
                    .webIdentityToken(token).durationSeconds(900));
        }
        assertEquals("pipeline-step", response.subjectFromWebIdentityToken());
        assertEquals("arn:aws:sts::123456789012:assumed-role/bitbucket-ecr-push/ecr-push-pipe",
                response.assumedRoleUser().arn());
        assertTrue(response.credentials().accessKeyId().startsWith("ASIA"));
        Duration left = Duration.between(Instant.now(), response.credentials().expiration());
        assertTrue(left.toSeconds() > 800 && left.toSeconds() <= 900, "DurationSeconds is honoured: " + left);

        var credentials = response.credentials();
        try (EcrClient ecr = EcrApiTest.ecr(standIn, AwsSessionCredentials.create(credentials.accessKeyId(),
                credentials.secretAccessKey(), credentials.sessionToken()))) {
            assertEquals(1, ecr.getAuthorizationToken().authorizationData().size());
        }
        assertEquals(ApiCall.OK, standIn.requests().of("GetAuthorizationToken").stream()
                .filter(c -> credentials.accessKeyId().equals(c.accessKeyId())).findFirst().orElseThrow().outcome());
    }

    @Test
    void theSdkCredentialsProviderWorksAgainstTheStandIn() {
        String token = standIn.issueWebIdentityToken("provider-step");
        try (StsClient sts = sts();
             var provider = StsAssumeRoleWithWebIdentityCredentialsProvider.builder().stsClient(sts)
                     .refreshRequest(r -> r.roleArn(ROLE).roleSessionName("provider").webIdentityToken(token))
                     .build();
             EcrClient ecr = EcrClient.builder()
                     .httpClient(UrlConnectionHttpClient.create())
                     .endpointOverride(URI.create(standIn.apiEndpoint()))
                     .region(Region.of(standIn.region()))
                     .credentialsProvider(provider)
                     .build()) {
            standIn.createRepository("via-provider");
            assertEquals("via-provider", ecr.describeRepositories(r -> r.repositoryNames("via-provider"))
                    .repositories().get(0).repositoryName());
        }
        ApiCall call = standIn.requests().of("DescribeRepositories").get(0);
        assertTrue(call.accessKeyId().startsWith("ASIA") && call.accepted(), call.toString());
        assertEquals(List.of("AssumeRoleWithWebIdentity", "DescribeRepositories"), standIn.requests().operations()
                .stream().filter(o -> !o.equals("GetAuthorizationToken")).distinct().toList());
    }

    @Test
    void refusesATokenItDidNotIssue() {
        String forged = standIn.issueWebIdentityToken("x").replaceFirst("\\.[^.]+$", ".c2lnbmF0dXJl");
        try (StsClient sts = sts()) {
            InvalidIdentityTokenException e = assertThrows(InvalidIdentityTokenException.class,
                    () -> sts.assumeRoleWithWebIdentity(r -> r.roleArn(ROLE).roleSessionName("session")
                            .webIdentityToken(forged)));
            assertEquals("InvalidIdentityToken", e.awsErrorDetails().errorCode());
            assertEquals(400, e.statusCode());
            assertThrows(InvalidIdentityTokenException.class, () -> sts.assumeRoleWithWebIdentity(r -> r
                    .roleArn(ROLE).roleSessionName("session").webIdentityToken("not-a-jwt")));
        }
    }

    @Test
    void validatesTheSessionName() {
        String token = standIn.issueWebIdentityToken("pipeline-step");
        try (StsClient sts = sts()) {
            StsException e = assertThrows(StsException.class, () -> sts.assumeRoleWithWebIdentity(r -> r
                    .roleArn(ROLE).roleSessionName("s").webIdentityToken(token)));
            assertEquals("ValidationError", e.awsErrorDetails().errorCode());
            assertEquals("1 validation error detected: Value 's' at 'roleSessionName' failed to satisfy constraint: "
                    + "Member must have length greater than or equal to 2", e.awsErrorDetails().errorMessage());
        }
    }

    @Test
    void refusesARoleTheTestDidNotAllow() {
        String token = standIn.issueWebIdentityToken("pipeline-step");
        try (StsClient sts = sts()) {
            StsException e = assertThrows(StsException.class, () -> sts.assumeRoleWithWebIdentity(r -> r
                    .roleArn("arn:aws:iam::123456789012:role/someone-else").roleSessionName("session")
                    .webIdentityToken(token)));
            assertEquals("AccessDenied", e.awsErrorDetails().errorCode());
            assertEquals(403, e.statusCode());
            assertEquals("Not authorized to perform sts:AssumeRoleWithWebIdentity", e.awsErrorDetails().errorMessage());
        }
    }
}
