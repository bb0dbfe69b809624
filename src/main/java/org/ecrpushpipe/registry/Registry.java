package org.ecrpushpipe.registry;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.ecrpushpipe.config.Tag;

/**
 * What every image registry does, ECR or another (as go-containerregistry's {@code remote} keeps apart from any
 * registry's administration): logging in, reading what a tag or a manifest digest names, and storing a manifest it
 * already holds under one more tag. Implementations classify their library's failures at this boundary and throw
 * the {@link org.ecrpushpipe.errors.PipeException} that {@link org.ecrpushpipe.errors.Failures} words for each kind.
 */
public interface Registry {

    /** Gets credentials for the registry; the host they are for is the one the registry names. */
    RegistryCredentials login();

    /**
     * What a tag points at now.
     *
     * @return empty when the tag does not exist in the repository
     */
    Optional<TaggedImage> image(String repository, Tag tag);

    /** What a tag and a manifest digest stand for now, in one request where the registry allows. */
    TagAndDigest images(String repository, Tag tag, Digest manifestDigest);

    /**
     * Which of {@code tags} the repository holds now, and what each names, with as few requests as the registry
     * allows: the cache images worth pulling, so a missing one costs no pull.
     *
     * @return the tags held, in the order asked; empty when the repository does not exist
     */
    Map<Tag, TaggedImage> heldTags(String repository, List<Tag> tags);

    /**
     * Points {@code tag} at the image the repository already holds under {@code manifestDigest}, on the registry's
     * side: the same manifest is stored under the tag, so nothing is uploaded and the digest stays the same.
     *
     * @return what the tag now points at: another manifest when an immutable tag already held one
     */
    TaggedImage addTag(String repository, Digest manifestDigest, Tag tag);

    /**
     * The manifest a tag or a manifest digest names now, as the registry holds it: its exact text and media type.
     *
     * @param reference a tag, or a manifest digest ({@code sha256:…})
     * @return empty when the repository holds no such manifest (or holds it archived, where it cannot be read)
     */
    Optional<Manifest> manifest(String repository, String reference);

    /**
     * A small blob of the repository (an image's configuration), whole and checked against its digest.
     *
     * @return empty when the repository holds no such blob
     */
    Optional<byte[]> blob(String repository, Digest digest);

    /**
     * Stores a manifest under {@code tag}, on the registry's side (a multi-platform image made of manifests the
     * repository holds): nothing is uploaded but the manifest's own text, and its digest is that of the text.
     *
     * @return what the tag now points at: another manifest when an immutable tag already held one
     */
    TaggedImage putManifest(String repository, Manifest manifest, Tag tag);
}
