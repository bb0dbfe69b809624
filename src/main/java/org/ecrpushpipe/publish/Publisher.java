package org.ecrpushpipe.publish;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;

import org.ecrpushpipe.config.PipeConfig;
import org.ecrpushpipe.config.Tag;
import org.ecrpushpipe.docker.BuildRequest;
import org.ecrpushpipe.docker.Cancellation;
import org.ecrpushpipe.docker.DockerEngine;
import org.ecrpushpipe.docker.PushOutcome;
import org.ecrpushpipe.errors.PipeException;
import org.ecrpushpipe.registry.ContainerRegistry;
import org.ecrpushpipe.registry.RegistryCredentials;
import org.ecrpushpipe.registry.Repository;
import org.ecrpushpipe.registry.TagAndDigest;
import org.ecrpushpipe.registry.TaggedImage;

/**
 * The pipe's use case: check the engine, log in, check the repository, build, tag, push every tag, and verify
 * that the registry holds the pushed digest for each. It talks to the outside only through
 * {@link ContainerRegistry} and {@link DockerEngine}, and holds the decisions: the order tags are pushed in,
 * which failures are retried, when to log in again.
 */
public final class Publisher {
    /**
     * Times this build's image is tagged and pushed when the engine keeps pushing another run's image under the
     * same name (transient push failures are counted by the {@link RetryPolicy} instead).
     */
    static final int MAX_ATTEMPTS = 4;

    /** Tags that move with every build: pushed last, so a failure never leaves them ahead of the fixed tags. */
    private static final List<String> MOVING_TAGS = List.of("latest");

    private final ContainerRegistry registry;
    private final DockerEngine engine;
    private final PublishEvents events;
    private final RetryPolicy retryPolicy;
    private final Sleeper sleeper;
    private final LongSupplier nanoTime;
    private final Executor background;
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
     */
    public Publisher(ContainerRegistry registry, DockerEngine engine, PublishEvents events, RetryPolicy retryPolicy,
                     Sleeper sleeper, LongSupplier nanoTime, Executor background) {
        this.registry = registry;
        this.engine = engine;
        this.events = events;
        this.retryPolicy = retryPolicy;
        this.sleeper = sleeper;
        this.nanoTime = nanoTime;
        this.background = background;
    }

    public PublishResult publish(PipeConfig config) {
        events.info("Using the Docker engine at " + engine.address() + ".");
        events.info("Logging in to Amazon ECR in " + config.region() + ".");
        String repositoryName = config.image().repository();

        // The ECR side (SDK client, login, repository) and the engine side (ping, build) overlap: on a re-run
        // with nothing to build, the build is over before ECR has answered. Build output waits until ECR has
        // said yes; a refusal stops the build and drops its output, so a push that cannot succeed is reported
        // as such, not as a build.
        Cancellation stopBuild = new Cancellation();
        HeldLines output = new HeldLines(events::buildOutput);
        CompletableFuture<Repository> ecrSide = CompletableFuture.supplyAsync(() -> {
            login();
            return registry.repository(repositoryName).orElseThrow(() -> new PipeException.Push(
                    "The repository '" + repositoryName + "' does not exist in " + registryHost(config) + ".",
                    "create it in ECR (region " + config.region() + "), and check that IMAGE names it", null));
        }, background);
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

        events.info("Building " + config.build().dockerfile() + " in " + config.build().directory() + ".");
        long buildStart = nanoTime.getAsLong();
        String imageId;
        try {
            imageId = engine.build(new BuildRequest(config.build()), output, stopBuild);
        } catch (RuntimeException buildFailure) {
            awaitEcrSide(ecrSide); // a login or repository failure explains the run better than the stopped build
            output.release();
            throw buildFailure;
        }
        Duration buildTime = Duration.ofNanos(nanoTime.getAsLong() - buildStart);
        Repository repository = awaitEcrSide(ecrSide);
        events.debug("Repository " + repository.uri() + " has " + repository.tagMutability() + " tags.");
        events.info("Built image " + imageId + ".");
        String repositoryUri = registryHost(config) + "/" + repositoryName;

        List<Tag> order = pushOrder(config.tags());
        List<Tag> toPush = new ArrayList<>();
        List<PushedTag> pushed = new ArrayList<>();
        checkImmutableTags(repository, order, imageId, repositoryUri, toPush, pushed);

        long pushStart = nanoTime.getAsLong();
        // The first tag goes through the engine (layers, then the manifest); every further tag is the same manifest,
        // so the registry stores it under that tag too: no upload, the same digest, one request per tag.
        String digest = null;
        for (Tag tag : toPush) {
            PushedTag verified;
            if (digest == null) {
                events.info("Pushing " + repositoryUri + ":" + tag + ".");
                verified = pushThisImage(repository, repositoryUri, tag, imageId);
                digest = verified.digest();
            } else {
                events.info("Tagging " + repositoryUri + ":" + tag + " in the registry (the same manifest, nothing to upload).");
                verified = tagInRegistry(repository, repositoryUri, tag, digest, imageId);
            }
            pushed.add(verified);
            events.pushed(verified);
        }
        Duration pushTime = Duration.ofNanos(nanoTime.getAsLong() - pushStart);
        return new PublishResult(repositoryUri, imageId, pushed, buildTime, pushTime);
    }

    /** Adds a tag to the pushed manifest on the registry's side, and checks what the tag then holds. */
    private PushedTag tagInRegistry(Repository repository, String repositoryUri, Tag tag, String digest, String imageId) {
        String reference = repositoryUri + ":" + tag;
        TaggedImage held = registry.addTag(repository.name(), digest, tag);
        if (!held.manifestDigest().equals(digest)) {
            throw new PipeException.Push("The immutable tag " + reference + " already holds another image ("
                    + held.manifestDigest() + ") than this build (" + imageId + ").",
                    "give this build a new tag (e.g. the commit), or make the repository's tags mutable", null);
        }
        return new PushedTag(reference, digest, false);
    }

    /** The registry host: the one IMAGE names, else the one ECR's login names (a bare repository name). */
    private String registryHost(PipeConfig config) {
        return config.image().registry().map(r -> r.host()).orElseGet(() -> credentials.registryHost());
    }

    /** The ECR side's repository, or its failure rethrown as it was. */
    private static Repository awaitEcrSide(CompletableFuture<Repository> ecrSide) {
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
    private PushedTag pushThisImage(Repository repository, String repositoryUri, Tag tag, String imageId) {
        String reference = repositoryUri + ":" + tag;
        for (int attempt = 1; ; attempt++) {
            engine.tag(imageId, repositoryUri, tag);
            Pushed result = pushWithRetries(repository, repositoryUri, tag, imageId);
            if (result.alreadyThere()) {
                return result.tag();
            }
            String digest = result.tag().digest();
            TagAndDigest held = registry.images(repository.name(), tag, digest);
            if (held.digest().isEmpty()) {
                throw new PipeException.Push("The registry reports no manifest " + digest + " right after it was"
                        + " pushed as " + reference + ".",
                        "another job may have deleted it; run the step again", null);
            }
            Optional<String> pushedImage = held.digest().get().imageId();
            if (!pushedImage.equals(Optional.of(imageId))) {
                if (attempt < MAX_ATTEMPTS) {
                    events.warning("The engine pushed another image (" + pushedImage.orElse("unknown") + ") as "
                            + reference + ": another run on this Docker engine tagged the same name meanwhile."
                            + " Pushing this build's image (" + imageId + ") again.");
                    continue;
                }
                throw new PipeException.Push("The Docker engine kept pushing another image than this build ("
                        + imageId + ") as " + reference + "; the registry holds " + digest + " (image "
                        + pushedImage.orElse("unknown") + ") from another run.",
                        "runs on one Docker engine must not push the same tag at once: give each build its own tag"
                                + " (e.g. $BITBUCKET_BUILD_NUMBER)", null);
            }
            if (held.tag().isEmpty()) {
                throw new PipeException.Push("The registry reports no image for " + reference
                        + " right after the push of " + digest + ".",
                        "another job may have deleted it; run the step again", null);
            }
            if (!held.tag().get().manifestDigest().equals(digest)) {
                TaggedImage other = held.tag().get();
                throw new PipeException.Push("The registry holds " + other.manifestDigest() + " (image "
                        + other.imageId().orElse("unknown") + ") for " + reference + ", not this build's "
                        + digest + " (image " + imageId + "): another run pushed the same tag after this one.",
                        "give each build a unique tag, or run such steps one after the other", null);
            }
            return new PushedTag(reference, digest, false);
        }
    }

    /**
     * In a repository with immutable tags, looks at every tag before pushing any, so a run never pushes some tags
     * and then fails on another: a tag that already holds this very image needs no push (a re-run succeeds); a
     * tag that holds another image fails the run now, naming both.
     */
    private void checkImmutableTags(Repository repository, List<Tag> order, String imageId, String repositoryUri,
                                    List<Tag> toPush, List<PushedTag> alreadyThere) {
        List<String> conflicts = new ArrayList<>();
        for (Tag tag : order) {
            Optional<TaggedImage> existing = repository.isImmutable(tag)
                    ? registry.image(repository.name(), tag) : Optional.empty();
            if (existing.isEmpty()) {
                toPush.add(tag);
            } else if (existing.get().imageId().filter(imageId::equals).isPresent()) {
                PushedTag same = new PushedTag(repositoryUri + ":" + tag, existing.get().manifestDigest(), true);
                events.info("The immutable tag " + same.reference() + " already holds this image; nothing to push.");
                alreadyThere.add(same);
                events.pushed(same);
            } else {
                conflicts.add(tag + " (" + existing.get().manifestDigest() + ")");
            }
        }
        if (!conflicts.isEmpty()) {
            throw new PipeException.Push("The immutable tag" + (conflicts.size() == 1 ? " " : "s ")
                    + String.join(", ", conflicts) + " of " + repositoryUri
                    + " already hold" + (conflicts.size() == 1 ? "s" : "") + " another image than this build ("
                    + imageId + "); nothing was pushed.",
                    "give this build a new tag (e.g. the commit), or make the repository's tags mutable", null);
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
                .getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        events.debug("Logged in to " + credentials.registryHost() + " until " + credentials.expiresAt() + ".");
        return credentials;
    }

    /** A tag that is now in the registry, and whether it was there already. */
    private record Pushed(PushedTag tag, boolean alreadyThere) {
    }

    private Pushed pushWithRetries(Repository repository, String repositoryUri, Tag tag, String imageId) {
        String reference = repositoryUri + ":" + tag;
        boolean loggedInAgain = false;
        for (int attempt = 1; ; attempt++) {
            PushOutcome outcome = engine.push(repositoryUri, tag, credentials, events::debug);
            if (outcome instanceof PushOutcome.Pushed ok) {
                return new Pushed(new PushedTag(reference, ok.digest(), false), false);
            }
            PushFailure failure = PushFailure.of(((PushOutcome.Failed) outcome).message());
            String registryHost = repositoryUri.substring(0, repositoryUri.indexOf('/'));
            if (failure.kind() == PushFailure.Kind.TOKEN_EXPIRED && !loggedInAgain) {
                events.warning("The registry says the login expired; logging in again.");
                login();
                loggedInAgain = true;
                attempt--;
                continue;
            }
            if (failure.isImmutableTagRefusal()) {
                // another job pushed the tag meanwhile, or an earlier attempt's manifest was accepted before the
                // connection dropped: the tag's content decides
                Optional<TaggedImage> existing = registry.image(repository.name(), tag);
                if (existing.isPresent() && existing.get().imageId().filter(imageId::equals).isPresent()) {
                    events.info("The immutable tag " + reference + " already holds this image.");
                    return new Pushed(new PushedTag(reference, existing.get().manifestDigest(), true), true);
                }
                throw new PipeException.Push("The immutable tag " + reference + " already holds another image ("
                        + existing.map(TaggedImage::manifestDigest).orElse("unknown digest") + ") than this build ("
                        + imageId + ").",
                        "give this build a new tag (e.g. the commit), or make the repository's tags mutable", null);
            }
            if (failure.kind() != PushFailure.Kind.TRANSIENT || !retryPolicy.mayRetryAfter(attempt)) {
                throw failure.translate(reference, registryHost, repository.name());
            }
            Duration wait = retryPolicy.waitAfter(attempt);
            events.warning("Push of " + reference + " failed (" + failure.message() + "); retrying in "
                    + String.format(java.util.Locale.ROOT, "%.1f", wait.toMillis() / 1000.0) + " s (attempt "
                    + (attempt + 1) + " of " + retryPolicy.attempts() + ").");
            try {
                sleeper.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new PipeException.Push("Interrupted while pushing " + reference + ".", "", e);
            }
        }
    }
}
