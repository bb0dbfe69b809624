package org.ecrpushpipe.registry.ecr;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;

import org.junit.jupiter.api.Test;

/** Reading the image id (config digest) out of a manifest, as ECR's BatchGetImage returns it. */
class ManifestConfigTest {
    private static final String ID = "sha256:" + "c".repeat(64);

    @Test
    void dockerAndOciManifestsNameTheirConfig() {
        assertEquals(Optional.of(ID), EcrRegistry.configDigest("{\"schemaVersion\":2,\"mediaType\":"
                + "\"application/vnd.docker.distribution.manifest.v2+json\",\"config\":{\"mediaType\":"
                + "\"application/vnd.docker.container.image.v1+json\",\"size\":1,\"digest\":\"" + ID + "\"},"
                + "\"layers\":[{\"digest\":\"sha256:" + "d".repeat(64) + "\"}]}"));
        assertEquals(Optional.of(ID), EcrRegistry.configDigest("{\"layers\":[{\"digest\":\"sha256:x\","
                + "\"annotations\":{\"a\":{\"digest\":\"no\"}}}],\"config\":{\"size\":1,\"digest\":\"" + ID + "\"}}"),
                "whatever the field order, and nested digests elsewhere are not taken");
    }

    @Test
    void listsIndexesAndJunkHaveNone() {
        assertEquals(Optional.empty(), EcrRegistry.configDigest("{\"schemaVersion\":2,\"manifests\":[{\"digest\":\""
                + ID + "\"}]}"));
        assertEquals(Optional.empty(), EcrRegistry.configDigest("{\"config\":{\"digest\":5}}"));
        assertEquals(Optional.empty(), EcrRegistry.configDigest("not json"));
        assertEquals(Optional.empty(), EcrRegistry.configDigest("[]"));
        assertEquals(Optional.empty(), EcrRegistry.configDigest(null));
    }
}
