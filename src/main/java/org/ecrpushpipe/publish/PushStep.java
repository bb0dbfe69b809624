package org.ecrpushpipe.publish;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.ecrpushpipe.config.Tag;
import org.ecrpushpipe.docker.DockerEngine;
import org.ecrpushpipe.docker.PushOutcome;
import org.ecrpushpipe.errors.Failures;
import org.ecrpushpipe.errors.PushProblem;
import org.ecrpushpipe.registry.Digest;
import org.ecrpushpipe.registry.ImageReference;
import org.ecrpushpipe.registry.Registry;
import org.ecrpushpipe.errors.RegistryKind;
import org.ecrpushpipe.registry.Repository;
import org.ecrpushpipe.registry.TagAndDigest;
import org.ecrpushpipe.registry.TaggedImage;

/**
 * Pushes an image the engine holds under every tag, into one registry, and verifies each: the order tags go in
 * (moving tags last), immutable tags looked at first, which failures are retried (on their {@link PushProblem},
 * never on their wording), when to log in again, and when to stop because the run was cancelled. The first tag goes
 * through the engine (layers, then the manifest); every further tag is the same manifest, stored under that tag on
 * the registry's side: no upload, the same digest, one request per tag.
 */
final class PushStep {
    /**
     * Times this build's image is tagged and pushed when the engine keeps pushing another run's image under the
     * same name (transient push failures are counted by the {@link RetryPolicy} instead).
     */
    static final int SAME_NAME_ATTEMPTS = 4;

    /** Tags that move with every build: pushed last, so a failure never leaves them ahead of the fixed tags. */
    private static final List<String> MOVING_TAGS = List.of("latest");

    private final Registry registry;
    private final Login login;
    private final DockerEngine engine;
    private final RunContext context;
    private final RegistryKind kind;
    private final String region;

    /** @param region the registry's region (ECR), for messages */
    PushStep(Registry registry, Login login, DockerEngine engine, RunContext context, RegistryKind kind,
             Optional<String> region) {
        this.registry = registry;
        this.login = login;
        this.engine = engine;
        this.context = context;
        this.kind = kind;
        this.region = region.orElse(null);
    }

    /**
     * Pushes {@code imageId} as every tag of {@code repository} on {@code host}, and verifies each.
     *
     * @param createdOnPush whether the registry creates the repository on this push (no tag can be there yet)
     * @param known         what each of {@code tags} named when the run began (a tag absent named nothing), when
     *                      the registry was asked already; else the immutable ones are asked now
     * @return the tags the registry now holds for the image, in push order
     */
    List<PushedTag> push(Repository repository, String host, List<Tag> tags, Digest imageId, boolean createdOnPush,
                         Optional<Map<Tag, TaggedImage>> known) {
        List<Tag> toPush = new ArrayList<>();
        List<PushedTag> pushed = new ArrayList<>();
        if (createdOnPush) {
            toPush.addAll(pushOrder(tags));
        } else {
            checkImmutableTags(repository, host, pushOrder(tags), imageId, known, toPush, pushed);
        }
        Digest digest = null;
        for (Tag tag : toPush) {
            ImageReference reference = new ImageReference(host, repository.name(), tag);
            context.stopIfCancelled("pushing " + reference);
            PushedTag verified;
            if (digest == null) {
                context.events().info("Pushing " + reference + ".");
                verified = pushThisImage(repository, reference, imageId,
                        known.flatMap(k -> Optional.ofNullable(k.get(tag))));
                digest = verified.digest();
            } else {
                context.events().info("Tagging " + reference
                        + " in the registry (the same manifest, nothing to upload).");
                verified = tagInRegistry(repository, reference, digest, imageId);
            }
            pushed.add(verified);
            context.events().pushed(verified);
        }
        return pushed;
    }

    /** Whether a tag moves with every build (latest): pushed last, and never an image's version. */
    static boolean isMoving(Tag tag) {
        return MOVING_TAGS.contains(tag.value());
    }

    /** Fixed tags in the order given, then the moving ones. */
    static List<Tag> pushOrder(List<Tag> tags) {
        List<Tag> order = new ArrayList<>(tags);
        order.sort(Comparator.comparing(t -> MOVING_TAGS.contains(t.value())));
        return order;
    }

    /**
     * In a repository with immutable tags, looks at every tag before pushing any, so a run never pushes some tags
     * and then fails on another: a tag that already holds this very image needs no push (a re-run succeeds); a
     * tag that holds another image fails the run now, naming both.
     */
    private void checkImmutableTags(Repository repository, String host, List<Tag> order, Digest imageId,
                                    Optional<Map<Tag, TaggedImage>> known, List<Tag> toPush,
                                    List<PushedTag> alreadyThere) {
        List<String> conflicts = new ArrayList<>();
        for (Tag tag : order) {
            Optional<TaggedImage> existing = !repository.isImmutable(tag) ? Optional.empty()
                    : known.map(k -> Optional.ofNullable(k.get(tag))).orElseGet(() -> registry.image(repository.name(),
                    tag));
            if (existing.isEmpty()) {
                toPush.add(tag);
            } else if (existing.get().imageId().filter(imageId::equals).isPresent()) {
                PushedTag same = new PushedTag(new ImageReference(host, repository.name(), tag),
                        existing.get().manifestDigest(), true);
                context.events().info("The immutable tag " + same.reference()
                        + " already holds this image; nothing to push.");
                alreadyThere.add(same);
                context.events().pushed(same);
            } else {
                conflicts.add(tag + " (" + existing.get().manifestDigest() + ")");
            }
        }
        if (!conflicts.isEmpty()) {
            throw Failures.immutableTagsHeld(conflicts, host + "/" + repository.name(), imageId.value());
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

    /**
     * Tags this build's image and pushes it, then checks in one registry request that the manifest pushed is this
     * image (its config digest is the image id) and that the tag names it. The engine pushes by name, so another
     * run on the same engine that tags the same name between our tag and our push makes the engine send its image:
     * then this image is tagged and pushed again. A tag that names another manifest afterwards was moved by another
     * run pushing the same tag: that fails the run rather than report another run's image as ours.
     *
     * <p>A re-run whose tag already named this image needs no second request: the registry said, when the run
     * began, that the tag names manifest D and that D's config is this image; the engine then pushed D again (a
     * manifest is named by the digest of its bytes, so the same D is the same manifest) and the registry accepted
     * it under the tag. Reading the tag back would only narrow, not close, the window in which another run could
     * move it afterwards.
     *
     * @param before what the tag named when the run began, when the registry was asked
     */
    private PushedTag pushThisImage(Repository repository, ImageReference reference, Digest imageId,
                                    Optional<TaggedImage> before) {
        for (int attempt = 1; ; attempt++) {
            engine.tag(imageId, reference);
            Pushed result = pushWithRetries(repository, reference, imageId);
            if (result.alreadyThere()) {
                return result.tag();
            }
            Digest digest = result.tag().digest();
            if (attempt == 1 && before.filter(b -> b.manifestDigest().equals(digest)
                    && b.imageId().filter(imageId::equals).isPresent()).isPresent()) {
                context.events().debug(reference + " named " + digest + " (this image) before the push, and the"
                        + " engine pushed that same manifest: verified by the registry's answers, no read-back.");
                return result.tag();
            }
            TagAndDigest held = registry.images(repository.name(), reference.tag(), digest);
            Optional<Digest> pushedImage = held.digest()
                    .orElseThrow(() -> Failures.imageGone(digest.value(), reference.toString())).imageId();
            if (pushedImage.equals(Optional.of(imageId))) {
                return verifiedTag(held, reference, digest, imageId);
            }
            String other = pushedImage.map(Digest::value).orElse("unknown");
            if (attempt >= SAME_NAME_ATTEMPTS) {
                throw Failures.enginePushedAnotherImage(reference.toString(), imageId.value(), digest.value(), other);
            }
            context.events().warning("The engine pushed another image (" + other + ") as " + reference
                    + ": another run on this Docker engine tagged the same name meanwhile."
                    + " Pushing this build's image (" + imageId + ") again.");
        }
    }

    /** The pushed tag, once the registry says it names the pushed manifest. */
    private static PushedTag verifiedTag(TagAndDigest held, ImageReference reference, Digest digest, Digest imageId) {
        TaggedImage now = held.tag().orElseThrow(() -> Failures.tagGone(reference.toString(), digest.value()));
        if (!now.manifestDigest().equals(digest)) {
            throw Failures.tagMovedByAnotherRun(reference.toString(), now.manifestDigest().value(),
                    now.imageId().map(Digest::value).orElse("unknown"), digest.value(), imageId.value());
        }
        return new PushedTag(reference, digest, false);
    }

    /** A tag that is now in the registry, and whether it was there already. */
    private record Pushed(PushedTag tag, boolean alreadyThere) {
    }

    private Pushed pushWithRetries(Repository repository, ImageReference reference, Digest imageId) {
        boolean loggedInAgain = false;
        for (int attempt = 1; ; attempt++) {
            PushOutcome outcome = engine.push(reference, login.current(), context.events()::debug,
                    context.cancellation());
            if (outcome instanceof PushOutcome.Pushed ok) {
                return new Pushed(new PushedTag(reference, ok.digest(), false), false);
            }
            PushOutcome.Failed failure = (PushOutcome.Failed) outcome;
            if (failure.problem() == PushProblem.LOGIN_EXPIRED && !loggedInAgain) {
                context.events().warning("The registry says the login expired; logging in again.");
                login.renew();
                loggedInAgain = true;
                attempt--;
                continue;
            }
            if (failure.problem() == PushProblem.TAG_IMMUTABLE) {
                return alreadyThere(repository, reference, imageId);
            }
            failIfFinal(failure, repository, reference, attempt);
            waitBeforeRetry(failure, reference, attempt);
        }
    }

    /**
     * An immutable tag refused the push: another job pushed the tag meanwhile, or an earlier attempt's manifest was
     * accepted before the connection dropped. The tag's content decides.
     */
    private Pushed alreadyThere(Repository repository, ImageReference reference, Digest imageId) {
        Optional<TaggedImage> existing = registry.image(repository.name(), reference.tag());
        if (existing.isPresent() && existing.get().imageId().filter(imageId::equals).isPresent()) {
            context.events().info("The immutable tag " + reference + " already holds this image.");
            return new Pushed(new PushedTag(reference, existing.get().manifestDigest(), true), true);
        }
        throw Failures.immutableTagHeld(reference.toString(), existing.map(TaggedImage::manifestDigest)
                .map(Digest::value).orElse("unknown digest"), imageId.value());
    }

    /** Throws the failure when it is not worth another attempt. */
    private void failIfFinal(PushOutcome.Failed failure, Repository repository, ImageReference reference,
                             int attempt) {
        switch (failure.problem()) {
            case REPOSITORY_MISSING -> throw Failures.repositoryMissing(repository.name(), reference.registryHost(),
                    region, null);
            case CANCELLED -> throw Failures.cancelled("pushing " + reference);
            default -> {
                if (!failure.problem().isTransient() || !context.retryPolicy().mayRetryAfter(attempt)) {
                    throw Failures.pushFailed(failure.problem(), reference.toString(), reference.registryHost(), kind,
                            failure.detail(), failure.deniedAction(), failure.deniedResource().or(repository::arn),
                            attempt);
                }
            }
        }
    }

    private void waitBeforeRetry(PushOutcome.Failed failure, ImageReference reference, int attempt) {
        Duration wait = context.retryPolicy().waitAfter(attempt);
        context.events().warning("Push of " + reference + " failed (" + failure.detail() + "); retrying in "
                + String.format(Locale.ROOT, "%.1f", wait.toMillis() / 1000.0) + " s (attempt "
                + (attempt + 1) + " of " + context.retryPolicy().attempts() + ").");
        try {
            context.sleeper().sleep(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw Failures.interrupted("pushing " + reference, e);
        }
        context.stopIfCancelled("pushing " + reference);
    }
}
