package org.ecrpushpipe.standin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URI;
import java.util.List;

import org.junit.jupiter.api.Test;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecr.EcrClient;
import software.amazon.awssdk.services.ecr.model.AuthorizationData;
import software.amazon.awssdk.services.ecr.model.EcrException;
import software.amazon.awssdk.services.ecr.model.RepositoryNotFoundException;

/**
 * One endpoint for several regions: the AWS SDK's client for each region reaches that region's stand-in through the
 * same URL, by the region it signs for; a region without a stand-in is a region without an endpoint.
 */
class RegionalApiTest {
    private static final String KEY = "AKIAREGIONALAPITEST1";
    private static final String SECRET = "RegionalApiTestSecret/0123456789abcdefghij";

    private static EcrStandIn standIn(String region) throws Exception {
        // the control plane alone: the registry behind is never reached
        EcrStandIn standIn = EcrStandIn.builder().region(region).registry("http://127.0.0.1:9", "unused", "unused")
                .start();
        standIn.addAccessKey(KEY, SECRET);
        return standIn;
    }

    private static EcrClient client(RegionalApi api, String region) {
        return EcrClient.builder().region(Region.of(region)).endpointOverride(URI.create(api.endpoint()))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(KEY, SECRET)))
                .httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(o -> o.retryStrategy(r -> r.maxAttempts(1)))
                .build();
    }

    @Test
    void eachRequestReachesTheRegionItIsSignedFor() throws Exception {
        try (EcrStandIn singapore = standIn("ap-southeast-1"); EcrStandIn ireland = standIn("eu-west-1");
             RegionalApi api = new RegionalApi(List.of(singapore, ireland));
             EcrClient inSingapore = client(api, "ap-southeast-1"); EcrClient inIreland = client(api, "eu-west-1");
             EcrClient inOhio = client(api, "us-east-2")) {
            singapore.createRepository("only/singapore");
            ireland.createRepository("only/ireland");

            assertEquals(singapore.repositoryUri("only/singapore"), inSingapore
                    .describeRepositories(r -> r.repositoryNames("only/singapore")).repositories().get(0).repositoryUri());
            assertEquals(ireland.repositoryUri("only/ireland"), inIreland
                    .describeRepositories(r -> r.repositoryNames("only/ireland")).repositories().get(0).repositoryUri());
            assertThrows(RepositoryNotFoundException.class,
                    () -> inIreland.describeRepositories(r -> r.repositoryNames("only/singapore")));
            assertEquals(List.of("DescribeRepositories"), singapore.requests().operations());
            assertEquals(List.of("DescribeRepositories", "DescribeRepositories"), ireland.requests().operations());

            assertThrows(SdkClientException.class,
                    () -> inOhio.describeRepositories(r -> r.repositoryNames("only/singapore")),
                    "no stand-in serves us-east-2: no endpoint, no answer");
        }
    }

    @Test
    void faultsArePerRegion() throws Exception {
        try (EcrStandIn singapore = standIn("ap-southeast-1"); EcrStandIn ireland = standIn("eu-west-1");
             RegionalApi api = new RegionalApi(List.of(singapore, ireland));
             EcrClient inSingapore = client(api, "ap-southeast-1"); EcrClient inIreland = client(api, "eu-west-1")) {
            ireland.apiFaults().failNext(1, "*", "GetAuthorizationToken", new Fault.Status(500));
            inSingapore.getAuthorizationToken();
            assertThrows(EcrException.class, inIreland::getAuthorizationToken);
            assertEquals(List.of("POST GetAuthorizationToken: answered 500"), ireland.apiFaults().injected());
            assertEquals(List.of(), singapore.apiFaults().injected());
        }
    }

    @Test
    void eachCallReachesTheAccountItNamesAndWhatCrossesAccountsIsRefusedAsEcrRefusesIt() throws Exception {
        try (EcrStandIn ci = standIn("ap-southeast-1");
             EcrStandIn prod = EcrStandIn.builder().accountId("210987654321").region("ap-southeast-1").sameAwsAs(ci)
                     .registry("http://127.0.0.1:9", "unused", "unused").start();
             RegionalApi api = new RegionalApi(List.of(ci, prod));
             EcrClient client = client(api, "ap-southeast-1")) {
            ci.createRepository("team/app");
            prod.createRepository("team/app");

            // the caller's own registry by default; the other account's, asked by registryId, is refused there
            assertEquals("123456789012", client.describeRepositories(r -> r.repositoryNames("team/app"))
                    .repositories().get(0).registryId());
            EcrException denied = assertThrows(EcrException.class, () -> client.describeRepositories(
                    r -> r.registryId("210987654321").repositoryNames("team/app")));
            assertEquals("AccessDeniedException", denied.awsErrorDetails().errorCode());
            assertEquals("User: arn:aws:iam::123456789012:user/ci is not authorized to perform:"
                    + " ecr:DescribeRepositories on resource: arn:aws:ecr:ap-southeast-1:210987654321:repository/team/app"
                    + " because no resource-based policy allows the ecr:DescribeRepositories action",
                    denied.awsErrorDetails().errorMessage());
            assertEquals(List.of("DescribeRepositories"), ci.requests().operations());
            assertEquals(List.of(new ApiCall("DescribeRepositories", KEY, "AccessDeniedException")),
                    prod.requests().all());

            // a login names each registry asked for (ECR answers one per registryId), the other account's too: the
            // account named first answers, naming its own registry by the endpoint it was given (its registry facade
            // on loopback here) and any other by ECR's host name
            List<AuthorizationData> logins = client.getAuthorizationToken(r -> r.registryIds("210987654321",
                    "123456789012")).authorizationData();
            assertEquals(List.of(prod.proxyEndpoint(), "https://123456789012.dkr.ecr.ap-southeast-1.amazonaws.com"),
                    logins.stream().map(AuthorizationData::proxyEndpoint).toList());
        }
    }
}
