package org.ecrpushpipe.registry;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A repository creation template of the account, as DescribeRepositoryCreationTemplates describes it: the settings
 * ECR gives a repository it creates itself (on push, for pull-through caches, for replication) whose name the
 * template's prefix covers.
 *
 * @param prefix           {@code ROOT} (every repository) or a namespace: {@code prod} covers {@code prod/…}
 * @param tagMutability    the mutability it gives, null when it names none
 * @param exclusionFilters its mutability exclusion filters
 * @param encryption       AES256, KMS or KMS_DSSE; null when it names none
 * @param kmsKey           its KMS key, if any
 * @param resourceTags     the resource tags it gives
 * @param lifecyclePolicy  the lifecycle policy it gives, if any
 * @param appliedFor       when ECR applies it: CREATE_ON_PUSH, PULL_THROUGH_CACHE, REPLICATION
 */
public record CreationTemplate(String prefix, String tagMutability, List<String> exclusionFilters, String encryption,
                               Optional<String> kmsKey, Map<String, String> resourceTags,
                               Optional<String> lifecyclePolicy, List<String> appliedFor) {
    public static final String ROOT = "ROOT";
    public static final String CREATE_ON_PUSH = "CREATE_ON_PUSH";

    public CreationTemplate {
        exclusionFilters = List.copyOf(exclusionFilters);
        resourceTags = Map.copyOf(resourceTags);
        appliedFor = List.copyOf(appliedFor);
    }

    /** Whether the prefix covers the repository name: ROOT covers all, {@code a/b} covers {@code a/b/…}. */
    public boolean covers(String repository) {
        return prefix.equals(ROOT) || repository.startsWith(prefix + "/");
    }

    /** Whether ECR applies it when a push names a repository that does not exist. */
    public boolean createsOnPush() {
        return appliedFor.contains(CREATE_ON_PUSH);
    }

    /**
     * The template ECR uses for {@code repository} among {@code templates}: the one with the longest prefix that
     * covers it, ROOT last (ECR user guide, "Templates to control repositories created during a pull through
     * cache, create on push, or replication action").
     */
    public static Optional<CreationTemplate> forRepository(String repository, List<CreationTemplate> templates) {
        return templates.stream().filter(t -> t.covers(repository))
                .max(Comparator.comparingInt(t -> t.prefix().equals(ROOT) ? -1 : t.prefix().length()));
    }
}
