package org.ecrpushpipe.publish;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;

import org.ecrpushpipe.config.RepositorySettings;
import org.ecrpushpipe.config.BuildSettings;
import org.ecrpushpipe.config.CacheSettings;
import org.ecrpushpipe.config.Tag;
import org.ecrpushpipe.docker.BuildCache;
import org.ecrpushpipe.docker.BuildRequest;
import org.ecrpushpipe.docker.Cancellation;
import org.ecrpushpipe.docker.DockerEngine;
import org.ecrpushpipe.docker.PushOutcome;
import org.ecrpushpipe.errors.Failures;
import org.ecrpushpipe.errors.PushProblem;
import org.ecrpushpipe.registry.ContainerRegistry;
import org.ecrpushpipe.registry.Digest;
import org.ecrpushpipe.registry.ImageReference;
import org.ecrpushpipe.registry.RegistryCredentials;
import org.ecrpushpipe.registry.Repository;
import org.ecrpushpipe.registry.TagAndDigest;
import org.ecrpushpipe.registry.TaggedImage;

/**
 * The pipe's use case: check the engine, log in, check the repository, build, tag, push every tag, and verify
 * that the registry holds the pushed digest for each. It talks to the outside only through
 * {@link ContainerRegistry} and {@link DockerEngine}, and holds the decisions: the order tags are pushed in,
 * which failures are retried (on their {@link PushProblem}, never on their wording), when to log in again, and
 * when to stop because the run was cancelled. Every failure it reports is worded by {@link Failures}.
 */
public final class Publisher {
    /**
     * Times this build's image is tagged and pushed when the engine keeps pushing another run's image under the
     * same name (transient push failures are counted by the {@link RetryPolicy} instead).
     */
    static final int SAME_NAME_ATTEMPTS = 4;

    /** Tags that move with every build: pushed last, so a failure never leaves them ahead of the fixed tags. */
    private static final List<String> MOVING_TAGS = List.of("latest");

    private final ContainerRegistry registry;
    private final DockerEngine engine;
    private final PublishEvents events;
    private final RetryPolicy retryPolicy;
    private final Sleeper sleeper;
    private final LongSupplier nanoTime;
    private final Executor background;
    private final Cancellation run;
    private final RepositoryPreparer preparer;
    /** The region of the run's registry, for messages. */
    private volatile String region;
    /** The registry login of this run, renewed when the registry says it expired. */
    private volatile RegistryCredentials credentials;

    /** Waits between retries; a seam so tests need not sleep. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    /**
     * @param retryPolicy how often, and after which waits, a push that failed transiently is tried again
     * @param background  runs the ECR side of the run while the engine builds (a direct executor runs it first)
     * @param run         cancelled when the run must stop (SIGTERM): the build or push in progress is abandoned,
     *                    and nothing further is pushed
     */
    public Publisher(ContainerRegistry registry, DockerEngine engine, PublishEvents events, RetryPolicy retryPolicy,
                     Sleeper sleeper, LongSupplier nanoTime, Executor background, Cancellation run) {
        this.registry = registry;
        this.engine = engine;
        this.events = events;
        this.retryPolicy = retryPolicy;
        this.sleeper = sleeper;
        this.nanoTime = nanoTime;
        this.background = background;
        this.run = run;
        this.preparer = new RepositoryPreparer(events);
    }

    public PublishResult publish(PublishRequest request) {
        events.info("Using the Docker engine at " + engine.address() + ".");
        // no region: a registry other than ECR (IMAGE on its own host)
        events.info(request.region() == null ? "Logging in to the registry."
                : "Logging in to Amazon ECR in " + request.region() + ".");
        String repositoryName = request.image().repository();
        region = request.region();

        // The ECR side (SDK client, login, repository) and the engine side (ping, build) overlap: on a re-run
        // with nothing to build, the build is over before ECR has answered. Build output waits until ECR has
        // said yes; a refusal stops the build and drops its output, so a push that cannot succeed is reported
        // as such, not as a build.
        Cancellation stopBuild = new Cancellation();
        run.onCancel(stopBuild::cancel);
        HeldLines output = new HeldLines(events::buildOutput);
        CompletableFuture<RepositoryPreparer.Prepared> ecrSide = CompletableFuture.supplyAsync(() -> {
            login();
            // the repository is found, or created, and its lifecycle policy kept, before build output is shown
            RepositoryPreparer.Prepared ready = preparer.prepare(registry, repositoryName, request.repository(),
                    registryHost(request), request.region());
            preparer.sayArchived(registry, ready, request.tags());
            return ready;
        }, background);
        // a cancelled run does not wait for ECR to answer
        run.onCancel(() -> ecrSide.completeExceptionally(Failures.cancelled("logging in to Amazon ECR")));
        ecrSide.whenComplete((repository, failure) -> {
            if (failure == null) {
                output.release();
            } else {
                output.discard();
                stopBuild.cancel();
            }
        });
        engine.ping();
        if (ecrSide.isCompletedExceptionally()) {
            awaitEcrSide(ecrSide); // ECR has already said no: nothing to build for
        }
        stopIfCancelled("starting the build");

        // Registry cache (a build only): the pulls need the login, so with the cache on the build waits for the ECR
        // side.
        ImageSource.Build toBuild = request.source() instanceof ImageSource.Build b ? b : null;
        boolean wantsCache = toBuild != null && request.cache().mode().pulls();
        boolean cachesStages = toBuild != null && request.cache().mode() == CacheSettings.CacheMode.STAGES;
        // a re-run on the same engine builds from the image it holds at once, without waiting for ECR
        Optional<Digest> held = wantsCache && !cachesStages ? engineHoldsATag(request) : Optional.empty();
        boolean cacheOn = wantsCache && held.isEmpty();
        List<String> stages = cachesStages
                ? DockerfileStages.intermediate(toBuild.context().directory().resolve(toBuild.context().dockerfile()))
                : List.of();
        // an image the engine pulled has no local build cache: it serves only as a cache source, as when pulled
        List<String> cacheSources = held.map(d -> List.of(d.value())).orElse(List.of());
        if (cacheOn) {
            awaitEcrSide(ecrSide);
            cacheSources = new RegistryCache(registry, engine, events).pull(CacheSources.choose(request.cache(),
                    registryHost(request), repositoryName, request.tags(), stages), credentials, run);
            stopIfCancelled("starting the build");
        }
        CacheHits cacheHits = new CacheHits(output);

        long buildStart = nanoTime.getAsLong();
        Digest imageId;
        BuildRequest built = null;
        try {
            if (toBuild != null) {
                built = buildRequest(toBuild, request.tags(), new BuildCache(cacheSources, Optional.empty()));
                imageId = engine.build(built, cacheHits, stopBuild);
            } else {
                imageId = localImage((ImageSource.LocalImage) request.source());
            }
        } catch (RuntimeException buildFailure) {
            stopIfCancelled("building the image"); // a cancelled run says so, whatever the stopped build said
            awaitEcrSide(ecrSide); // a login or repository failure explains the run better than the stopped build
            output.release();
            throw buildFailure;
        }
        Duration buildTime = Duration.ofNanos(nanoTime.getAsLong() - buildStart);
        RepositoryPreparer.Prepared prepared = awaitEcrSide(ecrSide);
        Repository repository = prepared.repository();
        events.debug("Repository " + repository.uri() + " has " + repository.tagMutability() + " tags.");
        if (toBuild != null) {
            events.info("Built image " + imageId + ".");
        }
        if (cacheOn) {
            events.info("Registry cache: " + cacheHits.summary() + ".");
        }
        String host = registryHost(request);
        String repositoryUri = host + "/" + repositoryName;

        long pushStart = nanoTime.getAsLong();
        List<PushedTag> pushed = pushTags(repository, host, request.tags(), imageId,
                prepared.createdOnPush().isPresent());
        preparer.afterPush(registry, prepared, request.repository());
        if (!stages.isEmpty()) {
            new StageCache(engine, events).push(stages, built, cacheSources, repository, host, credentials,
                    events::debug, run);
        }
        Duration pushTime = Duration.ofNanos(nanoTime.getAsLong() - pushStart);
        return new PublishResult(repositoryUri, imageId, pushed, buildTime, pushTime);
    }

    /**
     * Pushes an image this run built into this publisher's registry, another region's ({@link RegionMirror}): logs
     * in there, then pushes into the repository {@link RegionMirror#prepare} prepared there the tags with the same rules as {@link #publish} (tag order,
     * immutable tags, retries, a login again).
     */
    List<PushedTag> pushBuilt(String inRegion, RepositoryPreparer.Prepared prepared, RepositorySettings settings,
                              List<Tag> tags, Digest imageId) {
        region = inRegion;
        login();
        String host = credentials.registryHost();
        List<PushedTag> pushed = pushTags(prepared.repository(), host, tags, imageId,
                prepared.createdOnPush().isPresent());
        preparer.afterPush(registry, prepared, settings);
        return pushed;
    }

    /**
     * Pushes the built image under every tag: moving tags last, immutable tags looked at first. The first tag goes
     * through the engine (layers, then the manifest); every further tag is the same manifest, so the registry
     * stores it under that tag too: no upload, the same digest, one request per tag.
     */
    private List<PushedTag> pushTags(Repository repository, String host, List<Tag> tags, Digest imageId,
                                     boolean createdOnPush) {
        String repositoryName = repository.name();
        List<Tag> order = pushOrder(tags);
        List<Tag> toPush = new ArrayList<>();
        List<PushedTag> pushed = new ArrayList<>();
        if (createdOnPush) {
            toPush.addAll(order); // ECR creates the repository on this push: no tag can be there yet
        } else {
            checkImmutableTags(repository, host, order, imageId, toPush, pushed);
        }
        Digest digest = null;
        for (Tag tag : toPush) {
            ImageReference reference = new ImageReference(host, repositoryName, tag);
            stopIfCancelled("pushing " + reference);
            PushedTag verified;
            if (digest == null) {
                events.info("Pushing " + reference + ".");
                verified = pushThisImage(repository, reference, imageId);
                digest = verified.digest();
            } else {
                events.info("Tagging " + reference + " in the registry (the same manifest, nothing to upload).");
                verified = tagInRegistry(repository, reference, digest, imageId);
            }
            pushed.add(verified);
            events.pushed(verified);
        }
        return pushed;
    }

    /**
     * The build of the image with the request's options and the commit's OCI labels (the user's LABELS win), said
     * before it starts. Build-arg values are never printed: only their names, at debug level.
     */
    private BuildRequest buildRequest(ImageSource.Build build, List<Tag> tags, BuildCache cache) {
        BuildSettings options = build.settings();
        events.info("Building " + build.context().dockerfile() + " in " + build.context().directory()
                + options.target().map(t -> ", stage " + t).orElse("") + ".");
        if (!options.buildArgs().isEmpty()) {
            events.debug("Build arguments: " + String.join(", ", options.buildArgs().stream()
                    .map(a -> a.name() + (a.value().isPresent() ? "" : " (unset: the Dockerfile's default)"))
                    .toList()) + ".");
        }
        Map<String, String> labels = ImageLabels.of(options, tags);
        events.debug("Labels: " + String.join(", ", labels.keySet()) + ".");
        return new BuildRequest(build.context(), options.buildArgs(), options.target(), labels, options.noCache(),
                options.pull(), cache);
    }

    /**
     * The image the engine already holds under a tag being pushed, if any: a re-run on the same engine. That image
     * is the cache source, so the build need not wait for the ECR side to name cache images (the overlap of login
     * and build is kept), and nothing is pulled. Known only when IMAGE names its host.
     */
    private Optional<Digest> engineHoldsATag(PublishRequest request) {
        if (request.image().registry().isEmpty()) {
            return Optional.empty();
        }
        String host = request.image().registry().get().host();
        for (Tag tag : request.tags()) {
            ImageReference reference = new ImageReference(host, request.image().repository(), tag);
            Optional<Digest> held = engine.imageId(reference.toString());
            if (held.isPresent()) {
                events.info("Registry cache: not needed, the engine already holds " + reference + " (" + held.get()
                        + "); building with it as the cache image.");
                return held;
            }
        }
        return Optional.empty();
    }

    /** The image LOCAL_IMAGE names, as the engine holds it; nothing is built. */
    private Digest localImage(ImageSource.LocalImage local) {
        Digest imageId = engine.imageId(local.name())
                .orElseThrow(() -> Failures.localImageMissing(local.name(), engine.address()));
        events.info("Pushing the image " + local.name() + " (" + imageId + ") from the engine, without building.");
        return imageId;
    }

    /** Whether a tag moves with every build (latest): pushed last, and never an image's version. */
    static boolean isMoving(Tag tag) {
        return MOVING_TAGS.contains(tag.value());
    }

    /** Throws the cancellation failure when the run was cancelled. */
    private void stopIfCancelled(String doing) {
        if (run.isCancelled()) {
            throw Failures.cancelled(doing);
        }
    }

    /** Adds a tag to the pushed manifest on the registry's side, and checks what the tag then holds. */
    private PushedTag tagInRegistry(Repository repository, ImageReference reference, Digest digest, Digest imageId) {
        TaggedImage held = registry.addTag(repository.name(), digest, reference.tag());
        if (!held.manifestDigest().equals(digest)) {
            throw Failures.immutableTagHeld(reference.toString(), held.manifestDigest().value(), imageId.value());
        }
        return new PushedTag(reference, digest, false);
    }

    /** The registry host: the one IMAGE names, else the one ECR's login names (a bare repository name). */
    private String registryHost(PublishRequest request) {
        return request.image().registry().map(r -> r.host()).orElseGet(() -> credentials.registryHost());
    }

    /** The ECR side's repository, or its failure rethrown as it was. */
    private static <T> T awaitEcrSide(CompletableFuture<T> ecrSide) {
        try {
            return ecrSide.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }

    /**
     * Tags this build's image and pushes it, then checks in one registry request that the manifest pushed is this
     * image (its config digest is the image id) and that the tag names it. The engine pushes by name, so another
     * run on the same engine that tags the same name between our tag and our push makes the engine send its image:
     * then this image is tagged and pushed again. A tag that names another manifest afterwards was moved by another
     * run pushing the same tag: that fails the run rather than report another run's image as ours.
     */
    private PushedTag pushThisImage(Repository repository, ImageReference reference, Digest imageId) {
        for (int attempt = 1; ; attempt++) {
            engine.tag(imageId, reference);
            Pushed result = pushWithRetries(repository, reference, imageId);
            if (result.alreadyThere()) {
                return result.tag();
            }
            Digest digest = result.tag().digest();
            TagAndDigest held = registry.images(repository.name(), reference.tag(), digest);
            if (held.digest().isEmpty()) {
                throw Failures.imageGone(digest.value(), reference.toString());
            }
            Optional<Digest> pushedImage = held.digest().get().imageId();
            if (!pushedImage.equals(Optional.of(imageId))) {
                String other = pushedImage.map(Digest::value).orElse("unknown");
                if (attempt < SAME_NAME_ATTEMPTS) {
                    events.warning("The engine pushed another image (" + other + ") as " + reference
                            + ": another run on this Docker engine tagged the same name meanwhile."
                            + " Pushing this build's image (" + imageId + ") again.");
                    continue;
                }
                throw Failures.enginePushedAnotherImage(reference.toString(), imageId.value(), digest.value(), other);
            }
            if (held.tag().isEmpty()) {
                throw Failures.tagGone(reference.toString(), digest.value());
            }
            TaggedImage now = held.tag().get();
            if (!now.manifestDigest().equals(digest)) {
                throw Failures.tagMovedByAnotherRun(reference.toString(), now.manifestDigest().value(),
                        now.imageId().map(Digest::value).orElse("unknown"), digest.value(), imageId.value());
            }
            return new PushedTag(reference, digest, false);
        }
    }

    /**
     * In a repository with immutable tags, looks at every tag before pushing any, so a run never pushes some tags
     * and then fails on another: a tag that already holds this very image needs no push (a re-run succeeds); a
     * tag that holds another image fails the run now, naming both.
     */
    private void checkImmutableTags(Repository repository, String host, List<Tag> order, Digest imageId,
                                    List<Tag> toPush, List<PushedTag> alreadyThere) {
        List<String> conflicts = new ArrayList<>();
        for (Tag tag : order) {
            Optional<TaggedImage> existing = repository.isImmutable(tag)
                    ? registry.image(repository.name(), tag) : Optional.empty();
            if (existing.isEmpty()) {
                toPush.add(tag);
            } else if (existing.get().imageId().filter(imageId::equals).isPresent()) {
                PushedTag same = new PushedTag(new ImageReference(host, repository.name(), tag),
                        existing.get().manifestDigest(), true);
                events.info("The immutable tag " + same.reference() + " already holds this image; nothing to push.");
                alreadyThere.add(same);
                events.pushed(same);
            } else {
                conflicts.add(tag + " (" + existing.get().manifestDigest() + ")");
            }
        }
        if (!conflicts.isEmpty()) {
            throw Failures.immutableTagsHeld(conflicts, host + "/" + repository.name(), imageId.value());
        }
    }

    /** Fixed tags in the order given, then the moving ones. */
    static List<Tag> pushOrder(List<Tag> tags) {
        List<Tag> order = new ArrayList<>(tags);
        order.sort(Comparator.comparing(t -> MOVING_TAGS.contains(t.value())));
        return order;
    }

    /** Logs in (again); the credentials are kept for the pushes that follow. */
    private RegistryCredentials login() {
        credentials = registry.login();
        String password = credentials.password().reveal();
        events.secret(password);
        events.secret(Base64.getEncoder().encodeToString((credentials.username() + ":" + password)
                .getBytes(StandardCharsets.UTF_8)));
        events.debug("Logged in to " + credentials.registryHost() + " until " + credentials.expiresAt() + ".");
        return credentials;
    }

    /** A tag that is now in the registry, and whether it was there already. */
    private record Pushed(PushedTag tag, boolean alreadyThere) {
    }

    private Pushed pushWithRetries(Repository repository, ImageReference reference, Digest imageId) {
        boolean loggedInAgain = false;
        for (int attempt = 1; ; attempt++) {
            PushOutcome outcome = engine.push(reference, credentials, events::debug, run);
            if (outcome instanceof PushOutcome.Pushed ok) {
                return new Pushed(new PushedTag(reference, ok.digest(), false), false);
            }
            PushOutcome.Failed failure = (PushOutcome.Failed) outcome;
            switch (failure.problem()) {
                case LOGIN_EXPIRED -> {
                    if (!loggedInAgain) {
                        events.warning("The registry says the login expired; logging in again.");
                        login();
                        loggedInAgain = true;
                        attempt--;
                        continue;
                    }
                }
                case TAG_IMMUTABLE -> {
                    // another job pushed the tag meanwhile, or an earlier attempt's manifest was accepted before the
                    // connection dropped: the tag's content decides
                    Optional<TaggedImage> existing = registry.image(repository.name(), reference.tag());
                    if (existing.isPresent() && existing.get().imageId().filter(imageId::equals).isPresent()) {
                        events.info("The immutable tag " + reference + " already holds this image.");
                        return new Pushed(new PushedTag(reference, existing.get().manifestDigest(), true), true);
                    }
                    throw Failures.immutableTagHeld(reference.toString(), existing.map(TaggedImage::manifestDigest)
                            .map(Digest::value).orElse("unknown digest"), imageId.value());
                }
                case REPOSITORY_MISSING -> throw Failures.repositoryMissing(repository.name(),
                        reference.registryHost(), region, null);
                case CANCELLED -> throw Failures.cancelled("pushing " + reference);
                default -> {
                }
            }
            if (!failure.problem().isTransient() || !retryPolicy.mayRetryAfter(attempt)) {
                // no region: a registry other than ECR, whose hints speak of REGISTRY_USERNAME, not IAM
                throw Failures.pushFailed(failure.problem(), reference.toString(), reference.registryHost(),
                        region != null, failure.detail(), failure.deniedAction(),
                        failure.deniedResource().or(repository::arn), attempt);
            }
            Duration wait = retryPolicy.waitAfter(attempt);
            events.warning("Push of " + reference + " failed (" + failure.detail() + "); retrying in "
                    + String.format(java.util.Locale.ROOT, "%.1f", wait.toMillis() / 1000.0) + " s (attempt "
                    + (attempt + 1) + " of " + retryPolicy.attempts() + ").");
            try {
                sleeper.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw Failures.interrupted("pushing " + reference, e);
            }
            stopIfCancelled("pushing " + reference);
        }
    }
}
