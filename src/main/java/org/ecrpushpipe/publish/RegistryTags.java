package org.ecrpushpipe.publish;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;

import org.ecrpushpipe.config.Tag;
import org.ecrpushpipe.errors.Failures;
import org.ecrpushpipe.errors.PipeException;
import org.ecrpushpipe.registry.Digest;
import org.ecrpushpipe.registry.ImageReference;
import org.ecrpushpipe.registry.Manifest;
import org.ecrpushpipe.registry.Registry;
import org.ecrpushpipe.registry.Repository;
import org.ecrpushpipe.registry.TagAndDigest;
import org.ecrpushpipe.registry.TaggedImage;

/**
 * Gives an image tags on the registry's side only — an image the repository already holds (a promotion), or a
 * multi-platform image made of images it holds (PLATFORM_TAGS), in the image's own region and in mirror regions:
 * the rules of a push hold — immutable tags looked at first (one that names another image fails before any tag is
 * added), moving tags last, each tag read back after it is added.
 */
final class RegistryTags {
    private final RunContext context;

    RegistryTags(RunContext context) {
        this.context = context;
    }

    /**
     * How the tags are written, and how a conflict is worded.
     *
     * @param digest the manifest digest every tag must name
     * @param doing  what the log says before a tag is written
     * @param write  writes one tag (repository name, tag), answering what the tag names now
     * @param held   the failure for immutable tags that name another image (tags with their digests, repository)
     */
    private record Writing(Digest digest, String doing, BiFunction<String, Tag, TaggedImage> write,
                           BiFunction<List<String>, String, PipeException> held) {
    }

    /** Gives the image {@code digest}, already in {@code repository} on {@code host}, every tag. */
    List<PushedTag> add(Registry registry, Repository repository, String host, Digest digest, List<Tag> tags) {
        return write(repository, host, tags, registry, new Writing(digest,
                "in the registry (the same manifest, nothing to upload)",
                (name, tag) -> registry.addTag(name, digest, tag),
                (conflicts, uri) -> Failures.promotionTagsHeld(conflicts, uri, digest.value())));
    }

    /**
     * Stores {@code manifest}, which names only manifests {@code repository} holds, under every tag: the
     * multi-platform image, written in the registry.
     */
    List<PushedTag> put(Registry registry, Repository repository, String host, Manifest manifest, List<Tag> tags) {
        Digest digest = manifest.digest();
        return write(repository, host, tags, registry, new Writing(digest,
                "in the registry as the multi-platform image " + digest + " (only its manifest is written)",
                (name, tag) -> registry.putManifest(name, manifest, tag),
                (conflicts, uri) -> Failures.platformTagsHeld(conflicts, uri, digest.value())));
    }

    private List<PushedTag> write(Repository repository, String host, List<Tag> tags, Registry registry,
                                  Writing writing) {
        Digest digest = writing.digest();
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
            throw writing.held().apply(conflicts, host + "/" + repository.name());
        }
        done.forEach(context.events()::pushed);
        for (Tag tag : toTag) {
            PushedTag verified = addOne(registry, new ImageReference(host, repository.name(), tag), writing);
            done.add(verified);
            context.events().pushed(verified);
        }
        return done;
    }

    private PushedTag addOne(Registry registry, ImageReference reference, Writing writing) {
        Digest digest = writing.digest();
        context.stopIfCancelled("tagging " + reference);
        context.events().info("Tagging " + reference + " " + writing.doing() + ".");
        String name = reference.repository();
        TaggedImage held = writing.write().apply(name, reference.tag());
        if (!held.manifestDigest().equals(digest)) {
            // another run gave the immutable tag another image since it was looked at
            throw writing.held().apply(List.of(reference.tag() + " (" + held.manifestDigest() + ")"),
                    reference.repositoryUri());
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
