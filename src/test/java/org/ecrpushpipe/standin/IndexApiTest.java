package org.ecrpushpipe.standin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.ecrpushpipe.testbed.PlatformImages;
import org.ecrpushpipe.testbed.RegistryProcess;
import org.ecrpushpipe.testbed.StandInExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.services.ecr.EcrClient;
import software.amazon.awssdk.services.ecr.model.GetDownloadUrlForLayerResponse;
import software.amazon.awssdk.services.ecr.model.Image;
import software.amazon.awssdk.services.ecr.model.InvalidParameterException;
import software.amazon.awssdk.services.ecr.model.LayersNotFoundException;
import software.amazon.awssdk.services.ecr.model.PutImageResponse;
import software.amazon.awssdk.services.ecr.model.ReferencedImagesNotFoundException;
import software.amazon.awssdk.services.ecr.model.RepositoryNotFoundException;

/**
 * The stand-in's ECR API for multi-platform images, as the real AWS SDK sees it: GetDownloadUrlForLayer's pre-signed
 * URL of the layer storage (served without credentials, refused when tampered with), and PutImage of an index — the
 * media types ECR takes, the digest of the exact text, and ReferencedImagesNotFoundException for an index naming a
 * manifest the repository does not hold.
 */
@ExtendWith(StandInExtension.class)
class IndexApiTest {
    private static final String KEY = "AKIASTANDININDEX0001";
    private static final String SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYSTANDINDEX";

    private final EcrStandIn standIn;
    private final HttpClient http = HttpClient.newHttpClient();

    IndexApiTest(RegistryProcess registry, EcrStandIn standIn) {
        this.standIn = standIn;
        standIn.addAccessKey(KEY, SECRET);
    }

    private EcrClient ecr() {
        return EcrApiTest.ecr(standIn, AwsBasicCredentials.create(KEY, SECRET));
    }

    private PlatformImages images() {
        return PlatformImages.through(standIn, KEY, SECRET);
    }

    private static String index(String mediaType, PlatformImages.Written... entries) {
        StringBuilder json = new StringBuilder("{\"schemaVersion\":2,\"mediaType\":\"" + mediaType
                + "\",\"manifests\":[");
        for (int i = 0; i < entries.length; i++) {
            String[] platform = entries[i].platform().split("/");
            json.append(i == 0 ? "" : ",").append("{\"mediaType\":\"").append(entries[i].mediaType())
                    .append("\",\"digest\":\"").append(entries[i].digest()).append("\",\"size\":")
                    .append(entries[i].size()).append(",\"platform\":{\"architecture\":\"").append(platform[1])
                    .append("\",\"os\":\"").append(platform[0]).append("\"}}");
        }
        return json.append("]}").toString();
    }

    @Test
    void getDownloadUrlForLayerNamesAPreSignedUrlThatServesTheBlobAlone() throws Exception {
        standIn.createRepository("index/download");
        PlatformImages.Written image = images().image("index/download", "1", "linux/arm64", PlatformImages.DOCKER_V2);
        String config = images().read("index/download", "1").path("config").path("digest").asText();
        try (EcrClient ecr = ecr()) {
            GetDownloadUrlForLayerResponse answer = ecr.getDownloadUrlForLayer(r -> r.repositoryName("index/download")
                    .layerDigest(config));
            assertEquals(config, answer.layerDigest());
            assertTrue(answer.downloadUrl().startsWith(standIn.apiEndpoint() + "/starport-layer-bucket/"),
                    answer.downloadUrl());
            HttpResponse<byte[]> blob = http.send(HttpRequest.newBuilder(URI.create(answer.downloadUrl())).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, blob.statusCode(), "no credentials: the URL is the grant");
            assertTrue(new String(blob.body(), StandardCharsets.UTF_8).contains("\"architecture\":\"arm64\""));
            HttpResponse<String> tampered = http.send(HttpRequest.newBuilder(URI.create(answer.downloadUrl()
                    .replaceFirst("X-Amz-Signature=.", "X-Amz-Signature=x"))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(403, tampered.statusCode());
            assertTrue(tampered.body().contains("<Code>SignatureDoesNotMatch</Code>"), tampered.body());

            assertThrows(LayersNotFoundException.class, () -> ecr.getDownloadUrlForLayer(r -> r
                    .repositoryName("index/download").layerDigest("sha256:" + "0".repeat(64))));
            assertThrows(RepositoryNotFoundException.class, () -> ecr.getDownloadUrlForLayer(r -> r
                    .repositoryName("index/none").layerDigest(config)));
            assertTrue(image.digest().startsWith("sha256:"));
        }
    }

    @Test
    void putImageStoresAnIndexOfImagesTheRepositoryHoldsUnderTheDigestOfItsText() {
        standIn.createRepository("index/put");
        PlatformImages.Written amd64 = images().image("index/put", "amd64", "linux/amd64", PlatformImages.OCI_MANIFEST);
        PlatformImages.Written arm64 = images().image("index/put", "arm64", "linux/arm64", PlatformImages.OCI_MANIFEST);
        String text = index(PlatformImages.OCI_INDEX, amd64, arm64);
        try (EcrClient ecr = ecr()) {
            PutImageResponse put = ecr.putImage(r -> r.repositoryName("index/put").imageTag("1.0")
                    .imageManifest(text).imageManifestMediaType(PlatformImages.OCI_INDEX));
            String digest = put.image().imageId().imageDigest();
            assertEquals(RegistryManifest.digestOf(text.getBytes(StandardCharsets.UTF_8)), digest,
                    "the digest of the exact text");
            Image read = ecr.batchGetImage(r -> r.repositoryName("index/put").imageIds(i -> i.imageTag("1.0"))
                    .acceptedMediaTypes(PlatformImages.OCI_INDEX)).images().get(0);
            assertEquals(text, read.imageManifest());
            assertEquals(PlatformImages.OCI_INDEX, read.imageManifestMediaType());
            assertEquals(digest, read.imageId().imageDigest());
        }
    }

    @Test
    void putImageRefusesAnIndexNamingAManifestTheRepositoryDoesNotHold() {
        standIn.createRepository("index/missing");
        standIn.createRepository("index/elsewhere");
        PlatformImages.Written here = images().image("index/missing", "amd64", "linux/amd64",
                PlatformImages.DOCKER_V2);
        PlatformImages.Written elsewhere = images().image("index/elsewhere", "arm64", "linux/arm64",
                PlatformImages.DOCKER_V2);
        try (EcrClient ecr = ecr()) {
            ReferencedImagesNotFoundException refused = assertThrows(ReferencedImagesNotFoundException.class,
                    () -> ecr.putImage(r -> r.repositoryName("index/missing").imageTag("1.0")
                            .imageManifest(index(PlatformImages.DOCKER_LIST, here, elsewhere))
                            .imageManifestMediaType(PlatformImages.DOCKER_LIST)));
            assertTrue(refused.awsErrorDetails().errorMessage().contains(elsewhere.digest()),
                    refused.awsErrorDetails().errorMessage());
            assertEquals(List.of(), ecr.batchGetImage(r -> r.repositoryName("index/missing")
                    .imageIds(i -> i.imageTag("1.0"))).images(), "nothing stored");
        }
    }

    @Test
    void putImageTakesOnlyTheManifestTypesEcrSupportsAndTheManifestsOwnType() {
        standIn.createRepository("index/types");
        PlatformImages.Written amd64 = images().image("index/types", "amd64", "linux/amd64", PlatformImages.DOCKER_V2);
        try (EcrClient ecr = ecr()) {
            assertThrows(InvalidParameterException.class, () -> ecr.putImage(r -> r.repositoryName("index/types")
                    .imageTag("1.0").imageManifest(index(PlatformImages.DOCKER_LIST, amd64))
                    .imageManifestMediaType("application/vnd.example.unknown+json")));
            assertThrows(InvalidParameterException.class, () -> ecr.putImage(r -> r.repositoryName("index/types")
                    .imageTag("1.0").imageManifest(index(PlatformImages.DOCKER_LIST, amd64))
                    .imageManifestMediaType(PlatformImages.OCI_INDEX)), "the manifest says it is a Docker list");
        }
    }
}
