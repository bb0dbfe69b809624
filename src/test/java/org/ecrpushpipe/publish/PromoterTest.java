package org.ecrpushpipe.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.ecrpushpipe.config.ImageRef;
import org.ecrpushpipe.config.ReleaseSettings;
import org.ecrpushpipe.config.Secret;
import org.ecrpushpipe.config.Tag;
import org.ecrpushpipe.docker.Cancellation;
import org.ecrpushpipe.errors.PipeException;
import org.ecrpushpipe.registry.ContainerRegistry;
import org.ecrpushpipe.registry.Digest;
import org.ecrpushpipe.registry.RegistryCredentials;
import org.ecrpushpipe.registry.Repository;
import org.ecrpushpipe.registry.TagAndDigest;
import org.ecrpushpipe.registry.TaggedImage;
import org.junit.jupiter.api.Test;

/**
 * {@link Promoter} and {@link RegionMirror} (for promoted images) on in-memory registries: the decisions, without
 * the bed ({@code PromoteAndMirrorTest} runs them end to end).
 */
class PromoterTest {
    private static final Digest TESTED = Digest.of("sha256:" + "1".repeat(64));
    private static final Digest OTHER = Digest.of("sha256:" + "2".repeat(64));
    private static final Digest CONFIG = Digest.of("sha256:" + "c".repeat(64));
    private static final String NAME = "team/app";

    private final List<String> events = new ArrayList<>();
    private final PublishEvents recording = new PublishEvents() {
        @Override
        public void info(String message) {
            events.add("info " + message);
        }

        @Override
        public void debug(String message) {
        }

        @Override
        public void warning(String message) {
            events.add("warning " + message);
        }

        @Override
        public void buildOutput(String line) {
        }

        @Override
        public void secret(String value) {
        }

        @Override
        public void pushed(PushedTag tag) {
            events.add("pushed " + tag.reference() + (tag.alreadyThere() ? " (already)" : ""));
        }

        @Override
        public void region(RegionOutcome outcome) {
            events.add("region " + outcome.line());
        }
    };

    /** A repository in memory: tag → digest, the digests it holds, and what was added. */
    private static final class MemoryRegistry implements ContainerRegistry {
        final String host;
        final String mutability;
        final Map<String, Digest> tags = new HashMap<>();
        final Set<Digest> images = new HashSet<>();
        final List<String> added = new ArrayList<>();

        @Override
        public Optional<Repository> createRepository(String name, org.ecrpushpipe.config.RepositorySpec spec) {
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
        public Optional<org.ecrpushpipe.registry.CreationTemplate> creationTemplateFor(String repository) {
            return Optional.empty();
        }

        @Override
        public Map<String, String> resourceTags(String repository) {
            throw new AssertionError("promotion reads no resource tags");
        }

        @Override
        public Map<Tag, Digest> archivedTags(String repository) {
            return Map.of();
        }

        @Override
        public Map<Tag, TaggedImage> heldTags(String repository, List<Tag> tags) {
            throw new AssertionError("promotion pulls no cache images");
        }

        MemoryRegistry(String region, String mutability) {
            this.host = "123456789012.dkr.ecr." + region + ".amazonaws.com";
            this.mutability = mutability;
        }

        MemoryRegistry holding(Digest digest, String... tagNames) {
            images.add(digest);
            for (String t : tagNames) {
                tags.put(t, digest);
            }
            return this;
        }

        @Override
        public RegistryCredentials login() {
            return new RegistryCredentials(host, "AWS", Secret.of("pw"), Instant.EPOCH);
        }

        @Override
        public Optional<Repository> repository(String name) {
            return Optional.of(new Repository(name, host + "/" + name, mutability, List.of()));
        }

        @Override
        public Optional<TaggedImage> image(String repository, Tag tag) {
            return Optional.ofNullable(tags.get(tag.value())).map(d -> new TaggedImage(d, Optional.of(CONFIG)));
        }

        @Override
        public TagAndDigest images(String repository, Tag tag, Digest manifestDigest) {
            return new TagAndDigest(image(repository, tag), images.contains(manifestDigest)
                    ? Optional.of(new TaggedImage(manifestDigest, Optional.of(CONFIG))) : Optional.empty());
        }

        @Override
        public TaggedImage addTag(String repository, Digest manifestDigest, Tag tag) {
            Digest held = tags.get(tag.value());
            if (held != null && !held.equals(manifestDigest) && mutability.equals("IMMUTABLE")) {
                return new TaggedImage(held, Optional.empty());
            }
            added.add(tag.value());
            tags.put(tag.value(), manifestDigest);
            return new TaggedImage(manifestDigest, Optional.of(CONFIG));
        }
    }

    private Promoter promoter(ContainerRegistry registry) {
        return new Promoter(registry, recording, System::nanoTime, new Cancellation());
    }

    private static PublishRequest request(String... tags) {
        return new PublishRequest(ImageRef.parse("123456789012.dkr.ecr.ap-southeast-1.amazonaws.com/" + NAME),
                "ap-southeast-1", java.util.Arrays.stream(tags).map(Tag::new).toList(), (org.ecrpushpipe.context.BuildContext) null);
    }

    private static ReleaseSettings sourceTag(String tag) {
        return new ReleaseSettings(Optional.of(new Tag(tag)), Optional.empty(), List.of());
    }

    @Test
    void addsEveryTagToTheSourceImageMovingTagLast() {
        MemoryRegistry registry = new MemoryRegistry("ap-southeast-1", "MUTABLE").holding(TESTED, "build-42");
        PublishResult result = promoter(registry).promote(request("latest", "1.4.0"), sourceTag("build-42"));
        assertEquals(List.of("1.4.0", "latest"), registry.added);
        assertEquals(Map.of("build-42", TESTED, "1.4.0", TESTED, "latest", TESTED), registry.tags);
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
        Promoter promoter = promoter(home);
        PublishResult promoted = promoter.promote(request("1.0"), sourceTag("build-42"));
        RegionMirror mirror = new RegionMirror(regions::get, List.of("us-east-1", "eu-west-1"), NAME, recording,
                r -> {
                    throw new AssertionError("a promotion never pushes through the engine");
                }, promoter);

        PipeException failure = assertThrows(PipeException.class,
                () -> mirror.mirror(promoted, "ap-southeast-1", List.of(new Tag("1.0")), true));

        assertTrue(failure.getMessage().startsWith("The mirror region us-east-1 has no image " + TESTED),
                failure.getMessage());
        assertEquals(Map.of("build-42", TESTED, "1.0", TESTED), regions.get("eu-west-1").tags, "the next region done");
        assertEquals(Map.of(), regions.get("us-east-1").tags);
        assertEquals(List.of(
                "region Region ap-southeast-1: 123456789012.dkr.ecr.ap-southeast-1.amazonaws.com/team/app holds "
                        + TESTED + " as 1.0.",
                "region Region us-east-1: 123456789012.dkr.ecr.us-east-1.amazonaws.com/team/app failed: "
                        + failure.getMessage(),
                "region Region eu-west-1: 123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/app holds "
                        + TESTED + " as 1.0."),
                events.stream().filter(e -> e.startsWith("region ")).toList());
        assertEquals(List.of(RegionOutcome.Status.PUSHED, RegionOutcome.Status.FAILED, RegionOutcome.Status.PUSHED),
                mirror.outcomes().stream().map(RegionOutcome::status).toList(), "kept for a results file");
    }
}
