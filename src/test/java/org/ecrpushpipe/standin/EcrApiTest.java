package org.ecrpushpipe.standin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.ecrpushpipe.testbed.RegistryProcess;
import org.ecrpushpipe.testbed.StandInExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecr.EcrClient;
import software.amazon.awssdk.services.ecr.model.AuthorizationData;
import software.amazon.awssdk.services.ecr.model.EcrException;
import software.amazon.awssdk.services.ecr.model.ImageTagMutability;
import software.amazon.awssdk.services.ecr.model.InvalidParameterException;
import software.amazon.awssdk.services.ecr.model.LifecyclePolicyNotFoundException;
import software.amazon.awssdk.services.ecr.model.Repository;
import software.amazon.awssdk.services.ecr.model.RepositoryAlreadyExistsException;
import software.amazon.awssdk.services.ecr.model.RepositoryNotFoundException;
import software.amazon.awssdk.services.ecr.model.Tag;

/** The ECR API of the stand-in as the real AWS SDK sees it: signatures, errors and repository settings. */
@ExtendWith(StandInExtension.class)
class EcrApiTest {
    static final String KEY = "AKIASTANDINTEST00001";
    static final String SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYSTANDINKEY";

    private final RegistryProcess registry;
    private final EcrStandIn standIn;

    EcrApiTest(RegistryProcess registry, EcrStandIn standIn) {
        this.registry = registry;
        this.standIn = standIn;
        standIn.addAccessKey(KEY, SECRET);
    }

    static EcrClient ecr(EcrStandIn standIn, AwsCredentials credentials) {
        return EcrClient.builder()
                .httpClient(UrlConnectionHttpClient.create())
                .endpointOverride(URI.create(standIn.apiEndpoint()))
                .region(Region.of(standIn.region()))
                .credentialsProvider(StaticCredentialsProvider.create(credentials))
                .build();
    }

    private EcrClient ecr() {
        return ecr(standIn, AwsBasicCredentials.create(KEY, SECRET));
    }

    @Test
    void acceptsAGoodSignatureAndRecordsTheCall() {
        standIn.requests().clear();
        try (EcrClient ecr = ecr()) {
            ecr.describeRepositories(r -> { });
        }
        assertEquals(List.of(new ApiCall("DescribeRepositories", KEY, ApiCall.OK)), standIn.requests().all());
    }

    @Test
    void refusesAWrongSecret() {
        try (EcrClient ecr = ecr(standIn, AwsBasicCredentials.create(KEY, "not-the-secret"))) {
            EcrException e = assertThrows(EcrException.class, () -> ecr.describeRepositories(r -> { }));
            assertEquals("InvalidSignatureException", e.awsErrorDetails().errorCode());
            assertEquals(400, e.statusCode());
            assertEquals(SigV4Verifier.SIGNATURE_MISMATCH, e.awsErrorDetails().errorMessage());
            assertTrue(e.requestId() != null && !e.requestId().isEmpty(), "x-amzn-RequestId is sent");
        }
    }

    @Test
    void refusesAnUnknownKey() {
        standIn.requests().clear();
        try (EcrClient ecr = ecr(standIn, AwsBasicCredentials.create("AKIANOBODYKNOWSTHIS", SECRET))) {
            EcrException e = assertThrows(EcrException.class, () -> ecr.getAuthorizationToken());
            assertEquals("UnrecognizedClientException", e.awsErrorDetails().errorCode());
            assertEquals("The security token included in the request is invalid.", e.awsErrorDetails().errorMessage());
        }
        assertEquals(List.of(new ApiCall("GetAuthorizationToken", "AKIANOBODYKNOWSTHIS", "UnrecognizedClientException")),
                standIn.requests().all());
    }

    @Test
    void refusesExpiredSessionCredentials() {
        standIn.addSessionCredentials("ASIAEXPIREDSESSION01", "session-secret", "session-token",
                Instant.now().minus(Duration.ofMinutes(1)));
        try (EcrClient ecr = ecr(standIn,
                AwsSessionCredentials.create("ASIAEXPIREDSESSION01", "session-secret", "session-token"))) {
            EcrException e = assertThrows(EcrException.class, () -> ecr.getAuthorizationToken());
            assertEquals("ExpiredTokenException", e.awsErrorDetails().errorCode());
            assertEquals("The security token included in the request is expired", e.awsErrorDetails().errorMessage());
        }
    }

    @Test
    void acceptsValidSessionCredentialsOnlyWithTheirToken() {
        standIn.addSessionCredentials("ASIAVALIDSESSION0001", "session-secret", "session-token",
                Instant.now().plus(Duration.ofHours(1)));
        try (EcrClient ecr = ecr(standIn,
                AwsSessionCredentials.create("ASIAVALIDSESSION0001", "session-secret", "session-token"))) {
            assertEquals(1, ecr.getAuthorizationToken().authorizationData().size());
        }
        try (EcrClient ecr = ecr(standIn,
                AwsSessionCredentials.create("ASIAVALIDSESSION0001", "session-secret", "other-token"))) {
            EcrException e = assertThrows(EcrException.class, () -> ecr.getAuthorizationToken());
            assertEquals("UnrecognizedClientException", e.awsErrorDetails().errorCode());
        }
    }

    @Test
    void getAuthorizationTokenReturnsAnAwsPasswordAndTheFacadeAsProxyEndpoint() {
        try (EcrClient ecr = ecr()) {
            AuthorizationData data = ecr.getAuthorizationToken().authorizationData().get(0);
            String decoded = new String(Base64.getDecoder().decode(data.authorizationToken()), StandardCharsets.UTF_8);
            assertTrue(decoded.startsWith("AWS:") && decoded.length() > 20, "token decodes to AWS:<password>");
            assertEquals("https://" + standIn.registryHost(), data.proxyEndpoint());
            Duration left = Duration.between(Instant.now(), data.expiresAt());
            assertTrue(left.compareTo(Duration.ofHours(11)) > 0 && left.compareTo(Duration.ofHours(13)) < 0,
                    "valid about 12 h, not " + left);
        }
    }

    @Test
    void servingTheRealRegistryHostMakesEcrsAnswersNameIt() throws Exception {
        java.net.InetSocketAddress anyPort = new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0);
        try (EcrStandIn named = EcrStandIn.builder().registry(registry.url(), registry.username(), registry.password())
                .ecrHostListener(anyPort, FacadeTls.serverContext()).start()) {
            named.addAccessKey(KEY, SECRET);
            named.createRepository("team/named");
            int port = named.ecrHostAddress().orElseThrow().getPort();
            String host = "123456789012.dkr.ecr.ap-southeast-1.amazonaws.com:" + port;
            assertEquals(host, named.registryHost());
            try (EcrClient ecr = ecr(named, AwsBasicCredentials.create(KEY, SECRET))) {
                assertEquals("https://" + host, ecr.getAuthorizationToken().authorizationData().get(0).proxyEndpoint());
                assertEquals(host + "/team/named", ecr.describeRepositories(r -> r.repositoryNames("team/named"))
                        .repositories().get(0).repositoryUri());
            }
            assertTrue(named.loopbackRegistryHost().startsWith("127.0.0.1:"), named.loopbackRegistryHost());
        }
        assertEquals("123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn",
                EcrStandIn.ecrRegistryHost("123456789012", "cn-north-1"));
    }

    @Test
    void createsAndDescribesRepositories() {
        try (EcrClient ecr = ecr()) {
            Repository created = ecr.createRepository(r -> r.repositoryName("team/created")
                    .imageTagMutability(ImageTagMutability.IMMUTABLE_WITH_EXCLUSION)
                    .imageTagMutabilityExclusionFilters(f -> f.filterType("WILDCARD").filter("latest"))
                    .imageScanningConfiguration(s -> s.scanOnPush(true))
                    .tags(Tag.builder().key("team").value("platform").build())).repository();
            assertEquals("arn:aws:ecr:ap-southeast-1:123456789012:repository/team/created", created.repositoryArn());
            assertEquals(standIn.registryHost() + "/team/created", created.repositoryUri());
            assertEquals("123456789012", created.registryId());
            assertTrue(Duration.between(created.createdAt(), Instant.now()).abs().toSeconds() < 60);

            Repository described = ecr.describeRepositories(r -> r.repositoryNames("team/created"))
                    .repositories().get(0);
            assertEquals(ImageTagMutability.IMMUTABLE_WITH_EXCLUSION, described.imageTagMutability());
            assertEquals("latest", described.imageTagMutabilityExclusionFilters().get(0).filter());
            assertEquals(true, described.imageScanningConfiguration().scanOnPush());
            assertEquals("AES256", described.encryptionConfiguration().encryptionTypeAsString());
            assertEquals(created.createdAt(), described.createdAt());

            RepositoryAlreadyExistsException exists = assertThrows(RepositoryAlreadyExistsException.class,
                    () -> ecr.createRepository(r -> r.repositoryName("team/created")));
            assertEquals("The repository with name 'team/created' already exists in the registry with id "
                    + "'123456789012'", exists.awsErrorDetails().errorMessage());
        }
    }

    @Test
    void aMissingRepositoryFailsTheWholeDescribeCall() {
        standIn.createRepository("present");
        try (EcrClient ecr = ecr()) {
            RepositoryNotFoundException e = assertThrows(RepositoryNotFoundException.class,
                    () -> ecr.describeRepositories(r -> r.repositoryNames("present", "absent")));
            assertEquals("The repository with name 'absent' does not exist in the registry with id '123456789012'",
                    e.awsErrorDetails().errorMessage());
        }
    }

    @Test
    void refusesBadRepositoryNamesAndEnums() {
        try (EcrClient ecr = ecr()) {
            InvalidParameterException upper = assertThrows(InvalidParameterException.class,
                    () -> ecr.createRepository(r -> r.repositoryName("Bad_Name")));
            assertTrue(upper.awsErrorDetails().errorMessage().startsWith(
                    "Invalid parameter at 'repositoryName' failed to satisfy constraint: 'must satisfy regular expression"),
                    upper.awsErrorDetails().errorMessage());
            assertThrows(InvalidParameterException.class, () -> ecr.createRepository(r -> r.repositoryName("a")));
            assertThrows(InvalidParameterException.class,
                    () -> ecr.createRepository(r -> r.repositoryName("x".repeat(257))));
            assertThrows(InvalidParameterException.class,
                    () -> ecr.createRepository(r -> r.repositoryName("app").imageTagMutability("SOMETIMES")));
            // Exclusion filters only with the *_WITH_EXCLUSION modes, 1 to 5 of them.
            assertThrows(InvalidParameterException.class, () -> ecr.createRepository(r -> r.repositoryName("app")
                    .imageTagMutability(ImageTagMutability.IMMUTABLE)
                    .imageTagMutabilityExclusionFilters(f -> f.filterType("WILDCARD").filter("latest"))));
            assertThrows(InvalidParameterException.class, () -> ecr.createRepository(r -> r.repositoryName("app")
                    .imageTagMutability(ImageTagMutability.MUTABLE_WITH_EXCLUSION)));
        }
    }

    @Test
    void storesAndReturnsLifecyclePolicies() {
        standIn.createRepository("with-policy");
        String policy = """
                {"rules":[{"rulePriority":1,"description":"expire untagged images","selection":{"tagStatus":"untagged",\
                "countType":"sinceImagePushed","countUnit":"days","countNumber":14},"action":{"type":"expire"}}]}""";
        try (EcrClient ecr = ecr()) {
            assertThrows(LifecyclePolicyNotFoundException.class,
                    () -> ecr.getLifecyclePolicy(r -> r.repositoryName("with-policy")));
            assertEquals(policy, ecr.putLifecyclePolicy(r -> r.repositoryName("with-policy")
                    .lifecyclePolicyText(policy)).lifecyclePolicyText());
            assertEquals(policy, ecr.getLifecyclePolicy(r -> r.repositoryName("with-policy")).lifecyclePolicyText());
            assertThrows(InvalidParameterException.class, () -> ecr.putLifecyclePolicy(r -> r
                    .repositoryName("with-policy").lifecyclePolicyText("{\"rules\":[]}")));
            assertThrows(RepositoryNotFoundException.class, () -> ecr.putLifecyclePolicy(r -> r
                    .repositoryName("no-such-repository").lifecyclePolicyText(policy)));
        }
    }

    @Test
    void changesTagMutability() {
        standIn.createRepository("mutability");
        try (EcrClient ecr = ecr()) {
            var response = ecr.putImageTagMutability(r -> r.repositoryName("mutability")
                    .imageTagMutability(ImageTagMutability.MUTABLE_WITH_EXCLUSION)
                    .imageTagMutabilityExclusionFilters(f -> f.filterType("WILDCARD").filter("release-*")));
            assertEquals(ImageTagMutability.MUTABLE_WITH_EXCLUSION, response.imageTagMutability());
            assertEquals("release-*", response.imageTagMutabilityExclusionFilters().get(0).filter());
            assertEquals(ImageTagMutability.MUTABLE_WITH_EXCLUSION, ecr.describeRepositories(r -> r
                    .repositoryNames("mutability")).repositories().get(0).imageTagMutability());
        }
    }

    @Test
    void tagsRepositories() {
        standIn.createRepository("tagged");
        String arn = "arn:aws:ecr:ap-southeast-1:123456789012:repository/tagged";
        try (EcrClient ecr = ecr()) {
            ecr.tagResource(r -> r.resourceArn(arn).tags(Tag.builder().key("owner").value("ci").build()));
            assertEquals(List.of(Tag.builder().key("owner").value("ci").build()),
                    ecr.listTagsForResource(r -> r.resourceArn(arn)).tags());
            assertThrows(RepositoryNotFoundException.class, () -> ecr.tagResource(r -> r
                    .resourceArn("arn:aws:ecr:ap-southeast-1:123456789012:repository/missing")
                    .tags(Tag.builder().key("a").value("b").build())));
        }
    }

    @Test
    void throttlingIsRetriedByTheSdk() {
        standIn.requests().clear();
        standIn.apiFaults().failNext(2, "POST", "GetAuthorizationToken", Fault.throttled());
        try (EcrClient ecr = ecr()) {
            assertEquals(1, ecr.getAuthorizationToken().authorizationData().size());
        }
        assertEquals(List.of("ThrottlingException", "ThrottlingException", ApiCall.OK),
                standIn.requests().of("GetAuthorizationToken").stream().map(ApiCall::outcome).toList());
    }
}
