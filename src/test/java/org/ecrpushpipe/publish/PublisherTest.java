package org.ecrpushpipe.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Consumer;

import org.ecrpushpipe.config.ImageRef;
import org.ecrpushpipe.config.RepositorySpec;
import org.ecrpushpipe.config.ScanSettings;
import org.ecrpushpipe.config.Severity;
import org.ecrpushpipe.config.Tag;
import org.ecrpushpipe.context.BuildContext;
import org.ecrpushpipe.docker.BuildOutcome;
import org.ecrpushpipe.docker.BuildRequest;
import org.ecrpushpipe.docker.Cancellation;
import org.ecrpushpipe.docker.DockerEngine;
import org.ecrpushpipe.docker.EngineVersion;
import org.ecrpushpipe.docker.ImageBuilder;
import org.ecrpushpipe.docker.PullOutcome;
import org.ecrpushpipe.docker.PushOutcome;
import org.ecrpushpipe.errors.ExitCode;
import org.ecrpushpipe.errors.PipeException;
import org.ecrpushpipe.errors.PushProblem;
import org.ecrpushpipe.registry.Digest;
import org.ecrpushpipe.registry.ImageReference;
import org.ecrpushpipe.registry.RegistryCredentials;
import org.ecrpushpipe.registry.Repository;
import org.ecrpushpipe.registry.TagAndDigest;
import org.ecrpushpipe.registry.TaggedImage;
import org.ecrpushpipe.fakes.FakeImageScans;
import org.ecrpushpipe.fakes.InMemoryRegistry;
import org.ecrpushpipe.fakes.RecordingEvents;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The use case's decisions, with hand-written fakes of the registry and the engine. */
class PublisherTest {
    private static final String HOST = "123456789012.dkr.ecr.ap-southeast-1.amazonaws.com";
    private static final Digest DIGEST = Digest.of("sha256:" + "a".repeat(64));
    private static final Digest IMAGE = Digest.of("sha256:image");
    private static final Digest OTHER = Digest.of("sha256:other");

    private final FakeRegistry registry = new FakeRegistry();
    private final FakeImageScans scans = new FakeImageScans();
    private final FakeEngine engine = new FakeEngine();

    private final List<String> events = new ArrayList<>();
    private final List<Duration> sleeps = new ArrayList<>();
    /** The jitter the retry policy draws: 0.5 is half of each wait's ceiling. */
    private RetryPolicy retryPolicy = new RetryPolicy(3, Duration.ofSeconds(30), () -> 0.5);

    @TempDir
    static Path context;

    @BeforeAll
    static void dockerfile() throws Exception {
        Files.writeString(context.resolve("Dockerfile"), "FROM scratch\n");
    }

    private PublishRequest config(String... tags) {
        try {
            return new PublishRequest(ImageRef.parse("my-service"), "ap-southeast-1",
                    List.of(tags).stream().map(Tag::new).toList(), BuildContext.scan(context, "Dockerfile"));
        } catch (BuildContext.Unusable e) {
            throw new AssertionError(e);
        }
    }

    /** Runs the ECR side of the run when the test says, e.g. while the engine builds; directly when null. */
    private Runnable ecrSide;
    private boolean deferEcrSide;

    private final Cancellation run = new Cancellation();

    private PublishResult publish(PublishRequest config) {
        long[] clock = {0};
        RunContext context = new RunContext(new RecordingEvents(events), retryPolicy, sleeps::add,
                () -> clock[0] += 1_000_000_000L, task -> {
                    // the registry side is deferred; the calls it makes alongside its own run at once
                    if (deferEcrSide && ecrSide == null) {
                        ecrSide = task;
                    } else {
                        task.run();
                    }
                }, run);
        Ports ports = new Ports(registry, Optional.of(registry), region -> {
            throw new AssertionError("no other region");
        }, engine, kind -> engine, ResultsOutput.NONE, Optional.of(scans));
        return new Publisher(ports, context).publish(config);
    }

    @Test
    void buildOutputWaitsForEcrAndThenFlowsInOrder() {
        deferEcrSide = true;
        engine.duringBuild = output -> {
            output.accept("Step 1/2 : FROM scratch");
            ecrSide.run();
            output.accept("Step 2/2 : COPY . /");
        };
        publish(config("1.0"));
        int login = events.indexOf("debug Logged in to " + HOST + " until " + Instant.EPOCH + ".");
        assertTrue(login >= 0, events.toString());
        assertTrue(events.indexOf("build Step 1/2 : FROM scratch") > login, "held until ECR answered: " + events);
        assertTrue(events.indexOf("build Step 2/2 : COPY . /") > events.indexOf("build Step 1/2 : FROM scratch"));
    }

    @Test
    void anEcrRefusalDuringTheBuildStopsItAndDropsItsOutput() {
        deferEcrSide = true;
        registry.repositoryExists = false;
        engine.duringBuild = output -> {
            output.accept("Step 1/2 : FROM scratch");
            ecrSide.run();
            assertTrue(engine.cancellation.isCancelled(), "the build is told to stop");
            throw new PipeException.DockerEngine("The build was stopped.", "", null);
        };
        PipeException e = assertThrows(PipeException.Push.class, () -> publish(config("1.0")));
        assertEquals("The repository 'my-service' does not exist in " + HOST + ".", e.getMessage());
        assertTrue(events.stream().noneMatch(ev -> ev.startsWith("build ")), "no output of the stopped build: " + events);
        assertEquals(List.of(), engine.pushed);
    }

    @Test
    void aBuildFailureIsReportedWhenEcrSaidYes() {
        engine.duringBuild = output -> {
            output.accept("Step 1/2 : RUN exit 3");
            throw new PipeException.Build("The image build failed: exit 3", "fix it", null);
        };
        assertThrows(PipeException.Build.class, () -> publish(config("1.0")));
        assertTrue(events.contains("build Step 1/2 : RUN exit 3"), events.toString());
    }

    @Test
    void aLocalImageIsPushedWithoutBuilding() {
        engine.tags.put("my-app:ci", IMAGE);
        PublishResult result = publish(new PublishRequest(ImageRef.parse("my-service"), "ap-southeast-1",
                List.of(new Tag("1.0"), new Tag("latest")), new ImageSource.LocalImage("my-app:ci")));
        assertFalse(engine.built, "nothing built");
        assertEquals(List.of("1.0"), engine.pushed);
        assertEquals(IMAGE, result.imageId());
        assertTrue(events.contains("info Pushing the image my-app:ci (" + IMAGE + ") from the engine, without"
                + " building."), events.toString());
        assertEquals(new ImageFacts(OptionalLong.of(4_200_000), Optional.empty()), result.image(),
                "the size the engine gives, and no build steps: nothing was built");
    }

    @Test
    void theResultCarriesTheImagesSizeAndTheBuildsCachedSteps() {
        engine.builtSteps = new int[] {7, 5};
        PublishResult result = publish(config("1.0"));
        assertEquals(new ImageFacts(OptionalLong.of(4_200_000), Optional.of(new ImageFacts.BuildSteps(7, 5))),
                result.image());
        assertEquals(List.of(IMAGE), engine.sizesAsked);
    }

    @Test
    void aLocalImageTheEngineLacksStopsTheRunBeforeAnyPush() {
        PipeException e = assertThrows(PipeException.Configuration.class, () -> publish(new PublishRequest(
                ImageRef.parse("my-service"), "ap-southeast-1", List.of(new Tag("1.0")),
                new ImageSource.LocalImage("never-built"))));
        assertEquals(ExitCode.CONFIGURATION, e.exitCode());
        assertEquals(List.of(), engine.pushed);
        assertFalse(engine.built);
    }

    @Test
    void pushesEveryTagMovingTagsLastAndVerifiesEach() {
        PublishResult result = publish(config("latest", "1.0", "stable"));
        assertEquals(List.of("1.0"), engine.pushed, "the first tag goes through the engine");
        assertEquals(List.of("stable", "latest"), registry.taggedInRegistry, "the others are added in the registry");
        assertEquals(List.of(HOST + "/my-service:1.0", HOST + "/my-service:stable", HOST + "/my-service:latest"),
                result.tags().stream().map(t -> t.reference().toString()).toList());
        assertEquals(List.of("1.0"), registry.verified);
        assertTrue(events.contains("pushed " + HOST + "/my-service:latest " + DIGEST));
        assertTrue(events.contains("secret pw-1"), "the registry password is registered for masking");
        assertEquals(Duration.ofSeconds(1), result.build());
    }

    @Test
    void aReRunWhoseTagNamedThisImageIsVerifiedByTheRegistrysAnswersWithoutAReadBack() {
        registry.existing.put("1.0", new TaggedImage(DIGEST, Optional.of(IMAGE)));
        PublishResult result = publish(config("1.0"));
        assertEquals(List.of("1.0"), engine.pushed, "the tag is pushed again, as docker push would");
        assertEquals(List.of(), registry.verified, "the answer before the push and the push's digest suffice");
        assertEquals(List.of(DIGEST), result.tags().stream().map(PushedTag::digest).toList());
        assertTrue(events.contains("pushed " + HOST + "/my-service:1.0 " + DIGEST), events.toString());
    }

    @Test
    void aTagThatNamedAnotherManifestOrImageBeforeThePushIsReadBack() {
        for (TaggedImage before : List.of(new TaggedImage(Digest.of("sha256:" + "b".repeat(64)), Optional.of(OTHER)),
                new TaggedImage(DIGEST, Optional.of(OTHER)), new TaggedImage(DIGEST, Optional.empty()))) {
            registry.verified.clear();
            registry.existing.put("1.0", before);
            publish(config("1.0"));
            assertEquals(List.of("1.0"), registry.verified, before.toString());
        }
    }

    @Test
    void aPushOfAnotherManifestThanTheTagNamedIsReadBack() {
        // the tag named this image under another manifest (pushed by another client), and the engine first pushed
        // what another run had tagged with the same name meanwhile: only the registry's read-back tells
        registry.existing.put("race", new TaggedImage(Digest.of("sha256:" + "c".repeat(64)), Optional.of(IMAGE)));
        registry.pushedImages.add(OTHER);
        publish(config("race"));
        assertEquals(List.of("race", "race"), registry.verified, "each push read back");
        assertEquals(List.of(IMAGE, IMAGE), engine.taggedImages, "always this build's image");
    }

    @Test
    void missingRepositoryFailsBeforeTheBuild() {
        registry.repositoryExists = false;
        PipeException e = assertThrows(PipeException.Push.class, () -> publish(config("1.0")));
        assertEquals("The repository 'my-service' does not exist in " + HOST + ".", e.getMessage());
        assertFalse(engine.built, "no build when the push cannot succeed");
    }

    @Test
    void transientFailuresAreRetriedWithBackoffAndEachRetryIsLoggedWithItsCause() {
        engine.outcomes.add(new PushOutcome.Failed(PushProblem.TRANSIENT,
                "received unexpected HTTP status: 500 Internal Server Error"));
        engine.outcomes.add(new PushOutcome.Failed(PushProblem.TRANSIENT, "EOF"));
        publish(config("1.0"));
        assertEquals(List.of("1.0", "1.0", "1.0"), engine.pushed);
        assertEquals(List.of(Duration.ofSeconds(1), Duration.ofSeconds(2)), sleeps, "half of the 2 s and 4 s ceilings");
        assertTrue(events.contains("warning Push of " + HOST + "/my-service:1.0 failed (received unexpected HTTP"
                + " status: 500 Internal Server Error); retrying in 1.0 s (attempt 2 of 4)."), events.toString());
        assertTrue(events.contains("warning Push of " + HOST + "/my-service:1.0 failed (EOF); retrying in 2.0 s"
                + " (attempt 3 of 4)."), events.toString());
    }

    @Test
    void persistentTransientFailureGivesUpAfterTheRetriesAllowed() {
        for (int i = 0; i < retryPolicy.attempts(); i++) {
            engine.outcomes.add(new PushOutcome.Failed(PushProblem.TRANSIENT, "toomanyrequests: Rate exceeded"));
        }
        PipeException e = assertThrows(PipeException.Push.class, () -> publish(config("1.0")));
        assertTrue(e.getMessage().startsWith("Pushing " + HOST + "/my-service:1.0 kept failing"), e.getMessage());
        assertEquals(4, engine.pushed.size(), "RETRIES 3: four attempts");
        assertEquals(List.of(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4)), sleeps);
    }

    @Test
    void withNoRetriesATransientFailureEndsTheRunAtOnce() {
        retryPolicy = new RetryPolicy(0, Duration.ofSeconds(30), () -> 0.5);
        engine.outcomes.add(new PushOutcome.Failed(PushProblem.TRANSIENT, "EOF"));
        PipeException e = assertThrows(PipeException.Push.class, () -> publish(config("1.0")));
        assertEquals("Pushing " + HOST + "/my-service:1.0 kept failing after 1 attempt: EOF", e.getMessage());
        assertEquals(1, engine.pushed.size());
        assertTrue(sleeps.isEmpty());
    }

    @Test
    void expiredTokenLogsInAgainOnce() {
        engine.outcomes.add(new PushOutcome.Failed(PushProblem.LOGIN_EXPIRED,
                "denied: Your authorization token has expired. Reauthenticate and try again."));
        publish(config("1.0"));
        assertEquals(2, registry.logins);
        assertEquals(List.of("pw-1", "pw-2"), engine.passwordsUsed);
    }

    @Test
    void finalFailuresAreTranslatedWithoutRetry() {
        engine.outcomes.add(new PushOutcome.Failed(PushProblem.REPOSITORY_MISSING, "name unknown: The repository"
                + " with name 'my-service' does not exist in the registry with id '123456789012'"));
        PipeException e = assertThrows(PipeException.Push.class, () -> publish(config("1.0")));
        assertEquals("The repository 'my-service' does not exist in " + HOST + ".", e.getMessage());
        assertEquals(1, engine.pushed.size());
        assertTrue(sleeps.isEmpty());
    }

    @Test
    void missingIamPermissionIsAnAuthenticationFailureNamingTheAction() {
        engine.outcomes.add(new PushOutcome.Failed(PushProblem.DENIED, "denied: User: arn:aws:iam::123456789012:"
                + "user/ci is not authorized to perform: ecr:InitiateLayerUpload on resource: …",
                Optional.of("ecr:InitiateLayerUpload")));
        PipeException e = assertThrows(PipeException.Authentication.class, () -> publish(config("1.0")));
        assertTrue(e.getMessage().startsWith("Missing permission ecr:InitiateLayerUpload: "), e.getMessage());
    }

    @Test
    void aTagMovedByAnotherRunAfterThePushFailsTheRun() {
        engine.onPush = () -> registry.afterPush = tag -> registry.existing.put(tag.value(),
                new TaggedImage(Digest.of("sha256:" + "b".repeat(64)), Optional.of(OTHER)));
        PipeException e = assertThrows(PipeException.Push.class, () -> publish(config("1.0")));
        assertEquals("The registry holds sha256:" + "b".repeat(64) + " (image sha256:other) for " + HOST
                + "/my-service:1.0, not this build's " + DIGEST + " (image sha256:image): another run pushed the same"
                + " tag after this one.", e.getMessage());
    }

    @Test
    void noSuchTagAfterThePushFailsTheRun() {
        registry.heldDigest = null;
        assertThrows(PipeException.Push.class, () -> publish(config("1.0")));
    }

    @Test
    void anotherRunsImagePushedUnderOurNameIsPushedAgainAsThisBuild() {
        // the engine pushed the image another run had just tagged with the same name: its config is not ours
        registry.pushedImages.add(OTHER);
        PublishResult result = publish(config("race"));
        assertEquals(List.of("race", "race"), engine.pushed, "tagged and pushed again");
        assertEquals(List.of(IMAGE, IMAGE), engine.taggedImages, "always this build's image");
        assertTrue(events.stream().anyMatch(e -> e.startsWith("warning The engine pushed another image (sha256:other)"
                + " as " + HOST + "/my-service:race: another run on this Docker engine tagged the same name")), events.toString());
        assertEquals(List.of(DIGEST), result.tags().stream().map(PushedTag::digest).toList());
    }

    @Test
    void anEngineThatKeepsPushingAnotherImageFailsClearly() {
        for (int i = 0; i < PushStep.SAME_NAME_ATTEMPTS; i++) {
            registry.pushedImages.add(OTHER);
        }
        PipeException e = assertThrows(PipeException.Push.class, () -> publish(config("race")));
        assertTrue(e.getMessage().startsWith("The Docker engine kept pushing another image than this build"
                + " (sha256:image) as " + HOST + "/my-service:race"), e.getMessage());
        assertFalse(events.stream().anyMatch(ev -> ev.startsWith("pushed ")), "no success reported");
    }

    @Test
    void immutableTagHoldingThisImageIsNotPushedAgain() {
        registry.mutability = "IMMUTABLE";
        registry.existing.put("1.0", new TaggedImage(DIGEST, Optional.of(IMAGE)));
        PublishResult result = publish(config("1.0", "2.0"));
        assertEquals(List.of("2.0"), engine.pushed);
        assertEquals(List.of(HOST + "/my-service:1.0", HOST + "/my-service:2.0"),
                result.tags().stream().map(t -> t.reference().toString()).toList());
        assertTrue(events.contains("info The immutable tag " + HOST + "/my-service:1.0 already holds this image;"
                + " nothing to push."), events.toString());
    }

    @Test
    void immutableTagHoldingAnotherImageFailsBeforeAnyPush() {
        registry.mutability = "IMMUTABLE";
        registry.existing.put("1.0", new TaggedImage(Digest.of("sha256:" + "c".repeat(64)), Optional.of(OTHER)));
        PipeException e = assertThrows(PipeException.Push.class, () -> publish(config("2.0", "1.0")));
        assertTrue(e.getMessage().startsWith("The immutable tag 1.0 (sha256:cccc"), e.getMessage());
        assertTrue(e.getMessage().endsWith("another image than this build (sha256:image); nothing was pushed."),
                e.getMessage());
        assertEquals(List.of(), engine.pushed, "no tag pushed when one of them cannot be");
    }

    @Test
    void excludedTagsOfAnImmutableRepositoryMayMove() {
        registry.mutability = "IMMUTABLE_WITH_EXCLUSION";
        registry.existing.put("dev-x", new TaggedImage(Digest.of("sha256:" + "c".repeat(64)), Optional.of(OTHER)));
        publish(config("dev-x"));
        assertEquals(List.of("dev-x"), engine.pushed);
    }

    @Test
    void immutableRefusalDuringThePushIsSuccessWhenTheTagHoldsThisImage() {
        registry.mutability = "IMMUTABLE";
        engine.outcomes.add(new PushOutcome.Failed(PushProblem.TRANSIENT, "EOF"));
        engine.outcomes.add(new PushOutcome.Failed(PushProblem.TAG_IMMUTABLE, "tag invalid: The image tag '1.0'"
                + " already exists in the 'my-service' repository and cannot be overwritten because the repository"
                + " is immutable."));
        engine.onPush = () -> registry.existing.put("1.0", new TaggedImage(DIGEST, Optional.of(IMAGE)));
        PublishResult result = publish(config("1.0"));
        assertEquals(List.of(DIGEST), result.tags().stream().map(PushedTag::digest).toList());
        assertEquals(2, engine.pushed.size());
    }

    @Test
    void repositoryMutabilityRules() {
        Repository r = new Repository("r", "h/r", "MUTABLE_WITH_EXCLUSION", List.of("v*", "release-*-final"));
        assertTrue(r.isImmutable(new Tag("v1")));
        assertTrue(r.isImmutable(new Tag("release-2-final")));
        assertFalse(r.isImmutable(new Tag("latest")));
        assertFalse(new Repository("r", "h/r", "MUTABLE", List.of()).isImmutable(new Tag("v1")));
        assertTrue(new Repository("r", "h/r", "IMMUTABLE", List.of()).isImmutable(new Tag("v1")));
    }

    @Test
    void pushOrderKeepsFixedTagsInTheOrderGiven() {
        assertEquals(List.of("b", "a", "latest"),
                PushStep.pushOrder(List.of(new Tag("latest"), new Tag("b"), new Tag("a"))).stream()
                        .map(Tag::value).toList());
    }

    @Test
    void aCancelledRunStopsTheBuildAndSaysSo() {
        engine.duringBuild = output -> {
            run.cancel();
            assertTrue(engine.cancellation.isCancelled(), "the build is told to stop");
            throw new PipeException.DockerEngine("the connection was closed", "", null);
        };
        PipeException e = assertThrows(PipeException.Cancelled.class, () -> publish(config("1.0")));
        assertEquals("Cancelled while building the image.", e.getMessage());
        assertEquals(List.of(), engine.pushed);
    }

    @Test
    void aCancelledPushIsNotRetriedAndNoFurtherTagIsAdded() {
        engine.onPush = run::cancel;
        engine.outcomes.add(new PushOutcome.Failed(PushProblem.CANCELLED, "the run was stopped"));
        PipeException e = assertThrows(PipeException.Cancelled.class, () -> publish(config("1.0", "latest")));
        assertEquals("Cancelled while pushing " + HOST + "/my-service:1.0.", e.getMessage());
        assertEquals(List.of("1.0"), engine.pushed);
        assertTrue(engine.pushCancellation == run, "the push can be stopped by the run's cancellation");
        assertEquals(List.of(), registry.taggedInRegistry, "latest never moves after a cancelled push");
        assertTrue(sleeps.isEmpty());
    }

    @Test
    void aRunCancelledBetweenTagsAddsNoMoreTags() {
        engine.onPush = run::cancel;
        PipeException e = assertThrows(PipeException.Cancelled.class, () -> publish(config("1.0", "latest")));
        assertEquals("Cancelled while pushing " + HOST + "/my-service:latest.", e.getMessage());
        assertEquals(List.of(), registry.taggedInRegistry);
    }

    @Test
    void nonTransientProblemsAreNeverRetried() {
        for (PushProblem problem : List.of(PushProblem.LOGIN_REFUSED, PushProblem.DENIED,
                PushProblem.DENIED_BY_REPOSITORY_POLICY, PushProblem.LAYER_TOO_LARGE, PushProblem.ENGINE_UNREACHABLE,
                PushProblem.OTHER)) {
            engine.pushed.clear();
            engine.outcomes.clear();
            engine.outcomes.add(new PushOutcome.Failed(problem, "the registry said no"));
            assertThrows(PipeException.class, () -> publish(config("1.0")), problem.name());
            assertEquals(1, engine.pushed.size(), problem + " is not retried");
            assertTrue(sleeps.isEmpty(), problem + " is not retried");
        }
    }

    private PublishRequest gated(String... tags) {
        return config(tags).withScan(new ScanSettings(Severity.HIGH, Set.of(), Duration.ofSeconds(60)));
    }

    @Test
    void theScanGatePushesTheCandidateAloneAndTagsOnlyAfterTheScan() {
        scans.answering(List.of(FakeImageScans.running(), FakeImageScans.complete(FakeImageScans.finding(
                "CVE-2024-0001", "MEDIUM", "zlib", "1.2"))));
        PublishResult result = publish(gated("1.0", "latest"));
        assertEquals(List.of("scan-candidate-image"), engine.pushed, "only the candidate goes through the engine");
        assertEquals(List.of("1.0", "latest"), registry.taggedInRegistry, "the tags, in the registry, latest last");
        assertEquals(List.of("start " + DIGEST, "scan " + DIGEST, "scan " + DIGEST, "remove scan-candidate-image"),
                scans.calls);
        assertEquals(List.of("1.0", "latest"), result.tags().stream().map(t -> t.reference().tag().value()).toList());
        int passed = events.indexOf("info Scan gate passed: nothing at or above HIGH that SCAN_IGNORE does not"
                + " accept.");
        assertTrue(passed > 0, events.toString());
        List<String> pushedEvents = events.stream().filter(l -> l.startsWith("pushed ")).toList();
        assertEquals(List.of("pushed " + HOST + "/my-service:1.0 " + DIGEST, "pushed " + HOST
                + "/my-service:latest " + DIGEST), pushedEvents, "the candidate is no pushed tag");
        assertTrue(events.indexOf(pushedEvents.get(0)) > passed, "no tag before the gate said yes: " + events);
        assertTrue(events.contains("info Scan gate: " + HOST + "/my-service:scan-candidate-image (" + DIGEST
                + ") is now in the registry; no tag of TAGS names it yet."), events.toString());
    }

    @Test
    void aStoppedReleaseAddsNoTagAndLeavesTheCandidate() {
        scans.answering(List.of(FakeImageScans.complete(FakeImageScans.finding("CVE-2024-0001", "CRITICAL",
                "glibc", "2.31"))));
        PipeException e = assertThrows(PipeException.ScanGate.class, () -> publish(gated("1.0", "latest")));
        assertEquals(ExitCode.SCAN_GATE, e.exitCode());
        assertEquals(List.of("scan-candidate-image"), engine.pushed);
        assertEquals(List.of(), registry.taggedInRegistry, "no release tag");
        assertTrue(scans.calls.stream().noneMatch(c -> c.startsWith("remove")), "the candidate stays");
        assertTrue(e.hint().startsWith("the image stays as " + HOST + "/my-service:scan-candidate-image for"
                + " inspection"), e.hint());
    }

    @Test
    void anImmutableTagHoldingAnotherImageFailsTheGatedRunBeforeTheCandidateIsPushed() {
        registry.mutability = "IMMUTABLE";
        registry.existing.put("1.0", new TaggedImage(Digest.of("sha256:" + "b".repeat(64)), Optional.of(OTHER)));
        PipeException e = assertThrows(PipeException.Push.class, () -> publish(gated("1.0")));
        assertTrue(e.getMessage().startsWith("The immutable tag 1.0 (sha256:bbbb"), e.getMessage());
        assertEquals(List.of(), engine.pushed, "nothing pushed");
        assertEquals(List.of(), scans.calls, "nothing scanned");
    }

    private static final class FakeRegistry extends InMemoryRegistry {
        Digest heldDigest = DIGEST;
        final Map<String, TaggedImage> existing = tags;
        /** Image ids of what successive pushes sent, when not this build's image. */
        final Deque<Digest> pushedImages = new ArrayDeque<>();
        Consumer<Tag> afterPush = tag -> { };
        Digest lastPushedImage = IMAGE;
        final List<String> verified = new ArrayList<>();
        final List<String> taggedInRegistry = new ArrayList<>();

        FakeRegistry() {
            super(HOST);
            exclusionFilters = List.of("dev-*");
        }

        @Override
        public TagAndDigest images(String repository, Tag tag, Digest manifestDigest) {
            verified.add(tag.value());
            Optional<TaggedImage> byTag = Optional.ofNullable(existing.get(tag.value()));
            Optional<TaggedImage> byDigest = manifestDigest.equals(heldDigest)
                    ? Optional.of(new TaggedImage(manifestDigest, Optional.of(lastPushedImage))) : Optional.empty();
            return new TagAndDigest(byTag, byDigest);
        }

        @Override
        public TaggedImage addTag(String repository, Digest manifestDigest, Tag tag) {
            taggedInRegistry.add(tag.value());
            TaggedImage held = existing.get(tag.value());
            if (held != null && !held.manifestDigest().equals(manifestDigest) && !mutability.equals("MUTABLE")) {
                return held;
            }
            TaggedImage now = new TaggedImage(manifestDigest, Optional.of(lastPushedImage));
            existing.put(tag.value(), now);
            return now;
        }

        @Override
        public Optional<Repository> createRepository(String name, RepositorySpec spec) {
            throw new AssertionError("no repository is created without CREATE_REPOSITORY");
        }

        @Override
        public Optional<String> lifecyclePolicy(String repository) {
            throw new AssertionError("no lifecycle policy is read without LIFECYCLE_POLICY");
        }

        @Override
        public void putLifecyclePolicy(String repository, String policyText) {
            throw new AssertionError("no lifecycle policy is set without LIFECYCLE_POLICY");
        }

        @Override
        public Map<String, String> resourceTags(String repository) {
            throw new AssertionError("no resource tags are read without REPOSITORY_TAGS");
        }

        /** A push went through: the tag now holds {@code heldDigest} (or, when null, nothing). */
        void stored(Tag tag) {
            lastPushedImage = pushedImages.isEmpty() ? IMAGE : pushedImages.poll();
            if (heldDigest == null) {
                existing.remove(tag.value());
            } else {
                existing.put(tag.value(), new TaggedImage(heldDigest, Optional.of(lastPushedImage)));
            }
            afterPush.accept(tag);
        }
    }

    private final class FakeEngine implements DockerEngine, ImageBuilder {
        boolean built;
        final Map<String, Digest> tags = new HashMap<>();
        final List<String> pushed = new ArrayList<>();
        final List<Digest> taggedImages = new ArrayList<>();
        final List<String> passwordsUsed = new ArrayList<>();
        final Deque<PushOutcome> outcomes = new ArrayDeque<>();
        Runnable onPush = () -> { };
        Consumer<Consumer<String>> duringBuild = output -> output.accept("Step 1/1 : FROM scratch");
        Cancellation cancellation;
        Cancellation pushCancellation;
        final List<String> pulled = new ArrayList<>();
        BuildRequest lastBuild;
        int[] builtSteps = {0, 0};
        final List<Digest> sizesAsked = new ArrayList<>();

        @Override
        public PullOutcome pull(ImageReference reference, RegistryCredentials credentials,
                                                       Consumer<String> progress, Cancellation cancellation) {
            pulled.add(reference.toString());
            return new PullOutcome.Pulled();
        }

        @Override
        public boolean holds(Digest imageId) {
            return tags.containsValue(imageId);
        }

        @Override
        public String address() {
            return "tcp://127.0.0.1:2375";
        }

        @Override
        public EngineVersion ping() {
            return new EngineVersion("20.10.24", "1.41", "linux");
        }

        @Override
        public BuildOutcome build(BuildRequest request, Consumer<String> output, Cancellation cancellation) {
            built = true;
            lastBuild = request;
            this.cancellation = cancellation;
            duringBuild.accept(output);
            return new BuildOutcome.Built(IMAGE, builtSteps[0], builtSteps[1]);
        }

        @Override
        public OptionalLong imageSize(Digest imageId) {
            sizesAsked.add(imageId);
            return OptionalLong.of(4_200_000);
        }

        @Override
        public Optional<Digest> imageId(String image) {
            return Optional.ofNullable(tags.get(image));
        }

        @Override
        public void tag(Digest imageId, ImageReference reference) {
            tags.put(reference.toString(), imageId);
            taggedImages.add(imageId);
        }

        @Override
        public PushOutcome push(ImageReference reference, RegistryCredentials credentials, Consumer<String> progress,
                                Cancellation cancellation) {
            Tag tag = reference.tag();
            assertEquals(IMAGE, tags.get(reference.toString()), "pushed only after tagging the build");
            pushCancellation = cancellation;
            pushed.add(tag.value());
            passwordsUsed.add(credentials.password().reveal());
            onPush.run();
            if (outcomes.isEmpty()) {
                registry.stored(tag);
                return new PushOutcome.Pushed(DIGEST);
            }
            return outcomes.poll();
        }

        @Override
        public void close() {
        }
    }
}
