package org.ecrpushpipe.registry;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A manifest as a registry holds it: its digest, its media type and its exact text. The digest is the SHA-256 of
 * the text's UTF-8 bytes (OCI image spec, "Digests"), so the text is kept as it came and written as it is: the
 * same text always has the same digest, in every registry and region.
 *
 * @param digest    the manifest's digest
 * @param mediaType its media type, as the registry serves it
 * @param text      its JSON, byte for byte
 */
public record Manifest(Digest digest, String mediaType, String text) {
    /** Docker's image manifest (v2 schema 2), what the Docker engine pushes. */
    public static final String DOCKER_V2 = "application/vnd.docker.distribution.manifest.v2+json";
    /** Docker's manifest list: several images, one per platform. */
    public static final String DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
    /** The OCI image manifest. */
    public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    /** The OCI image index: several manifests, one per platform (and attestations). */
    public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A manifest of this text, its digest computed as a registry computes it. */
    public static Manifest of(String mediaType, String text) {
        try {
            byte[] sha = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return new Manifest(Digest.of("sha256:" + HexFormat.of().formatHex(sha)), mediaType, text);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /** Whether this is a list of manifests (a Docker manifest list or an OCI image index). */
    public boolean isIndex() {
        return mediaType.equals(DOCKER_LIST) || mediaType.equals(OCI_INDEX);
    }

    /** Whether this is one image's manifest (Docker v2 schema 2 or OCI), which names a configuration. */
    public boolean isImage() {
        return mediaType.equals(DOCKER_V2) || mediaType.equals(OCI_MANIFEST);
    }

    /** The text's length in bytes, a descriptor's {@code size}. */
    public long size() {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }

    /**
     * The configuration an image manifest names ({@code config}): the blob that says, among other things, the
     * image's platform.
     *
     * @return empty for an index, or a manifest without a config
     */
    public Optional<Descriptor> config() {
        return json().map(j -> j.path("config")).filter(JsonNode::isObject).flatMap(Manifest::descriptor);
    }

    /**
     * The entries of an index ({@code manifests}), in order: each names a manifest, and (for images) its platform.
     *
     * @return empty when this is not an index, or an entry is not a descriptor
     */
    public Optional<List<Descriptor>> entries() {
        Optional<JsonNode> manifests = json().map(j -> j.path("manifests")).filter(JsonNode::isArray);
        if (manifests.isEmpty()) {
            return Optional.empty();
        }
        List<Descriptor> entries = new ArrayList<>();
        for (JsonNode entry : manifests.get()) {
            Optional<Descriptor> descriptor = descriptor(entry);
            if (descriptor.isEmpty()) {
                return Optional.empty();
            }
            entries.add(descriptor.get());
        }
        return Optional.of(entries);
    }

    /**
     * A multi-platform image of these entries, in this order: a Docker manifest list when every entry is a Docker v2
     * manifest (what Docker's own {@code docker manifest create} makes of such images), else an OCI image index.
     * The text is compact JSON with its fields in the specifications' order, so the same entries always give the
     * same digest.
     */
    public static Manifest index(List<Descriptor> entries) {
        boolean docker = entries.stream().allMatch(e -> e.mediaType().equals(DOCKER_V2));
        String mediaType = docker ? DOCKER_LIST : OCI_INDEX;
        ObjectNode index = JSON.createObjectNode();
        index.put("schemaVersion", 2);
        index.put("mediaType", mediaType);
        ArrayNode manifests = index.putArray("manifests");
        for (Descriptor entry : entries) {
            ObjectNode node = manifests.addObject();
            node.put("mediaType", entry.mediaType());
            node.put("digest", entry.digest().value());
            node.put("size", entry.size());
            entry.platform().ifPresent(p -> node.set("platform", p.toJson()));
            if (!docker && !entry.annotations().isEmpty()) {
                ObjectNode annotations = node.putObject("annotations");
                entry.annotations().forEach(annotations::put);
            }
        }
        try {
            return of(mediaType, JSON.writeValueAsString(index));
        } catch (IOException e) {
            throw new IllegalStateException("a tree of strings and numbers always serializes", e);
        }
    }

    private Optional<JsonNode> json() {
        try {
            JsonNode node = JSON.readTree(text);
            return node != null && node.isObject() ? Optional.of(node) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static Optional<Descriptor> descriptor(JsonNode node) {
        JsonNode digest = node.path("digest");
        JsonNode size = node.path("size");
        if (!digest.isTextual() || !size.canConvertToLong() || !node.path("mediaType").isTextual()) {
            return Optional.empty();
        }
        Digest parsed;
        try {
            parsed = Digest.of(digest.asText());
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        Map<String, String> annotations = new LinkedHashMap<>();
        node.path("annotations").fields().forEachRemaining(f -> annotations.put(f.getKey(), f.getValue().asText()));
        return Optional.of(new Descriptor(node.path("mediaType").asText(), parsed, size.asLong(),
                Platform.of(node.path("platform")), annotations));
    }

    /**
     * What an index or a manifest says of another blob or manifest (OCI image spec, "Descriptors").
     *
     * @param mediaType   what it is
     * @param digest      its digest
     * @param size        its length in bytes
     * @param platform    the platform an index entry names; empty when it names none
     * @param annotations an index entry's annotations (BuildKit marks its attestations with them)
     */
    public record Descriptor(String mediaType, Digest digest, long size, Optional<Platform> platform,
                             Map<String, String> annotations) {
        public Descriptor {
            // sorted, so that an index written from them is the same text every time
            annotations = Collections.unmodifiableSortedMap(new TreeMap<>(annotations));
        }

        /**
         * Whether this entry is an attestation of another entry (BuildKit's provenance or SBOM), not an image of a
         * platform: BuildKit marks it {@code vnd.docker.reference.type: attestation-manifest}.
         */
        public boolean isAttestation() {
            return "attestation-manifest".equals(annotations.get("vnd.docker.reference.type"));
        }
    }
}
