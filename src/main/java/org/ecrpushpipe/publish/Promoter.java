package org.ecrpushpipe.publish;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.LongSupplier;

import org.ecrpushpipe.config.ImageRef;
import org.ecrpushpipe.config.ReleaseSettings;
import org.ecrpushpipe.config.Tag;
import org.ecrpushpipe.docker.Cancellation;
import org.ecrpushpipe.errors.Failures;
import org.ecrpushpipe.errors.PipeException;
import org.ecrpushpipe.registry.ContainerRegistry;
import org.ecrpushpipe.registry.Digest;
import org.ecrpushpipe.registry.ImageReference;
import org.ecrpushpipe.registry.Repository;
import org.ecrpushpipe.registry.TagAndDigest;
import org.ecrpushpipe.registry.TaggedImage;

/**
 * Promotion without a rebuild (SOURCE_TAG, SOURCE_DIGEST): gives an image already in the repository more tags, on
 * the registry's side only — ECR's BatchGetImage, then PutImage with the same manifest and media type — so nothing
 * is built, pulled or uploaded, and the digest stays the one that was tested. The rules of a push hold: moving tags
 * ({@code latest}) last; an immutable tag that already names the image needs nothing, one that names another image
 * fails the run before any tag is added; every tag is read back after it is added.
 */
public final class Promoter {
    private final ContainerRegistry registry;
    private final PublishEvents events;
    private final LongSupplier nanoTime;
    private final Cancellation run;

    public Promoter(ContainerRegistry registry, PublishEvents events, LongSupplier nanoTime, Cancellation run) {
        this.registry = registry;
        this.events = events;
        this.nanoTime = nanoTime;
        this.run = run;
    }

    /**
     * Adds {@code request.tags()} to the image {@code source} names.
     *
     * @throws org.ecrpushpipe.errors.PipeException.Configuration when the source is not in the repository
     */
    public PublishResult promote(PublishRequest request, ReleaseSettings source) {
        ImageRef image = request.image();
        String name = image.repository();
        events.info("Promoting in Amazon ECR in " + request.region() + ": nothing is built, pulled or uploaded.");
        Repository repository = registry.repository(name).orElseThrow(() -> Failures.repositoryMissing(name,
                image.registry().map(r -> r.host()).orElse("the account's registry"), request.region(), null));
        String uri = repository.uri();
        String host = hostOf(repository);
        long start = nanoTime.getAsLong();

        TaggedImage found;
        String sourceName;
        if (source.sourceTag().isPresent()) {
            Tag tag = source.sourceTag().get();
            sourceName = uri + ":" + tag;
            found = registry.image(name, tag).orElseThrow(() -> sourceNotThere(name, "SOURCE_TAG", tag.value(), uri,
                    archived -> Optional.ofNullable(archived.get(tag))));
        } else {
            String digest = source.sourceDigest().orElseThrow();
            sourceName = uri + "@" + digest;
            TagAndDigest held = registry.images(name, request.tags().get(0), Digest.of(digest));
            found = held.digest().orElseThrow(() -> sourceNotThere(name, "SOURCE_DIGEST", digest, uri,
                    archived -> archived.values().stream().filter(d -> d.value().equals(digest)).findFirst()));
        }
        // a promotion keeps the lifecycle policy as a push does (CREATE_REPOSITORY does not go with a promotion)
        new RepositoryPreparer(events).keepLifecyclePolicy(registry, name, request.repository());
        Digest digest = found.manifestDigest();
        events.info("Promoting " + sourceName + (source.sourceTag().isPresent() ? " (" + digest + ")" : "") + ".");
        List<PushedTag> tagged = addTags(registry, repository, host, digest, request.tags());
        return new PublishResult(uri, found.imageId().orElse(digest), tagged, Duration.ZERO,
                Duration.ofNanos(nanoTime.getAsLong() - start));
    }

    /**
     * Why the image to promote cannot be read: it is in ECR's archive storage class (BatchGetImage does not return an
     * archived image), or it is not in the repository. A principal not allowed ecr:DescribeImages is told the latter.
     */
    private PipeException sourceNotThere(String name, String variable, String source, String uri,
                                         Function<Map<Tag, Digest>, Optional<Digest>> archivedSource) {
        Optional<Digest> archived = Optional.empty();
        try {
            archived = archivedSource.apply(registry.archivedTags(name));
        } catch (PipeException.Authentication e) {
            events.debug("Not looking for archived images: " + e.getMessage());
        }
        return archived.map(d -> Failures.promotionSourceArchived(variable, source, uri, d.value()))
                .orElseGet(() -> Failures.promotionSourceMissing(variable, source, uri));
    }

    /** The registry host of a repository, from ECR's repositoryUri ({@code <host>/<name>}). */
    static String hostOf(Repository repository) {
        return repository.uri().substring(0, repository.uri().length() - repository.name().length() - 1);
    }

    /**
     * Gives the image {@code digest}, already in {@code repository}, every tag: immutable tags looked at first (one
     * that names another image fails before any tag is added), moving tags last, each tag read back after.
     */
    List<PushedTag> addTags(ContainerRegistry in, Repository repository, String host, Digest digest, List<Tag> tags) {
        String name = repository.name();
        List<Tag> toTag = new ArrayList<>();
        List<PushedTag> done = new ArrayList<>();
        List<String> conflicts = new ArrayList<>();
        for (Tag tag : Publisher.pushOrder(tags)) {
            Optional<TaggedImage> existing = repository.isImmutable(tag) ? in.image(name, tag) : Optional.empty();
            if (existing.isEmpty()) {
                toTag.add(tag);
            } else if (existing.get().manifestDigest().equals(digest)) {
                PushedTag same = new PushedTag(new ImageReference(host, name, tag), digest, true);
                events.info("The immutable tag " + same.reference() + " already holds this image; nothing to do.");
                done.add(same);
            } else {
                conflicts.add(tag + " (" + existing.get().manifestDigest() + ")");
            }
        }
        if (!conflicts.isEmpty()) {
            throw Failures.promotionTagsHeld(conflicts, host + "/" + name, digest.value());
        }
        done.forEach(events::pushed);
        for (Tag tag : toTag) {
            ImageReference reference = new ImageReference(host, name, tag);
            if (run.isCancelled()) {
                throw Failures.cancelled("tagging " + reference);
            }
            events.info("Tagging " + reference + " in the registry (the same manifest, nothing to upload).");
            TaggedImage held = in.addTag(name, digest, tag);
            if (!held.manifestDigest().equals(digest)) {
                // another run gave the immutable tag another image since it was looked at
                throw Failures.promotionTagsHeld(List.of(tag + " (" + held.manifestDigest() + ")"), host + "/" + name,
                        digest.value());
            }
            TagAndDigest now = in.images(name, tag, digest);
            if (now.tag().isEmpty()) {
                throw Failures.tagGone(reference.toString(), digest.value());
            }
            TaggedImage named = now.tag().get();
            if (!named.manifestDigest().equals(digest)) {
                throw Failures.tagMovedByAnotherRun(reference.toString(), named.manifestDigest().value(),
                        named.imageId().map(Digest::value).orElse("unknown"), digest.value(),
                        now.digest().flatMap(TaggedImage::imageId).map(Digest::value).orElse("unknown"));
            }
            PushedTag verified = new PushedTag(reference, digest, false);
            done.add(verified);
            events.pushed(verified);
        }
        return done;
    }
}
