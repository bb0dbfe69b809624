package org.ecrpushpipe.registry;

import java.util.Map;
import java.util.Optional;

import org.ecrpushpipe.config.RepositorySpec;
import org.ecrpushpipe.config.Tag;

/**
 * ECR's administration of repositories, which no other registry offers through its API: describing and creating a
 * repository, its lifecycle policy, the account's repository creation templates, its resource tags, and the images
 * in ECR's archive storage class. Held only where ECR is the target; another registry creates a repository on its
 * first push, with mutable tags.
 */
public interface EcrRepositories {

    /**
     * Describes a repository.
     *
     * @return empty when the repository does not exist
     */
    Optional<Repository> repository(String name);

    /**
     * Creates a repository with these settings.
     *
     * @return the repository created; empty when it exists already (another run created it meanwhile)
     */
    Optional<Repository> createRepository(String name, RepositorySpec spec);

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
    Map<String, String> resourceTags(String repository);

    /** The tags of the repository whose image is in ECR's archive storage class (ARCHIVED), with its digest. */
    Map<Tag, Digest> archivedTags(String repository);
}
