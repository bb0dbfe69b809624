package org.ecrpushpipe.standin;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import org.ecrpushpipe.testbed.RegistryProcess;
import org.ecrpushpipe.testbed.StandInExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.services.ecr.EcrClient;
import software.amazon.awssdk.services.ecr.model.ImageAlreadyExistsException;
import software.amazon.awssdk.services.ecr.model.ImageDetail;
import software.amazon.awssdk.services.ecr.model.ImageIdentifier;
import software.amazon.awssdk.services.ecr.model.ImageNotFoundException;
import software.amazon.awssdk.services.ecr.model.ImageTagAlreadyExistsException;
import software.amazon.awssdk.services.ecr.model.DescribeImageScanFindingsResponse;
import software.amazon.awssdk.services.ecr.model.LimitExceededException;
import software.amazon.awssdk.services.ecr.model.ScanNotFoundException;
import org.ecrpushpipe.config.AwsCredentials;
import org.ecrpushpipe.config.EndpointVariants;
import org.ecrpushpipe.config.Secret;
import org.ecrpushpipe.config.Tag;
import org.ecrpushpipe.registry.Digest;
import org.ecrpushpipe.registry.ScanReport;
import org.ecrpushpipe.registry.ScanStart;
import org.ecrpushpipe.registry.ecr.EcrRegistry;
import org.ecrpushpipe.registry.ecr.EcrSettings;

/** ECR's registry as docker sees it: the facade over HTTPS with a real registry behind it. */
@ExtendWith(StandInExtension.class)
class RegistryFacadeTest {
    private static final String SCHEMA2 = "application/vnd.docker.distribution.manifest.v2+json";

    private final RegistryProcess registry;
    private final EcrStandIn standIn;
    private final EcrClient ecr;
    private String auth;

    RegistryFacadeTest(RegistryProcess registry, EcrStandIn standIn) {
        this.registry = registry;
        this.standIn = standIn;
        standIn.addAccessKey(EcrApiTest.KEY, EcrApiTest.SECRET);
        ecr = EcrApiTest.ecr(standIn, AwsBasicCredentials.create(EcrApiTest.KEY, EcrApiTest.SECRET));
        auth = login();
    }

    @AfterEach
    void closeClient() {
        ecr.close();
    }

    /** The Authorization header docker would send after {@code docker login} with GetAuthorizationToken's token. */
    private String login() {
        return "Basic " + ecr.getAuthorizationToken().authorizationData().get(0).authorizationToken();
    }

    @Test
    void withoutCredentialsAnswersLikeEcr() throws Exception {
        HttpResponse<String> response = send("GET", "/v2/", null, null);
        assertEquals(401, response.statusCode());
        assertEquals("Basic realm=\"https://123456789012.dkr.ecr.ap-southeast-1.amazonaws.com/\",service=\"ecr.amazonaws.com\"",
                response.headers().firstValue("Www-Authenticate").orElseThrow());
        assertEquals("Not Authorized", response.body());
        // The real registry's own credentials are not ECR credentials.
        assertEquals(401, send("GET", "/v2/", registry.basicAuthorization(), null).statusCode());
    }

    @Test
    void aPasswordIssuedToAnotherAccountsPrincipalIsDeniedAsEcrDeniesItWithoutARepositoryPolicy() throws Exception {
        try (EcrStandIn other = EcrStandIn.builder().accountId("210987654321").region(standIn.region())
                .sameAwsAs(standIn).registry(registry.url(), registry.username(), registry.password()).start()) {
            other.createRepository("team/theirs");
            HttpRequest request = HttpRequest.newBuilder(URI.create("https://" + other.registryHost()
                    + "/v2/team/theirs/blobs/uploads/")).header("Authorization", auth)
                    .POST(HttpRequest.BodyPublishers.noBody()).build();
            HttpResponse<String> response = client().send(request, HttpResponse.BodyHandlers.ofString());
            assertEquals(403, response.statusCode());
            assertEquals("{\"errors\":[{\"code\":\"DENIED\",\"message\":\"User: arn:aws:iam::123456789012:user/ci is not"
                    + " authorized to perform: ecr:InitiateLayerUpload on resource: arn:aws:ecr:ap-southeast-1:210987654321:"
                    + "repository/team/theirs because no resource-based policy allows the ecr:InitiateLayerUpload"
                    + " action\"}]}", response.body());
        }
    }

    @Test
    void withAnIssuedTokenAnswersTheVersionCheck() throws Exception {
        assertEquals(200, send("GET", "/v2/", auth, null).statusCode());
    }

    @Test
    void refusesRepositoriesTheControlPlaneNeverCreated() throws Exception {
        HttpResponse<String> response = send("GET", "/v2/never/created/tags/list", auth, null);
        assertEquals(404, response.statusCode());
        assertEquals("{\"errors\":[{\"code\":\"NAME_UNKNOWN\",\"message\":\"The repository with name 'never/created' "
                + "does not exist in the registry with id '123456789012'\"}]}", response.body());
        assertEquals(404, send("POST", "/v2/never/blobs/uploads/", auth, new byte[0]).statusCode());
    }

    @Test
    void anImagePushedByHandShowsUpInTheApi() throws Exception {
        standIn.createRepository("team/app");
        Image image = Image.random("hand-pushed");
        String digest = push("team/app", "1.0", image);
        assertEquals(image.digest(), digest);

        // The blobs stream back through the facade, HEAD included.
        HttpResponse<String> head = send("HEAD", "/v2/team/app/blobs/" + image.layerDigest(), auth, null);
        assertEquals(200, head.statusCode());
        assertEquals(String.valueOf(image.layer.length), head.headers().firstValue("Content-Length").orElseThrow());
        assertEquals(image.layerDigest(), head.headers().firstValue("Docker-Content-Digest").orElseThrow());
        // A GET is redirected, as ECR redirects it to a pre-signed URL of its S3 layer bucket, which serves the
        // blob without the registry's credentials; a URL whose signature was changed is refused as S3 refuses it.
        HttpResponse<byte[]> redirect = sendBytes("GET", "/v2/team/app/blobs/" + image.layerDigest(), auth);
        assertEquals(307, redirect.statusCode());
        String location = redirect.headers().firstValue("Location").orElseThrow();
        assertTrue(location.startsWith("https://" + standIn.registryHost() + "/starport-layer-bucket/"), location);
        assertTrue(location.contains("X-Amz-Expires=3600&") && location.contains("&X-Amz-Signature="), location);
        HttpResponse<byte[]> blob = client().send(HttpRequest.newBuilder(URI.create(location)).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, blob.statusCode());
        assertArrayEquals(image.layer, blob.body());
        HttpResponse<String> forged = client().send(HttpRequest.newBuilder(URI.create(location.substring(0,
                location.length() - 4) + "0000")).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(403, forged.statusCode());
        assertTrue(forged.body().contains("<Code>SignatureDoesNotMatch</Code>"), forged.body());
        assertEquals(404, sendBytes("GET", "/v2/team/app/blobs/sha256:" + "0".repeat(64), auth).statusCode(),
                "a blob the registry lacks is not redirected");

        ImageDetail detail = ecr.describeImages(r -> r.repositoryName("team/app")).imageDetails().get(0);
        assertEquals(registryDigest("team/app", "1.0"), detail.imageDigest());
        assertEquals(List.of("1.0"), detail.imageTags());
        assertEquals(image.layer.length, detail.imageSizeInBytes());
        assertEquals(SCHEMA2, detail.imageManifestMediaType());
        assertEquals("application/vnd.docker.container.image.v1+json", detail.artifactMediaType());
        assertTrue(detail.imagePushedAt() != null);

        var got = ecr.batchGetImage(r -> r.repositoryName("team/app")
                .imageIds(ImageIdentifier.builder().imageTag("1.0").build(),
                        ImageIdentifier.builder().imageTag("missing").build()));
        assertEquals(image.manifest(), got.images().get(0).imageManifest());
        assertEquals(digest, got.images().get(0).imageId().imageDigest());
        assertEquals("ImageNotFound", got.failures().get(0).failureCodeAsString());
        assertEquals("missing", got.failures().get(0).imageId().imageTag());

        ImageNotFoundException missing = assertThrows(ImageNotFoundException.class, () -> ecr.describeImages(r -> r
                .repositoryName("team/app").imageIds(ImageIdentifier.builder().imageTag("missing").build())));
        assertEquals("The image with imageId {imageDigest:'null', imageTag:'missing'} does not exist within the "
                + "repository with name 'team/app' in the registry with id '123456789012'",
                missing.awsErrorDetails().errorMessage());
    }

    @Test
    void putImageAndBatchDeleteImageChangeTagsInTheRealRegistry() throws Exception {
        standIn.createRepository("retag");
        Image image = Image.random("retag");
        String digest = push("retag", "build-7", image);

        var put = ecr.putImage(r -> r.repositoryName("retag").imageManifest(image.manifest()).imageTag("stable"))
                .image();
        assertEquals(digest, put.imageId().imageDigest());
        assertEquals(digest, registryDigest("retag", "stable"));
        assertEquals(List.of("build-7", "stable"), ecr.describeImages(r -> r.repositoryName("retag"))
                .imageDetails().get(0).imageTags());
        assertThrows(ImageAlreadyExistsException.class, () -> ecr.putImage(r -> r.repositoryName("retag")
                .imageManifest(image.manifest()).imageTag("stable")));

        // By tag removes just that tag while another remains.
        var deleted = ecr.batchDeleteImage(r -> r.repositoryName("retag")
                .imageIds(ImageIdentifier.builder().imageTag("build-7").build()));
        assertEquals(digest, deleted.imageIds().get(0).imageDigest());
        assertEquals(List.of("stable"), registryTags("retag"));
        assertEquals(digest, registryDigest("retag", "stable"));

        // The last tag takes the image with it.
        ecr.batchDeleteImage(r -> r.repositoryName("retag").imageIds(ImageIdentifier.builder().imageTag("stable").build()));
        assertEquals(List.of(), ecr.describeImages(r -> r.repositoryName("retag")).imageDetails());
        assertEquals(404, send("GET", "/v2/retag/manifests/" + digest, auth, null).statusCode());
        var again = ecr.batchDeleteImage(r -> r.repositoryName("retag")
                .imageIds(ImageIdentifier.builder().imageTag("stable").build()));
        assertEquals("ImageNotFound", again.failures().get(0).failureCodeAsString());
    }

    /** Waits (at most 10 s) until the stand-in's scan of the image is no longer running, and returns it. */
    private DescribeImageScanFindingsResponse scanOver(String repository, String digest, int maxResults)
            throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            var response = ecr.describeImageScanFindings(r -> r.repositoryName(repository).maxResults(maxResults)
                    .imageId(ImageIdentifier.builder().imageDigest(digest).build()));
            String status = response.imageScanStatus().statusAsString();
            if (!status.equals("IN_PROGRESS") && !status.equals("PENDING")) {
                return response;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the scan of " + digest + " did not end");
    }

    @Test
    void aBasicScanOnRequestAsTheSdkSeesIt() throws Exception {
        standIn.createRepository("scans/basic");
        Image image = Image.random("scans-basic");
        String digest = push("scans/basic", "1", image);
        ImageIdentifier byTag = ImageIdentifier.builder().imageTag("1").build();
        ScanNotFoundException none = assertThrows(ScanNotFoundException.class, () -> ecr.describeImageScanFindings(
                r -> r.repositoryName("scans/basic").imageId(byTag)));
        assertEquals("Image scan does not exist for the image with '{imageDigest:'null', imageTag:'1'}' in the"
                + " repository with name 'scans/basic' in the registry with id '123456789012'",
                none.awsErrorDetails().errorMessage());
        standIn.scanResult("scans/basic", ScanResult.basic(
                new ScanResult.Finding("CVE-2024-0002", "HIGH", "openssl", "3.0.2-0ubuntu1", null),
                new ScanResult.Finding("CVE-2024-0001", "CRITICAL", "glibc", "2.35-0ubuntu3", null),
                new ScanResult.Finding("CVE-2024-0003", "HIGH", "curl", "7.81.0-1", null)).taking(Duration.ofMillis(300)));

        var started = ecr.startImageScan(r -> r.repositoryName("scans/basic").imageId(byTag));
        assertEquals("IN_PROGRESS", started.imageScanStatus().statusAsString());
        assertEquals(digest, started.imageId().imageDigest());
        assertEquals("1", started.imageId().imageTag());
        assertEquals("IN_PROGRESS", ecr.describeImageScanFindings(r -> r.repositoryName("scans/basic")
                .imageId(byTag)).imageScanStatus().statusAsString());
        LimitExceededException again = assertThrows(LimitExceededException.class, () -> ecr.startImageScan(
                r -> r.repositoryName("scans/basic").imageId(byTag)));
        assertEquals("The scan quota per image has been exceeded. Wait and try again.",
                again.awsErrorDetails().errorMessage());

        var first = scanOver("scans/basic", digest, 2);
        assertEquals("COMPLETE", first.imageScanStatus().statusAsString());
        assertEquals("The scan was completed successfully.", first.imageScanStatus().description());
        assertEquals(Map.of("CRITICAL", 1, "HIGH", 2), first.imageScanFindings().findingSeverityCountsAsStrings());
        var worst = first.imageScanFindings().findings().get(0);
        assertEquals("CVE-2024-0001", worst.name());
        assertEquals("CRITICAL", worst.severityAsString());
        assertEquals(Map.of("package_name", "glibc", "package_version", "2.35-0ubuntu3"), worst.attributes().stream()
                .collect(java.util.stream.Collectors.toMap(a -> a.key(), a -> a.value())));
        assertEquals(2, first.imageScanFindings().findings().size());
        assertTrue(first.imageScanFindings().enhancedFindings().isEmpty());
        var second = ecr.describeImageScanFindings(r -> r.repositoryName("scans/basic").maxResults(2)
                .nextToken(first.nextToken()).imageId(ImageIdentifier.builder().imageDigest(digest).build()));
        assertEquals(List.of("CVE-2024-0003"), second.imageScanFindings().findings().stream().map(f -> f.name())
                .toList());
        assertEquals(null, second.nextToken());
        assertEquals(1, standIn.scanCount("scans/basic"));
    }

    @Test
    void aRepositoryThatScansOnPushGivesEnhancedFindingsInInspectorsShape() throws Exception {
        standIn.createRepository("scans/on-push");
        var set = ecr.putImageScanningConfiguration(r -> r.repositoryName("scans/on-push")
                .imageScanningConfiguration(c -> c.scanOnPush(true)));
        assertTrue(set.imageScanningConfiguration().scanOnPush());
        assertTrue(ecr.describeRepositories(r -> r.repositoryNames("scans/on-push")).repositories().get(0)
                .imageScanningConfiguration().scanOnPush());
        standIn.scanResult("scans/on-push", ScanResult.enhanced(
                new ScanResult.Finding("CVE-2021-44228", "CRITICAL", "log4j-core", "2.14.1", "2.15.0"),
                new ScanResult.Finding("CVE-2024-0004", "LOW", "bash", "5.1-6", null)).taking(Duration.ofMillis(200)));
        String digest = push("scans/on-push", "1", Image.random("scans-on-push"));
        assertEquals("PENDING", ecr.describeImageScanFindings(r -> r.repositoryName("scans/on-push")
                .imageId(ImageIdentifier.builder().imageDigest(digest).build())).imageScanStatus().statusAsString());
        var over = scanOver("scans/on-push", digest, 100);
        assertEquals("ACTIVE", over.imageScanStatus().statusAsString());
        assertTrue(over.imageScanFindings().findings().isEmpty(), "enhanced scanning gives enhancedFindings only");
        var critical = over.imageScanFindings().enhancedFindings().get(0);
        assertEquals("CRITICAL", critical.severity());
        assertEquals("CVE-2021-44228", critical.packageVulnerabilityDetails().vulnerabilityId());
        assertEquals("log4j-core", critical.packageVulnerabilityDetails().vulnerablePackages().get(0).name());
        assertEquals("2.15.0", critical.packageVulnerabilityDetails().vulnerablePackages().get(0).fixedInVersion());
        assertEquals("NotAvailable", over.imageScanFindings().enhancedFindings().get(1).packageVulnerabilityDetails()
                .vulnerablePackages().get(0).fixedInVersion());
        assertEquals(digest, critical.resources().get(0).details().awsEcrContainerImage().imageHash());
        // the scan on push counts towards the day's one scan of the image
        assertThrows(LimitExceededException.class, () -> ecr.startImageScan(r -> r.repositoryName("scans/on-push")
                .imageId(ImageIdentifier.builder().imageDigest(digest).build())));
        assertThrows(ImageNotFoundException.class, () -> ecr.describeImageScanFindings(r -> r
                .repositoryName("scans/on-push").imageId(ImageIdentifier.builder().imageTag("never").build())));
    }

    /** The pipe's adapter reads both shapes into one, and ECR's answers that are not failures as values. */
    @Test
    void thePipesAdapterReadsBasicAndEnhancedScans() throws Exception {
        standIn.createRepository("scans/adapter");
        standIn.scanResult("scans/adapter", ScanResult.basic(
                new ScanResult.Finding("CVE-2024-0005", "MEDIUM", "zlib", "1.2.13", null)).taking(Duration.ZERO));
        Digest basic = Digest.of(push("scans/adapter", "basic", Image.random("scans-adapter-1")));
        try (EcrRegistry adapter = new EcrRegistry(new EcrSettings(standIn.region(), new AwsCredentials(
                Secret.of(EcrApiTest.KEY), Secret.of(EcrApiTest.SECRET), Optional.empty()), Optional.empty(),
                EndpointVariants.STANDARD, Optional.of(URI.create(standIn.apiEndpoint()))))) {
            assertEquals(Optional.empty(), adapter.scan("scans/adapter", basic));
            assertEquals(ScanStart.STARTED, adapter.startScan("scans/adapter", basic));
            assertEquals(ScanStart.Outcome.ALREADY_SCANNED, adapter.startScan("scans/adapter", basic).outcome());
            ScanReport report = adapter.scan("scans/adapter", basic).orElseThrow();
            assertEquals(new ScanReport("COMPLETE", Optional.of("The scan was completed successfully."),
                    Map.of("MEDIUM", 1), List.of(new ScanReport.Finding("CVE-2024-0005", "MEDIUM", Optional.of("zlib"),
                    Optional.of("1.2.13"), Optional.empty()))), report);

            standIn.scanResult("scans/adapter", ScanResult.enhanced(
                    new ScanResult.Finding("CVE-2021-44228", "CRITICAL", "log4j-core", "2.14.1", "2.15.0"))
                    .taking(Duration.ZERO));
            Digest enhanced = Digest.of(push("scans/adapter", "enhanced", Image.random("scans-adapter-2")));
            adapter.startScan("scans/adapter", enhanced);
            assertEquals(List.of(new ScanReport.Finding("CVE-2021-44228", "CRITICAL", Optional.of("log4j-core"),
                    Optional.of("2.14.1"), Optional.of("2.15.0"))),
                    adapter.scan("scans/adapter", enhanced).orElseThrow().findings());

            adapter.removeTag("scans/adapter", new Tag("basic"));
            assertEquals(List.of("enhanced"), registryTags("scans/adapter"));
        }
    }

    @Test
    void immutableTagsCannotBeOverwrittenExceptThoseExcluded() throws Exception {
        standIn.createRepository("frozen", "IMMUTABLE_WITH_EXCLUSION", "latest*");
        Image image = Image.random("frozen");
        push("frozen", "1.0", image);

        HttpResponse<String> again = send("PUT", "/v2/frozen/manifests/1.0", auth,
                image.manifest().getBytes(StandardCharsets.UTF_8), "Content-Type", SCHEMA2);
        assertEquals(400, again.statusCode());
        assertEquals("{\"errors\":[{\"code\":\"TAG_INVALID\",\"message\":\"The image tag '1.0' already exists in the "
                + "'frozen' repository and cannot be overwritten because the repository is immutable.\"}]}", again.body());

        for (int i = 0; i < 2; i++) {
            assertEquals(201, send("PUT", "/v2/frozen/manifests/latest-main", auth,
                    image.manifest().getBytes(StandardCharsets.UTF_8), "Content-Type", SCHEMA2).statusCode());
        }
        Image other = Image.random("frozen-2");
        upload("frozen", other);
        ImageTagAlreadyExistsException e = assertThrows(ImageTagAlreadyExistsException.class, () -> ecr.putImage(r -> r
                .repositoryName("frozen").imageManifest(other.manifest()).imageTag("1.0")));
        assertEquals("The image tag '1.0' already exists in the 'frozen' repository and cannot be overwritten because "
                + "the repository is immutable.", e.awsErrorDetails().errorMessage());
    }

    @Test
    void anExpiredTokenIsDenied() throws Exception {
        standIn.authorizationTokenLifetime(Duration.ofSeconds(2));
        String shortLived;
        try {
            shortLived = login();
        } finally {
            standIn.authorizationTokenLifetime(Duration.ofHours(12));
        }
        assertEquals(200, send("GET", "/v2/", shortLived, null).statusCode());
        Thread.sleep(2200);
        HttpResponse<String> response = send("GET", "/v2/", shortLived, null);
        assertEquals(403, response.statusCode());
        assertEquals("{\"errors\":[{\"code\":\"DENIED\",\"message\":\"Your authorization token has expired. "
                + "Reauthenticate and try again.\"}]}", response.body());
    }

    @Test
    void injectedServerErrorsAndThrottlingHappenOnceThenTheRequestSucceeds() throws Exception {
        standIn.faults().failNext(1, "GET", "/v2/", Fault.status(500));
        assertEquals(500, send("GET", "/v2/", auth, null).statusCode());
        assertEquals(200, send("GET", "/v2/", auth, null).statusCode());

        standIn.faults().failNext(1, "GET", "/v2/", Fault.status(429));
        HttpResponse<String> throttled = send("GET", "/v2/", auth, null);
        assertEquals(429, throttled.statusCode());
        assertEquals("{\"errors\":[{\"code\":\"TOOMANYREQUESTS\",\"message\":\"Rate exceeded\"}]}", throttled.body());
        assertEquals(200, send("GET", "/v2/", auth, null).statusCode());
        assertEquals(0, standIn.faults().pending());
    }

    @Test
    void aDroppedConnectionHappensOnceThenTheRequestSucceeds() throws Exception {
        standIn.createRepository("flaky");
        standIn.faults().failNext(1, "*", "/v2/flaky/blobs/uploads/", Fault.dropConnection());
        assertThrows(IOException.class, () -> send("POST", "/v2/flaky/blobs/uploads/", auth, new byte[0]));
        assertEquals(202, send("POST", "/v2/flaky/blobs/uploads/", auth, new byte[0]).statusCode());
    }

    @Test
    void aDelayHappensOnceThenRequestsAreFastAgain() throws Exception {
        standIn.faults().failNext(1, "GET", "/v2/", Fault.delay(Duration.ofMillis(1500)));
        long start = System.nanoTime();
        assertEquals(200, send("GET", "/v2/", auth, null).statusCode());
        assertTrue(Duration.ofNanos(System.nanoTime() - start).toMillis() >= 1500, "the first request was delayed");
        start = System.nanoTime();
        assertEquals(200, send("GET", "/v2/", auth, null).statusCode());
        assertTrue(Duration.ofNanos(System.nanoTime() - start).toMillis() < 1000, "the second was not");
    }

    @Test
    void aConnectionDroppedMidBodyIsCutAfterPartOfTheUpload() throws Exception {
        standIn.createRepository("cut");
        standIn.faults().clear();
        standIn.faults().failNext(1, "PATCH", "/v2/cut/blobs/uploads/.+", Fault.dropMidBody(1000));
        byte[] layer = Image.random("cut").layer();
        String location = startUpload("cut");
        assertThrows(IOException.class, () -> sendTo("PATCH", location,
                HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(layer))));
        assertEquals(List.of("PATCH " + URI.create(location).getRawPath() + ": dropped the connection after 1000 bytes"
                + " of the body, more unread"), standIn.faults().injected());
        // the next upload goes through
        upload("cut", Image.random("cut"));
    }

    @Test
    void anActionRunsWhenItsRequestArrivesAndTheRequestIsThenHandled() throws Exception {
        standIn.faults().clear();
        AtomicInteger ran = new AtomicInteger();
        standIn.faults().failNext(1, "GET", "/v2/", Fault.action("counted", ran::incrementAndGet));
        assertEquals(200, send("GET", "/v2/", auth, null).statusCode());
        assertEquals(200, send("GET", "/v2/", auth, null).statusCode());
        assertEquals(1, ran.get(), "once");
        assertEquals(List.of("GET /v2/: counted"), standIn.faults().injected());
    }

    @Test
    void expiredTokensAreRefusedAndTokensIssuedAfterwardsAccepted() throws Exception {
        try {
            standIn.expireAuthorizationTokens();
            HttpResponse<String> expired = send("GET", "/v2/", auth, null);
            assertEquals(403, expired.statusCode());
            assertTrue(expired.body().contains("Your authorization token has expired"), expired.body());
        } finally {
            auth = login();
        }
        assertEquals(200, send("GET", "/v2/", auth, null).statusCode());
    }

    @Test
    void aKilledRegistryIsA502AndRestartedServesWhatItHeld() throws Exception {
        standIn.createRepository("phoenix");
        push("phoenix", "1.0", Image.random("phoenix"));
        String digest = registryDigest("phoenix", "1.0");
        try {
            registry.kill();
            assertTrue(!registry.isAlive());
            assertEquals(502, send("GET", "/v2/phoenix/manifests/1.0", auth, null, "Accept", SCHEMA2).statusCode());
        } finally {
            registry.restart();
        }
        assertTrue(registry.isAlive());
        assertEquals(digest, registryDigest("phoenix", "1.0"), "the same storage, the same port");
        assertEquals(200, send("GET", "/v2/phoenix/manifests/1.0", auth, null, "Accept", SCHEMA2).statusCode());
    }

    // --- archived images, and repositories ECR creates on push

    @Test
    void anArchivedImageIsDescribedNotPulledAndAPushOfTheSameImageRestoresIt() throws Exception {
        for (String mutability : List.of("MUTABLE", "IMMUTABLE")) {
            String repository = "archive/" + mutability.toLowerCase(Locale.ROOT);
            standIn.createRepository(repository, mutability);
            Image image = Image.random("archived-" + mutability);
            String digest = push(repository, "1.0", image);

            var archived = ecr.updateImageStorageClass(r -> r.repositoryName(repository)
                    .imageId(ImageIdentifier.builder().imageTag("1.0").build()).targetStorageClass("ARCHIVE"));
            assertEquals("ARCHIVED", archived.imageStatusAsString());
            assertEquals(digest, archived.imageId().imageDigest());
            assertEquals(List.of(), ecr.describeImages(r -> r.repositoryName(repository)).imageDetails(),
                    "without a filter, DescribeImages lists ACTIVE images only");
            ImageDetail detail = ecr.describeImages(r -> r.repositoryName(repository)
                    .filter(f -> f.imageStatus("ARCHIVED"))).imageDetails().get(0);
            assertEquals("ARCHIVED", detail.imageStatusAsString());
            assertEquals(List.of("1.0"), detail.imageTags());
            assertTrue(detail.lastArchivedAt() != null);
            assertEquals("ImageNotFound", ecr.batchGetImage(r -> r.repositoryName(repository)
                    .imageIds(ImageIdentifier.builder().imageTag("1.0").build())).failures().get(0)
                    .failureCodeAsString(), "an archived image cannot be pulled through the API");
            HttpResponse<String> pull = send("GET", "/v2/" + repository + "/manifests/1.0", auth, null,
                    "Accept", SCHEMA2);
            assertEquals(404, pull.statusCode(), "nor through the registry");
            assertTrue(pull.body().contains("MANIFEST_UNKNOWN"), pull.body());

            assertEquals(digest, push(repository, "1.0", image), mutability + ": the same image again is accepted");
            assertFalse(standIn.isArchived(repository, digest), "and restored");
            assertEquals("ACTIVE", ecr.describeImages(r -> r.repositoryName(repository)).imageDetails().get(0)
                    .imageStatusAsString());
            assertEquals(200, send("GET", "/v2/" + repository + "/manifests/1.0", auth, null, "Accept", SCHEMA2)
                    .statusCode());
        }
    }

    @Test
    void anImmutableTagOnAnArchivedImageStillRefusesAnotherImage() throws Exception {
        standIn.createRepository("archive/held", "IMMUTABLE");
        push("archive/held", "1.0", Image.random("held-first"));
        standIn.archive("archive/held", "1.0");
        Image other = Image.random("held-other");
        upload("archive/held", other);
        HttpResponse<String> refused = send("PUT", "/v2/archive/held/manifests/1.0", auth,
                other.manifest().getBytes(StandardCharsets.UTF_8), "Content-Type", SCHEMA2);
        assertEquals(400, refused.statusCode(), refused.body());
        assertTrue(refused.body().contains("TAG_INVALID"), refused.body());
    }

    @Test
    void aPushCreatesTheRepositoryWhenACreateOnPushTemplateCoversIt() throws Exception {
        standIn.addCreationTemplate("onpush", List.of("CREATE_ON_PUSH"), "IMMUTABLE", List.of(), null);
        standIn.addCreationTemplate("replicated", List.of("REPLICATION"), "IMMUTABLE", List.of(), null);
        assertEquals(404, send("POST", "/v2/replicated/app/blobs/uploads/", auth, new byte[0]).statusCode(),
                "a template applied for another kind of creation creates nothing on push");
        assertFalse(standIn.hasRepository("onpush/app"));
        push("onpush/app", "1.0", Image.random("on-push"));
        assertEquals("IMMUTABLE", standIn.describeRepository("onpush/app").path("imageTagMutability").asText());
        var templates = ecr.describeRepositoryCreationTemplates(r -> r.prefixes("onpush"))
                .repositoryCreationTemplates();
        assertEquals(1, templates.size());
        assertEquals(List.of("CREATE_ON_PUSH"), templates.get(0).appliedForAsStrings());
        assertEquals("IMMUTABLE", templates.get(0).imageTagMutabilityAsString());
    }

    // --- ECR answers calls that name images in constant time; so must the stand-in, whatever a repository holds

    @Test
    void callsThatNameImagesSendTheRegistryAsManyRequestsWithOneTagAsWithAThousand() throws Exception {
        Map<Integer, List<Long>> costs = new LinkedHashMap<>();
        for (int tagCount : List.of(1, 1000)) {
            String repository = "cost/tags-" + tagCount;
            standIn.createRepository(repository);
            Image image = Image.random("cost");
            String digest = push(repository, "t0", image);
            tagInTheRegistry(repository, image, tagCount - 1);
            push(repository, "doomed", Image.random("cost-doomed"));
            // the one call that walks the repository (and the first, which reads its tags from the registry once)
            assertEquals(2, ecr.describeImages(r -> r.repositoryName(repository)).imageDetails().size());

            ImageIdentifier byTag = ImageIdentifier.builder().imageTag("t0").build();
            ImageIdentifier byDigest = ImageIdentifier.builder().imageDigest(digest).build();
            List<Long> cost = List.of(
                    cost(() -> assertEquals("ImageNotFound", ecr.batchGetImage(r -> r.repositoryName(repository)
                            .imageIds(ImageIdentifier.builder().imageTag("missing").build())).failures().get(0)
                            .failureCodeAsString())),
                    cost(() -> assertEquals(image.manifest(), ecr.batchGetImage(r -> r.repositoryName(repository)
                            .imageIds(byTag)).images().get(0).imageManifest())),
                    cost(() -> assertEquals(image.manifest(), ecr.batchGetImage(r -> r.repositoryName(repository)
                            .imageIds(byDigest)).images().get(0).imageManifest())),
                    cost(() -> assertEquals(tagCount, ecr.describeImages(r -> r.repositoryName(repository)
                            .imageIds(byTag)).imageDetails().get(0).imageTags().size())),
                    cost(() -> assertEquals(tagCount, ecr.describeImages(r -> r.repositoryName(repository)
                            .imageIds(byDigest)).imageDetails().get(0).imageTags().size())),
                    cost(() -> assertEquals(digest, ecr.putImage(r -> r.repositoryName(repository)
                            .imageManifest(image.manifest()).imageTag("put")).image().imageId().imageDigest())),
                    cost(() -> assertEquals(List.of(), ecr.batchDeleteImage(r -> r.repositoryName(repository)
                            .imageIds(ImageIdentifier.builder().imageTag("doomed").build())).failures())));
            costs.put(tagCount, cost);
        }
        assertEquals(costs.get(1), costs.get(1000), "registry requests of BatchGetImage (missing tag, tag, digest), "
                + "DescribeImages (tag, digest), PutImage, BatchDeleteImage, with 1 tag and with 1000: " + costs);
    }

    /**
     * Puts the image's manifest under {@code count} more tags ({@code t1}, {@code t2}…) straight into the registry
     * behind, several at a time: the same manifest is cheap to write, and the most tags one image can carry. The
     * stand-in sees them as it would see an image pushed before it started, when it first reads the repository's
     * tags (the facade would write them one at a time, as it serialises a repository's manifest writes).
     */
    private void tagInTheRegistry(String repository, Image image, int count) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        Semaphore inFlight = new Semaphore(8);
        List<CompletableFuture<Integer>> puts = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            inFlight.acquire();
            puts.add(http.sendAsync(HttpRequest.newBuilder(URI.create(registry.url() + "/v2/" + repository
                                    + "/manifests/t" + i)).header("Authorization", registry.basicAuthorization())
                            .header("Content-Type", SCHEMA2).PUT(HttpRequest.BodyPublishers.ofString(image.manifest()))
                            .build(), HttpResponse.BodyHandlers.discarding())
                    .thenApply(HttpResponse::statusCode).whenComplete((status, e) -> inFlight.release()));
        }
        for (CompletableFuture<Integer> put : puts) {
            assertEquals(201, put.get());
        }
    }

    /** How many requests the stand-in sent the real registry while answering {@code call}. */
    private long cost(Runnable call) {
        long before = standIn.registryBackendRequests();
        call.run();
        return standIn.registryBackendRequests() - before;
    }

    // --- a hand-rolled docker push, through the facade

    /** A tiny image: a config blob, one layer blob and a docker v2 schema2 manifest naming them. */
    private record Image(byte[] config, byte[] layer) {
        static Image random(String seed) {
            byte[] layer = new byte[64 * 1024 + seed.length()];
            new Random(seed.hashCode()).nextBytes(layer);
            byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Labels\":{\"seed\":\"" + seed
                    + "\"}},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" + sha256(layer) + "\"]}}")
                    .getBytes(StandardCharsets.UTF_8);
            return new Image(config, layer);
        }

        String configDigest() {
            return sha256(config);
        }

        String layerDigest() {
            return sha256(layer);
        }

        String manifest() {
            return "{\"schemaVersion\":2,\"mediaType\":\"" + SCHEMA2 + "\",\"config\":{\"mediaType\":"
                    + "\"application/vnd.docker.container.image.v1+json\",\"size\":" + config.length + ",\"digest\":\""
                    + configDigest() + "\"},\"layers\":[{\"mediaType\":\"application/vnd.docker.image.rootfs.diff.tar.gzip\","
                    + "\"size\":" + layer.length + ",\"digest\":\"" + layerDigest() + "\"}]}";
        }

        String digest() {
            return sha256(manifest().getBytes(StandardCharsets.UTF_8));
        }
    }

    /** Uploads the blobs (config monolithic POST+PUT, layer chunked PATCH then PUT) and puts the manifest by tag. */
    private String push(String repository, String tag, Image image) throws Exception {
        upload(repository, image);
        HttpResponse<String> manifest = send("PUT", "/v2/" + repository + "/manifests/" + tag, auth,
                image.manifest().getBytes(StandardCharsets.UTF_8), "Content-Type", SCHEMA2);
        assertEquals(201, manifest.statusCode(), manifest.body());
        return manifest.headers().firstValue("Docker-Content-Digest").orElseThrow();
    }

    private void upload(String repository, Image image) throws Exception {
        String location = startUpload(repository);
        HttpResponse<String> config = sendTo("PUT", location + (location.contains("?") ? "&" : "?") + "digest="
                + image.configDigest(), HttpRequest.BodyPublishers.ofByteArray(image.config()));
        assertEquals(201, config.statusCode(), config.body());

        location = startUpload(repository);
        // No length given: the JDK client streams it chunked, as docker does with its PATCH.
        HttpResponse<String> patch = sendTo("PATCH", location, HttpRequest.BodyPublishers.ofInputStream(
                () -> new ByteArrayInputStream(image.layer())));
        assertEquals(202, patch.statusCode(), patch.body());
        assertEquals("0-" + (image.layer().length - 1), patch.headers().firstValue("Range").orElseThrow());
        location = patch.headers().firstValue("Location").orElseThrow();
        HttpResponse<String> done = sendTo("PUT", location + (location.contains("?") ? "&" : "?") + "digest="
                + image.layerDigest(), HttpRequest.BodyPublishers.noBody());
        assertEquals(201, done.statusCode(), done.body());
        assertEquals(image.layerDigest(), done.headers().firstValue("Docker-Content-Digest").orElseThrow());
    }

    private String startUpload(String repository) throws Exception {
        HttpResponse<String> started = send("POST", "/v2/" + repository + "/blobs/uploads/", auth, new byte[0]);
        assertEquals(202, started.statusCode(), started.body());
        assertTrue(started.headers().firstValue("Docker-Upload-UUID").isPresent());
        String location = started.headers().firstValue("Location").orElseThrow();
        assertTrue(location.startsWith("https://" + standIn.registryHost() + "/v2/" + repository + "/blobs/uploads/"),
                "Location points back at the facade: " + location);
        return location;
    }

    private HttpResponse<String> sendTo(String method, String url, HttpRequest.BodyPublisher body)
            throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).header("Authorization", auth)
                .header("Content-Type", "application/octet-stream").method(method, body).build();
        return client().send(request, HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> send(String method, String path, String authorization, byte[] body,
                                             String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("https://" + standIn.registryHost() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        if (headers.length > 0) {
            request.headers(headers);
        }
        return client().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<byte[]> sendBytes(String method, String path, String authorization) throws Exception {
        return client().send(HttpRequest.newBuilder(URI.create("https://" + standIn.registryHost() + path))
                .header("Authorization", authorization).method(method, HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    /**
     * A fresh client per request: the JDK client silently retries an idempotent request once when a pooled
     * connection closes, which would hide an injected dropped connection.
     */
    private HttpClient client() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(standIn.registryClientTls()).build();
    }

    /** The digest the real registry itself reports for a tag. */
    private String registryDigest(String repository, String tag) throws Exception {
        HttpResponse<String> response = client().send(HttpRequest.newBuilder(
                        URI.create(registry.url() + "/v2/" + repository + "/manifests/" + tag))
                .header("Authorization", registry.basicAuthorization()).header("Accept", SCHEMA2)
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        return response.headers().firstValue("Docker-Content-Digest").orElseThrow();
    }

    private List<String> registryTags(String repository) throws Exception {
        HttpResponse<String> response = client().send(HttpRequest.newBuilder(
                        URI.create(registry.url() + "/v2/" + repository + "/tags/list"))
                .header("Authorization", registry.basicAuthorization()).build(), HttpResponse.BodyHandlers.ofString());
        List<String> tags = new ArrayList<>();
        EcrJson.MAPPER.readTree(response.body()).path("tags").forEach(t -> tags.add(t.asText()));
        return tags.stream().sorted().toList();
    }

    private static String sha256(byte[] bytes) {
        return RegistryManifest.digestOf(bytes);
    }
}
