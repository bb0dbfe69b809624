package org.ecrpushpipe.registry;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The platform an image runs on, as its configuration says it ({@code os}, {@code architecture}, {@code variant},
 * {@code os.version}, {@code os.features}: OCI image spec, "Image Configuration") and as an index's entry repeats it.
 *
 * @param os           the operating system, {@code linux}
 * @param architecture the CPU architecture, {@code amd64}, {@code arm64}
 * @param variant      the CPU variant, {@code v8}; empty when none is named
 * @param osVersion    the operating system's version (Windows images name it); empty when none is named
 * @param osFeatures   features the image needs of the operating system; usually none
 */
public record Platform(String os, String architecture, Optional<String> variant, Optional<String> osVersion,
                       List<String> osFeatures) {
    public Platform {
        osFeatures = List.copyOf(osFeatures);
    }

    /** {@code os/architecture}, with no variant. */
    public static Platform of(String os, String architecture) {
        return new Platform(os, architecture, Optional.empty(), Optional.empty(), List.of());
    }

    /**
     * The platform an image's configuration, or an index entry's {@code platform} object, names.
     *
     * @return empty when it names no operating system or no architecture
     */
    public static Optional<Platform> of(JsonNode node) {
        if (node == null || !node.isObject()) {
            return Optional.empty();
        }
        Optional<String> os = text(node, "os");
        Optional<String> architecture = text(node, "architecture");
        if (os.isEmpty() || architecture.isEmpty()) {
            return Optional.empty();
        }
        List<String> features = new ArrayList<>();
        node.path("os.features").forEach(f -> features.add(f.asText()));
        return Optional.of(new Platform(os.get(), architecture.get(), text(node, "variant"),
                text(node, "os.version"), features));
    }

    private static Optional<String> text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isTextual() && !value.asText().isBlank() ? Optional.of(value.asText()) : Optional.empty();
    }

    /**
     * Whether two platforms are the same one, as the engine that pulls picks among them: the names the engine
     * treats as one are one (containerd's {@code platforms.Normalize}: {@code aarch64} is {@code arm64}, whose
     * variant {@code v8} is the default; {@code x86_64} is {@code amd64}, variant {@code v1} the default; {@code arm}
     * without a variant is {@code arm/v7}).
     */
    public boolean sameAs(Platform other) {
        return normalized().equals(other.normalized());
    }

    private List<String> normalized() {
        String arch = architecture.toLowerCase(Locale.ROOT);
        String v = variant.orElse("").toLowerCase(Locale.ROOT);
        switch (arch) {
            case "aarch64", "arm64" -> {
                arch = "arm64";
                v = v.equals("8") || v.equals("v8") || v.equals("v8.0") ? "" : v;
            }
            case "x86_64", "x86-64", "amd64" -> {
                arch = "amd64";
                v = v.equals("v1") ? "" : v;
            }
            case "i386" -> arch = "386";
            case "armhf" -> {
                arch = "arm";
                v = "v7";
            }
            case "armel" -> {
                arch = "arm";
                v = "v6";
            }
            case "arm" -> v = v.isEmpty() || v.equals("7") ? "v7" : v.startsWith("v") ? v : "v" + v;
            default -> {
                // another architecture: compared as written
            }
        }
        return List.of(os.toLowerCase(Locale.ROOT), arch, v, osVersion.orElse(""), String.join(",", osFeatures));
    }

    /** The {@code platform} object of an index entry, its fields in the OCI image spec's order. */
    public ObjectNode toJson() {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("architecture", architecture);
        node.put("os", os);
        osVersion.ifPresent(v -> node.put("os.version", v));
        if (!osFeatures.isEmpty()) {
            osFeatures.forEach(node.putArray("os.features")::add);
        }
        variant.ifPresent(v -> node.put("variant", v));
        return node;
    }

    /**
     * {@code linux/arm64/v8}, as docker's {@code --platform} names it, with the operating system's version after a
     * colon when there is one ({@code windows/amd64:10.0.17763.5458}, as crane names it): no blank inside.
     */
    @Override
    public String toString() {
        return os + "/" + architecture + variant.map(v -> "/" + v).orElse("") + osVersion.map(v -> ":" + v).orElse("");
    }
}
