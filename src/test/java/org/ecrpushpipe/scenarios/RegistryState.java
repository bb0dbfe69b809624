package org.ecrpushpipe.scenarios;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.ecrpushpipe.testbed.EcrBed;

import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;

/**
 * What the REAL registry behind the stand-in holds, read through the registry's own API (distribution's
 * {@code /v2/}, with the registry's own credentials, not through the facade or ECR's API): which digest each tag
 * names, and whether an image is complete — its manifest and every blob it names can be fetched.
 */
final class RegistryState {
    private static final String ACCEPT = "application/vnd.docker.distribution.manifest.v2+json,"
            + " application/vnd.oci.image.manifest.v1+json";

    private final EcrBed bed;

    RegistryState(EcrBed bed) {
        this.bed = bed;
    }

    /** The digest each tag names now (empty when the tag does not exist), in the order given. */
    Map<String, Optional<String>> tags(String repository, List<String> tags) {
        Map<String, Optional<String>> digests = new LinkedHashMap<>();
        for (String tag : tags) {
            digests.put(tag, bed.manifestDigest(repository, tag));
        }
        return digests;
    }

    /**
     * Fails unless the manifest {@code digest} of {@code repository} is whole: served under its digest with exactly
     * those bytes, and its config and every layer served as blobs of the sizes it states. Returns the config digest
     * (the image id).
     */
    String assertComplete(String repository, String digest) {
        Response manifest = given().header("Authorization", bed.registry().basicAuthorization()).accept(ACCEPT)
                .when().get(bed.registry().url() + "/v2/" + repository + "/manifests/" + digest);
        assertEquals(200, manifest.statusCode(), "manifest " + digest + " of " + repository + " can be fetched");
        byte[] body = manifest.asByteArray();
        assertEquals(digest, sha256(body), "the manifest served is the one its digest names");
        JsonPath json = new JsonPath(new String(body, StandardCharsets.UTF_8));
        String config = json.getString("config.digest");
        assertBlob(repository, config, json.getLong("config.size"));
        List<String> layers = json.getList("layers.digest", String.class);
        List<Long> sizes = json.getList("layers.size", Long.class);
        assertTrue(!layers.isEmpty(), "an image has layers: " + json.prettify());
        for (int i = 0; i < layers.size(); i++) {
            assertBlob(repository, layers.get(i), sizes.get(i));
        }
        return config;
    }

    private void assertBlob(String repository, String digest, long size) {
        Response blob = given().header("Authorization", bed.registry().basicAuthorization())
                .when().head(bed.registry().url() + "/v2/" + repository + "/blobs/" + digest);
        assertEquals(200, blob.statusCode(), "blob " + digest + " of " + repository + " can be fetched");
        assertEquals(Long.toString(size), blob.header("Content-Length"), "blob " + digest + " is whole");
    }

    private static String sha256(byte[] bytes) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
