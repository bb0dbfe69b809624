package org.ecrpushpipe.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.ecrpushpipe.config.ImageRef;
import org.ecrpushpipe.config.ReleaseSettings;
import org.ecrpushpipe.config.RepositorySpec;
import org.ecrpushpipe.config.Tag;
import org.ecrpushpipe.context.BuildContext;
import org.ecrpushpipe.docker.Cancellation;
import org.ecrpushpipe.errors.PipeException;
import org.ecrpushpipe.fakes.InMemoryRegistry;
import org.ecrpushpipe.fakes.RecordingEvents;
import org.ecrpushpipe.registry.RegionalEcr;
import org.ecrpushpipe.registry.Digest;
import org.ecrpushpipe.registry.RegistryCredentials;
import org.ecrpushpipe.registry.Repository;
import org.ecrpushpipe.registry.TagAndDigest;
import org.ecrpushpipe.registry.TaggedImage;
import org.junit.jupiter.api.Test;

/**
 * {@link PromoteStep} and {@link MirrorStep} (for promoted images) on in-memory registries: the decisions, without
 * the bed ({@code PromoteAndMirrorTest} runs them end to end).
 */
class PromoterTest {
    private static final Digest TESTED = Digest.of("sha256:" + "1".repeat(64));
    private static final Digest OTHER = Digest.of("sha256:" + "2".repeat(64));
    private static final Digest CONFIG = Digest.of("sha256:" + "c".repeat(64));
    private static final String NAME = "team/app";

    private final List<String> events = new ArrayList<>();
    private final RecordingEvents recording = new RecordingEvents(events);

    /** A repository in memory: every image of the config {@link #CONFIG}; promotion asks nothing else of it. */
    private static final class MemoryRegistry extends InMemoryRegistry {
        MemoryRegistry(String region, String mutability) {
            super("123456789012.dkr.ecr." + region + ".amazonaws.com");
            this.mutability = mutability;
        }

        MemoryRegistry holding(Digest digest, String... tagNames) {
            holding(digest, CONFIG, tagNames);
            return this;
        }

        /** Tag → the manifest digest it names. */
        Map<String, Digest> digests() {
            Map<String, Digest> digests = new HashMap<>();
            tags.forEach((tag, image) -> digests.put(tag, image.manifestDigest()));
            return digests;
        }

        @Override
        public Optional<Repository> createRepository(String name, RepositorySpec spec) {
            throw new AssertionError("promotion creates no repository");
        }

        @Override
        public Optional<String> lifecyclePolicy(String repository) {
            throw new AssertionError("promotion reads no lifecycle policy");
        }

        @Override
        public void putLifecyclePolicy(String repository, String policyText) {
            throw new AssertionError("promotion sets no lifecycle policy");
        }

        @Override
        public Map<String, String> resourceTags(String repository) {
            throw new AssertionError("promotion reads no resource tags");
        }

        @Override
        public Map<Tag, TaggedImage> heldTags(String repository, List<Tag> tags) {
            throw new AssertionError("promotion pulls no cache images");
        }
    }

    private RunContext context() {
        return new RunContext(recording, new RetryPolicy(0, Duration.ofSeconds(1), () -> 0.5), d -> {
            throw new AssertionError("promotion never waits");
        }, System::nanoTime, Runnable::run, new Cancellation());
    }

    private PromoteStep promoter(MemoryRegistry registry) {
        return new PromoteStep(registry, registry, context());
    }

    private static PublishRequest request(String... tags) {
        return new PublishRequest(ImageRef.parse("123456789012.dkr.ecr.ap-southeast-1.amazonaws.com/" + NAME),
                "ap-southeast-1", Arrays.stream(tags).map(Tag::new).toList(), (BuildContext) null);
    }

    private static ReleaseSettings sourceTag(String tag) {
        return new ReleaseSettings(Optional.of(new Tag(tag)), Optional.empty(), List.of());
    }

    @Test
    void addsEveryTagToTheSourceImageMovingTagLast() {
        MemoryRegistry registry = new MemoryRegistry("ap-southeast-1", "MUTABLE").holding(TESTED, "build-42");
        PublishResult result = promoter(registry).promote(request("latest", "1.4.0"), sourceTag("build-42"));
        assertEquals(List.of("1.4.0", "latest"), registry.added);
        assertEquals(Map.of("build-42", TESTED, "1.4.0", TESTED, "latest", TESTED), registry.digests());
        assertEquals(CONFIG, result.imageId());
        assertEquals(List.of(TESTED, TESTED), result.tags().stream().map(PushedTag::digest).toList());
    }

    @Test
    void anImmutableTagHoldingAnotherImageFailsBeforeAnyTagIsAdded() {
        MemoryRegistry registry = new MemoryRegistry("ap-southeast-1", "IMMUTABLE").holding(TESTED, "build-42")
                .holding(OTHER, "1.4.0");
        PipeException failure = assertThrows(PipeException.class,
                () -> promoter(registry).promote(request("2.0", "1.4.0"), sourceTag("build-42")));
        assertEquals(6, failure.exitCode().code());
        assertEquals("The immutable tag 1.4.0 (" + OTHER + ") of 123456789012.dkr.ecr.ap-southeast-1.amazonaws.com/"
                + NAME + " already holds another image than the one promoted (" + TESTED + "); no tag was added.",
                failure.getMessage());
        assertEquals(List.of(), registry.added, "nothing added");
    }

    @Test
    void anImmutableTagAlreadyHoldingTheImageIsLeftAsItIs() {
        MemoryRegistry registry = new MemoryRegistry("ap-southeast-1", "IMMUTABLE").holding(TESTED, "build-42", "1.4.0");
        PublishResult result = promoter(registry).promote(request("1.4.0"), sourceTag("build-42"));
        assertEquals(List.of(), registry.added);
        assertTrue(result.tags().get(0).alreadyThere());
    }

    @Test
    void aSourceNotInTheRepositoryIsTheVariablesProblem() {
        MemoryRegistry registry = new MemoryRegistry("ap-southeast-1", "MUTABLE");
        PipeException.Configuration failure = assertThrows(PipeException.Configuration.class,
                () -> promoter(registry).promote(request("1.0"), sourceTag("build-404")));
        assertEquals("SOURCE_TAG", failure.problems().get(0).variable());
        PipeException.Configuration byDigest = assertThrows(PipeException.Configuration.class,
                () -> promoter(registry).promote(request("1.0"), new ReleaseSettings(Optional.empty(),
                        Optional.of(TESTED.value()), List.of())));
        assertEquals("SOURCE_DIGEST", byDigest.problems().get(0).variable());
    }

    @Test
    void aMirrorRegionLackingThePromotedImageFailsAfterTheOthersAreDone() {
        MemoryRegistry home = new MemoryRegistry("ap-southeast-1", "MUTABLE").holding(TESTED, "build-42");
        Map<String, MemoryRegistry> regions = Map.of(
                "us-east-1", new MemoryRegistry("us-east-1", "MUTABLE"),
                "eu-west-1", new MemoryRegistry("eu-west-1", "MUTABLE").holding(TESTED, "build-42"));
        PublishResult promoted = promoter(home).promote(request("1.0"), sourceTag("build-42"));
        MirrorStep mirror = new MirrorStep(region -> new RegionalEcr(region, regions.get(region),
                regions.get(region)), List.of("us-east-1", "eu-west-1"), NAME, null, context());

        MirrorStep.Mirrored mirrored = mirror.mirror(promoted, "ap-southeast-1", List.of(new Tag("1.0")), true,
                MirrorStep.Prepared.none());
        PipeException failure = assertThrows(PipeException.class, mirrored::orThrow);

        assertTrue(failure.getMessage().startsWith("The mirror region us-east-1 has no image " + TESTED),
                failure.getMessage());
        assertEquals(Map.of("build-42", TESTED, "1.0", TESTED), regions.get("eu-west-1").digests(), "the next region done");
        assertEquals(Map.of(), regions.get("us-east-1").digests());
        assertEquals(List.of(
                "region Region ap-southeast-1: 123456789012.dkr.ecr.ap-southeast-1.amazonaws.com/team/app holds "
                        + TESTED + " as 1.0.",
                "region Region us-east-1: 123456789012.dkr.ecr.us-east-1.amazonaws.com/team/app failed: "
                        + failure.getMessage(),
                "region Region eu-west-1: 123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/app holds "
                        + TESTED + " as 1.0."),
                events.stream().filter(e -> e.startsWith("region ")).toList());
        assertEquals(List.of(RegionOutcome.Status.PUSHED, RegionOutcome.Status.FAILED, RegionOutcome.Status.PUSHED),
                mirrored.outcomes().stream().map(RegionOutcome::status).toList(), "kept for a results file");
    }
}
