package org.ecrpushpipe.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

/** {@link Manifest} and {@link Platform}: what a manifest says, and an index whose text is the same every time. */
class ManifestTest {
    private static final Digest AMD64 = Digest.of("sha256:" + "a".repeat(64));
    private static final Digest ARM64 = Digest.of("sha256:" + "b".repeat(64));
    private static final Digest ATTESTATION = Digest.of("sha256:" + "c".repeat(64));
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Manifest.Descriptor entry(String mediaType, Digest digest, Platform platform) {
        return new Manifest.Descriptor(mediaType, digest, 428, Optional.ofNullable(platform), Map.of());
    }

    private static Platform platform(String text) throws Exception {
        return Platform.of(JSON.readTree(text)).orElseThrow();
    }

    @Test
    void imagesOfDockerManifestsMakeADockerManifestListWhoseDigestIsTheSha256OfItsText() throws Exception {
        List<Manifest.Descriptor> entries = List.of(
                entry(Manifest.DOCKER_V2, AMD64, Platform.of("linux", "amd64")),
                entry(Manifest.DOCKER_V2, ARM64, platform("{\"os\":\"linux\",\"architecture\":\"arm64\","
                        + "\"variant\":\"v8\"}")));
        Manifest index = Manifest.index(entries);
        assertEquals(Manifest.DOCKER_LIST, index.mediaType());
        assertEquals("{\"schemaVersion\":2,\"mediaType\":\"" + Manifest.DOCKER_LIST + "\",\"manifests\":["
                + "{\"mediaType\":\"" + Manifest.DOCKER_V2 + "\",\"digest\":\"" + AMD64 + "\",\"size\":428,"
                + "\"platform\":{\"architecture\":\"amd64\",\"os\":\"linux\"}},"
                + "{\"mediaType\":\"" + Manifest.DOCKER_V2 + "\",\"digest\":\"" + ARM64 + "\",\"size\":428,"
                + "\"platform\":{\"architecture\":\"arm64\",\"os\":\"linux\",\"variant\":\"v8\"}}]}", index.text());
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(index.text().getBytes(StandardCharsets.UTF_8)));
        assertEquals(Digest.of("sha256:" + sha), index.digest());
        assertEquals(index, Manifest.index(List.copyOf(entries)), "the same entries, the same text and digest");
        assertTrue(index.isIndex());
        assertFalse(index.isImage());
        assertEquals(Optional.of(entries), index.entries(), "read back as written");
    }

    @Test
    void anyOciEntryMakesAnOciIndexThatKeepsTheAnnotationsSorted() {
        Manifest.Descriptor attestation = new Manifest.Descriptor(Manifest.OCI_MANIFEST, ATTESTATION, 566,
                Optional.empty(), Map.of("vnd.docker.reference.type", "attestation-manifest",
                "vnd.docker.reference.digest", ARM64.value()));
        Manifest index = Manifest.index(List.of(entry(Manifest.DOCKER_V2, AMD64, Platform.of("linux", "amd64")),
                entry(Manifest.OCI_MANIFEST, ARM64, Platform.of("linux", "arm64")), attestation));
        assertEquals(Manifest.OCI_INDEX, index.mediaType());
        assertTrue(index.text().endsWith("{\"mediaType\":\"" + Manifest.OCI_MANIFEST + "\",\"digest\":\""
                + ATTESTATION + "\",\"size\":566,\"annotations\":{\"vnd.docker.reference.digest\":\"" + ARM64
                + "\",\"vnd.docker.reference.type\":\"attestation-manifest\"}}]}"), index.text());
        assertTrue(index.entries().orElseThrow().get(2).isAttestation());
        assertFalse(index.entries().orElseThrow().get(1).isAttestation());
    }

    @Test
    void anImageNamesItsConfigurationAndAnIndexWithABrokenEntryHasNoEntries() {
        Manifest image = Manifest.of(Manifest.DOCKER_V2, "{\"schemaVersion\":2,\"config\":{\"mediaType\":"
                + "\"application/vnd.docker.container.image.v1+json\",\"size\":1470,\"digest\":\"" + AMD64
                + "\"},\"layers\":[]}");
        assertEquals(AMD64, image.config().orElseThrow().digest());
        assertEquals(1470, image.config().orElseThrow().size());
        assertEquals(Optional.empty(), image.entries());
        Manifest broken = Manifest.of(Manifest.OCI_INDEX, "{\"schemaVersion\":2,\"manifests\":[{\"digest\":\""
                + AMD64 + "\",\"size\":1,\"mediaType\":\"" + Manifest.OCI_MANIFEST + "\"},{\"digest\":\"no digest\","
                + "\"size\":1,\"mediaType\":\"" + Manifest.OCI_MANIFEST + "\"}]}");
        assertEquals(Optional.empty(), broken.entries());
        assertEquals(Optional.empty(), Manifest.of(Manifest.OCI_INDEX, "not json").entries());
    }

    @Test
    void aConfigurationNamesAPlatformOnlyWithAnOsAndAnArchitecture() throws Exception {
        assertEquals("linux/arm/v7", platform("{\"os\":\"linux\",\"architecture\":\"arm\",\"variant\":\"v7\","
                + "\"config\":{}}").toString());
        assertEquals("windows/amd64:10.0.17763.5458", platform("{\"os\":\"windows\",\"architecture\":\"amd64\","
                + "\"os.version\":\"10.0.17763.5458\"}").toString());
        assertEquals(Optional.empty(), Platform.of(JSON.readTree("{\"architecture\":\"amd64\"}")));
        assertEquals(Optional.empty(), Platform.of(JSON.readTree("{\"os\":\" \",\"architecture\":\"amd64\"}")));
        assertEquals(Optional.empty(), Platform.of(JSON.readTree("{\"config\":{}}")));
    }

    @Test
    void platformsTheEngineTreatsAsOneAreOne() throws Exception {
        Platform arm64 = Platform.of("linux", "arm64");
        assertTrue(arm64.sameAs(platform("{\"os\":\"linux\",\"architecture\":\"arm64\",\"variant\":\"v8\"}")));
        assertTrue(arm64.sameAs(Platform.of("linux", "aarch64")));
        assertTrue(Platform.of("linux", "amd64").sameAs(Platform.of("linux", "x86_64")));
        assertTrue(Platform.of("linux", "arm").sameAs(platform("{\"os\":\"linux\",\"architecture\":\"arm\","
                + "\"variant\":\"v7\"}")));
        assertFalse(Platform.of("linux", "arm").sameAs(platform("{\"os\":\"linux\",\"architecture\":\"arm\","
                + "\"variant\":\"v6\"}")));
        assertFalse(arm64.sameAs(Platform.of("linux", "amd64")));
        assertFalse(Platform.of("linux", "amd64").sameAs(Platform.of("windows", "amd64")));
    }
}
