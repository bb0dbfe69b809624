package org.ecrpushpipe.standin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.Optional;

import org.ecrpushpipe.testbed.StandInExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecr.EcrClient;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.AssumeRoleResponse;
import software.amazon.awssdk.services.sts.model.StsException;

/** STS AssumeRole through the stand-in, as the pipe calls it for AWS_ROLE_ARN: signed, trust-checked, STS's errors. */
@ExtendWith(StandInExtension.class)
class StsAssumeRoleTest {
    private static final String ROLE = "arn:aws:iam::123456789012:role/ecr-pusher";
    private static final String KEY = "AKIASTSASSUMEROLE001";
    private static final String SECRET = "StsAssumeRoleTestSecret/0123456789abcdefgh";

    private final EcrStandIn standIn;

    StsAssumeRoleTest(EcrStandIn standIn) {
        this.standIn = standIn;
        standIn.addAccessKey(KEY, SECRET, "ci");
        standIn.trustRole(ROLE, standIn.userArn("ci"), Optional.of("ext-1"));
    }

    private StsClient sts(String key, String secret) {
        return StsClient.builder().httpClient(UrlConnectionHttpClient.create())
                .endpointOverride(URI.create(standIn.apiEndpoint())).region(Region.of(standIn.region()))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(key, secret))).build();
    }

    @Test
    void theTrustedUserGetsSessionCredentialsThatEcrAccepts() {
        AssumeRoleResponse response;
        try (StsClient sts = sts(KEY, SECRET)) {
            response = sts.assumeRole(r -> r.roleArn(ROLE).roleSessionName("bitbucket-7").externalId("ext-1"));
        }
        assertEquals("arn:aws:sts::123456789012:assumed-role/ecr-pusher/bitbucket-7", response.assumedRoleUser().arn());
        assertTrue(response.credentials().accessKeyId().startsWith("ASIA"));
        try (EcrClient ecr = EcrApiTest.ecr(standIn, AwsSessionCredentials.create(response.credentials().accessKeyId(),
                response.credentials().secretAccessKey(), response.credentials().sessionToken()))) {
            assertEquals(1, ecr.getAuthorizationToken().authorizationData().size());
        }
    }

    @Test
    void aWrongExternalIdOrAnUntrustedRoleIsAccessDenied() {
        try (StsClient sts = sts(KEY, SECRET)) {
            StsException wrongId = assertThrows(StsException.class,
                    () -> sts.assumeRole(r -> r.roleArn(ROLE).roleSessionName("s1").externalId("ext-2")));
            assertEquals("AccessDenied", wrongId.awsErrorDetails().errorCode());
            assertEquals(403, wrongId.statusCode());
            assertEquals("User: arn:aws:iam::123456789012:user/ci is not authorized to perform: sts:AssumeRole on "
                    + "resource: arn:aws:iam::123456789012:role/other", assertThrows(StsException.class,
                    () -> sts.assumeRole(r -> r.roleArn("arn:aws:iam::123456789012:role/other")
                            .roleSessionName("s1"))).awsErrorDetails().errorMessage());
        }
    }

    @Test
    void aWrongSecretOrAnUnknownKeyIsRefusedAsStsRefusesThem() {
        try (StsClient sts = sts(KEY, "WrongSecret/0123456789abcdefghijklmnopqrs")) {
            assertEquals("SignatureDoesNotMatch", assertThrows(StsException.class,
                    () -> sts.assumeRole(r -> r.roleArn(ROLE).roleSessionName("s1"))).awsErrorDetails().errorCode());
        }
        try (StsClient sts = sts("AKIAUNKNOWNKEY000001", SECRET)) {
            assertEquals("InvalidClientTokenId", assertThrows(StsException.class,
                    () -> sts.assumeRole(r -> r.roleArn(ROLE).roleSessionName("s1"))).awsErrorDetails().errorCode());
        }
    }
}
