package org.ecrpushpipe.publish;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.ecrpushpipe.config.Tag;
import org.ecrpushpipe.errors.Failures;
import org.ecrpushpipe.registry.Digest;
import org.ecrpushpipe.registry.ImageReference;
import org.ecrpushpipe.registry.Registry;
import org.ecrpushpipe.registry.Repository;
import org.ecrpushpipe.registry.TagAndDigest;
import org.ecrpushpipe.registry.TaggedImage;

/**
 * Gives an image a repository already holds more tags, on the registry's side only (a promotion, in the image's own
 * region and in mirror regions): the rules of a push hold — immutable tags looked at first (one that names another
 * image fails before any tag is added), moving tags last, each tag read back after it is added.
 */
final class RegistryTags {
    private final RunContext context;

    RegistryTags(RunContext context) {
        this.context = context;
    }

    /** Gives the image {@code digest}, already in {@code repository} on {@code host}, every tag. */
    List<PushedTag> add(Registry registry, Repository repository, String host, Digest digest, List<Tag> tags) {
        List<Tag> toTag = new ArrayList<>();
        List<PushedTag> done = new ArrayList<>();
        List<String> conflicts = new ArrayList<>();
        for (Tag tag : PushStep.pushOrder(tags)) {
            Optional<TaggedImage> existing = repository.isImmutable(tag)
                    ? registry.image(repository.name(), tag) : Optional.empty();
            if (existing.isEmpty()) {
                toTag.add(tag);
            } else if (existing.get().manifestDigest().equals(digest)) {
                PushedTag same = new PushedTag(new ImageReference(host, repository.name(), tag), digest, true);
                context.events().info("The immutable tag " + same.reference()
                        + " already holds this image; nothing to do.");
                done.add(same);
            } else {
                conflicts.add(tag + " (" + existing.get().manifestDigest() + ")");
            }
        }
        if (!conflicts.isEmpty()) {
            throw Failures.promotionTagsHeld(conflicts, host + "/" + repository.name(), digest.value());
        }
        done.forEach(context.events()::pushed);
        for (Tag tag : toTag) {
            PushedTag verified = addOne(registry, new ImageReference(host, repository.name(), tag), digest);
            done.add(verified);
            context.events().pushed(verified);
        }
        return done;
    }

    private PushedTag addOne(Registry registry, ImageReference reference, Digest digest) {
        context.stopIfCancelled("tagging " + reference);
        context.events().info("Tagging " + reference + " in the registry (the same manifest, nothing to upload).");
        String name = reference.repository();
        TaggedImage held = registry.addTag(name, digest, reference.tag());
        if (!held.manifestDigest().equals(digest)) {
            // another run gave the immutable tag another image since it was looked at
            throw Failures.promotionTagsHeld(List.of(reference.tag() + " (" + held.manifestDigest() + ")"),
                    reference.repositoryUri(), digest.value());
        }
        TagAndDigest now = registry.images(name, reference.tag(), digest);
        TaggedImage named = now.tag().orElseThrow(() -> Failures.tagGone(reference.toString(), digest.value()));
        if (!named.manifestDigest().equals(digest)) {
            throw Failures.tagMovedByAnotherRun(reference.toString(), named.manifestDigest().value(),
                    named.imageId().map(Digest::value).orElse("unknown"), digest.value(),
                    now.digest().flatMap(TaggedImage::imageId).map(Digest::value).orElse("unknown"));
        }
        return new PushedTag(reference, digest, false);
    }
}
