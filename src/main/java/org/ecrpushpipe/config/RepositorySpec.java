package org.ecrpushpipe.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How a repository the pipe creates is shaped: ECR's CreateRepository settings, region-independent, so that the
 * same spec can shape the repository of every region a run writes to.
 *
 * @param tagMutability    MUTABLE, IMMUTABLE, IMMUTABLE_WITH_EXCLUSION or MUTABLE_WITH_EXCLUSION
 * @param exclusionFilters WILDCARD filters of the *_WITH_EXCLUSION kinds (1 to 5 of them), else none
 * @param scanOnPush       whether ECR scans each image pushed (basic scanning)
 * @param encryption       AES256 or KMS
 * @param kmsKey           the KMS key (id, ARN or alias) with KMS; empty for ECR's AWS-managed key
 * @param resourceTags     the repository's AWS resource tags, in the order given
 */
public record RepositorySpec(String tagMutability, List<String> exclusionFilters, boolean scanOnPush,
                             String encryption, Optional<String> kmsKey, Map<String, String> resourceTags) {
    /** ECR's defaults: what CreateRepository makes when given nothing but a name. */
    public static final RepositorySpec DEFAULTS =
            new RepositorySpec("MUTABLE", List.of(), false, "AES256", Optional.empty(), Map.of());

    public RepositorySpec {
        exclusionFilters = List.copyOf(exclusionFilters);
        resourceTags = Collections.unmodifiableMap(new LinkedHashMap<>(resourceTags));
    }
}
