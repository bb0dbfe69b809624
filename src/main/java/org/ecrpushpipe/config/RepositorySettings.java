package org.ecrpushpipe.config;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * What the pipe does to the repository before it builds: create it when it is missing, shaped by
 * {@code spec}; and keep its lifecycle policy as given.
 *
 * @param create          CREATE_REPOSITORY: create a missing repository (else a missing one fails the run)
 * @param spec            the settings a created repository gets (ECR's defaults where none was given)
 * @param given           the settings the user gave explicitly: only these are compared with an existing
 *                        repository, so that an existing repository is never warned about defaults nobody chose
 * @param lifecyclePolicy LIFECYCLE_POLICY, read and checked
 */
public record RepositorySettings(boolean create, RepositorySpec spec, Set<RepositorySetting> given,
                                 Optional<LifecyclePolicy> lifecyclePolicy) {
    /** Nothing asked: the repository must exist, and is left as it is. */
    public static final RepositorySettings NONE =
            new RepositorySettings(false, RepositorySpec.DEFAULTS, Set.of(), Optional.empty());

    public RepositorySettings {
        given = given.isEmpty() ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(given));
    }
}
