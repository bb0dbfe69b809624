package org.ecrpushpipe.registry;

import java.util.Optional;

import org.ecrpushpipe.config.Tag;

/**
 * The registry's control plane: logging in, and the facts about repositories and images that the pipe checks
 * before and after a push. Implementations classify their library's failures at this boundary and throw the
 * {@link org.ecrpushpipe.errors.PipeException} that {@link org.ecrpushpipe.errors.Failures} words for each kind.
 */
public interface ContainerRegistry {

    /** Gets credentials for the registry; the host they are for is the one the service names. */
    RegistryCredentials login();

    /**
     * Describes a repository.
     *
     * @return empty when the repository does not exist
     */
    Optional<Repository> repository(String name);

    /**
     * What a tag points at now.
     *
     * @return empty when the tag does not exist in the repository
     */
    Optional<TaggedImage> image(String repository, Tag tag);

    /** What a tag and a manifest digest stand for now, in one request. */
    TagAndDigest images(String repository, Tag tag, Digest manifestDigest);

    /**
     * Points {@code tag} at the image the repository already holds under {@code manifestDigest}, on the registry's
     * side: the same manifest is stored under the tag, so nothing is uploaded and the digest stays the same.
     *
     * @return what the tag now points at
     * @return what the tag now points at: another manifest when an immutable tag already held one
     */
    TaggedImage addTag(String repository, Digest manifestDigest, Tag tag);

    // ---- shaping the repository (issue 9) ----------------------------------------------------------------------

    /**
     * Creates a repository with these settings.
     *
     * @return the repository created; empty when it exists already (another run created it meanwhile)
     */
    Optional<Repository> createRepository(String name, org.ecrpushpipe.config.RepositorySpec spec);

    /** The repository's lifecycle policy text; empty when it has none. */
    Optional<String> lifecyclePolicy(String repository);

    /** Sets the repository's lifecycle policy. */
    void putLifecyclePolicy(String repository, String policyText);

    /**
     * The account's repository creation template that ECR applies when a push names this repository and it does
     * not exist (one applied for CREATE_ON_PUSH whose prefix covers the name, the most specific), if any.
     */
    Optional<CreationTemplate> creationTemplateFor(String repository);

    /** The repository's AWS resource tags (ListTagsForResource). */
    java.util.Map<String, String> resourceTags(String repository);

    /** The tags of the repository whose image is in ECR's archive storage class (ARCHIVED), with its digest. */
    java.util.Map<Tag, Digest> archivedTags(String repository);
    /**
     * Which of {@code tags} the repository holds now, and what each names, in one request: the cache images worth
     * pulling, so a missing one costs no pull (and one the engine already holds, none either).
     *
     * @return the tags held, in the order asked; empty when the repository does not exist
     */
    java.util.Map<Tag, TaggedImage> heldTags(String repository, java.util.List<Tag> tags);
}
