package org.ecrpushpipe.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.ecrpushpipe.config.ImageRef;
import org.ecrpushpipe.config.Tag;
import org.ecrpushpipe.context.BuildContext;
import org.ecrpushpipe.docker.Cancellation;
import org.ecrpushpipe.errors.PipeException;
import org.ecrpushpipe.fakes.InMemoryRegistry;
import org.ecrpushpipe.fakes.RecordingEvents;
import org.ecrpushpipe.registry.Digest;
import org.ecrpushpipe.registry.Manifest;
import org.ecrpushpipe.registry.Platform;
import org.junit.jupiter.api.Test;

/**
 * {@link CombineStep} on an in-memory registry: what goes into the multi-platform image, what is refused before
 * anything is written, and how it is written ({@code PlatformTagsScenarios} runs it end to end on the bed).
 */
class CombineStepTest {
    private static final String URI = "123456789012.dkr.ecr.ap-southeast-1.amazonaws.com/team/app";

    private final List<String> events = new ArrayList<>();
    private final InMemoryRegistry registry = InMemoryRegistry.inRegion("ap-southeast-1");

    private CombineStep step() {
        RunContext context = new RunContext(new RecordingEvents(events), new RetryPolicy(0, Duration.ofSeconds(1),
                () -> 0.5), d -> {
                    throw new AssertionError("a combination never waits");
                }, System::nanoTime, Runnable::run, new Cancellation());
        return new CombineStep(registry, Optional.of(registry), context);
    }

    private static PublishRequest request(String... tags) {
        return new PublishRequest(ImageRef.parse(URI), "ap-southeast-1", Arrays.stream(tags).map(Tag::new).toList(),
                (BuildContext) null);
    }

    private static List<Tag> tags(String... names) {
        return Arrays.stream(names).map(Tag::new).toList();
    }

    /** An image under {@code tag} whose configuration holds {@code platformFields} (JSON fields, or nothing). */
    private Manifest image(String tag, String mediaType, String platformFields) {
        String config = "{" + platformFields + (platformFields.isEmpty() ? "" : ",")
                + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]},\"written-as\":\"" + tag + "\"}";
        Digest configDigest = Manifest.of("blob", config).digest();
        registry.blobs.put(configDigest, config.getBytes(StandardCharsets.UTF_8));
        Manifest manifest = Manifest.of(mediaType, "{\"schemaVersion\":2,\"mediaType\":\"" + mediaType
                + "\",\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"size\":"
                + config.length() + ",\"digest\":\"" + configDigest + "\"},\"layers\":[]}");
        registry.holding(manifest, tag);
        return manifest;
    }

    private static List<String> entries(Manifest index) {
        return index.entries().orElseThrow().stream().map(e -> e.digest() + " " + e.platform().map(Platform::toString)
                .orElse("none")).toList();
    }

    @Test
    void dockerImagesOfTwoPlatformsBecomeAManifestListWrittenUnderEveryTagTheMovingOneLast() {
        Manifest amd64 = image("42-amd64", Manifest.DOCKER_V2, "\"architecture\":\"amd64\",\"os\":\"linux\"");
        Manifest arm64 = image("42-arm64", Manifest.DOCKER_V2,
                "\"architecture\":\"arm64\",\"os\":\"linux\",\"variant\":\"v8\"");

        CombineStep.Combined combined = step().read(request("latest", "1.4"), tags("42-amd64", "42-arm64"));

        assertEquals(Manifest.DOCKER_LIST, combined.index().mediaType());
        assertEquals(List.of(amd64.digest() + " linux/amd64", arm64.digest() + " linux/arm64/v8"),
                entries(combined.index()));
        assertEquals(List.of(), registry.written, "nothing written while reading");
        PublishResult result = step().write(request("latest", "1.4"), combined);
        Digest index = combined.index().digest();
        assertEquals(List.of("1.4 " + index, "latest " + index), registry.written);
        assertEquals(index, result.tags().get(0).digest());
        assertEquals(List.of("linux/amd64 " + amd64.digest() + " 42-amd64", "linux/arm64/v8 " + arm64.digest()
                + " 42-arm64"), result.platforms().stream().map(p -> p.platform() + " " + p.digest() + " "
                + p.source()).toList(), "each platform's image, for the results");
        assertTrue(events.contains("info Platform linux/arm64/v8: " + URI + ":42-arm64 (" + arm64.digest() + ")."),
                events.toString());
    }

    @Test
    void everyProblemOfTheSourcesIsNamedAtOnceAndNothingIsWritten() {
        image("7-amd64", Manifest.DOCKER_V2, "\"architecture\":\"amd64\",\"os\":\"linux\"");
        image("7-x86", Manifest.DOCKER_V2, "\"architecture\":\"x86_64\",\"os\":\"linux\"");
        Manifest none = image("7-none", Manifest.DOCKER_V2, "");

        PipeException.Configuration refused = assertThrows(PipeException.Configuration.class, () -> step().read(
                request("7"), tags("7-amd64", "7-x86", "7-none", "7-missing")));

        List<String> problems = refused.problems().stream().map(p -> p.variable() + ": " + p.message()).toList();
        assertEquals(3, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith("PLATFORM_TAGS: '7-x86' is linux/x86_64, as '7-amd64' is"),
                problems.toString());
        assertTrue(problems.get(1).startsWith("PLATFORM_TAGS: '7-none' (" + none.digest() + ") names no platform"),
                problems.toString());
        assertTrue(problems.get(2).startsWith("PLATFORM_TAGS: '7-missing' is not in " + URI), problems.toString());
        assertEquals(List.of(), registry.written);
    }

    @Test
    void aMultiPlatformSourceAddsItsEntriesAndAttestationsAndOciMakesAnOciIndex() {
        Manifest amd64 = image("10-amd64", Manifest.DOCKER_V2, "\"architecture\":\"amd64\",\"os\":\"linux\"");
        Manifest arm = image("10-arm-only", Manifest.OCI_MANIFEST, "\"architecture\":\"arm\",\"os\":\"linux\"");
        Manifest.Descriptor armEntry = new Manifest.Descriptor(Manifest.OCI_MANIFEST, arm.digest(), arm.size(),
                Optional.empty(), Map.of());
        Manifest.Descriptor attestation = new Manifest.Descriptor(Manifest.OCI_MANIFEST,
                Digest.of("sha256:" + "c".repeat(64)), 566, Optional.of(Platform.of("unknown", "unknown")),
                Map.of("vnd.docker.reference.type", "attestation-manifest",
                        "vnd.docker.reference.digest", arm.digest().value()));
        registry.holding(Manifest.index(List.of(armEntry, attestation)), "10-arm");

        CombineStep.Combined combined = step().read(request("10"), tags("10-amd64", "10-arm"));

        assertEquals(Manifest.OCI_INDEX, combined.index().mediaType());
        assertEquals(List.of(amd64.digest() + " linux/amd64", arm.digest() + " linux/arm",
                attestation.digest() + " unknown/unknown"), entries(combined.index()),
                "an entry without a platform takes its image's; the attestation stays, and is no platform");
        assertEquals(2, combined.platforms().size());
    }
}
