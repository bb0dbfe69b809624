package org.ecrpushpipe.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import org.ecrpushpipe.config.ImageRef;

/**
 * What the IAM policy of one configuration depends on, and nothing else: {@link IamPolicy#of} turns it into the
 * policy. Features map their variables onto these fields; each flag adds the actions that feature calls.
 *
 * @param partition          {@code aws}, {@code aws-cn} or {@code aws-us-gov}; see {@link #partitionOf}
 * @param account            the repository's account id, or {@code *} when IMAGE is a bare name (the account is
 *                           then known only after logging in)
 * @param repository         the repository name
 * @param regions            the image's region first, then the mirror regions; never empty
 * @param createRepository   CREATE_REPOSITORY: the pipe may create the repository
 * @param repositoryTags     tags are set on a repository the pipe creates ({@code ecr:TagResource})
 * @param kmsKey             the KMS key ARN of a KMS-encrypted repository the pipe creates or pushes to
 * @param lifecyclePolicy    LIFECYCLE_POLICY: the pipe reads and sets the repository's lifecycle policy
 * @param creationTemplates  the pipe reads the registry's repository creation templates
 * @param promotion          SOURCE_TAG / SOURCE_DIGEST: an image is re-tagged through the API
 * @param cachePull          the registry cache is pulled from the repository
 * @param roleArns           roles assumed in turn ({@code sts:AssumeRole} on each)
 * @param cacheFrom          the other repositories of the image's registry the registry cache pulls from (CACHE_FROM)
 * @param baseImages         the ARNs of the ECR repositories the Dockerfile's images are pulled from, with the run's
 *                           login (FROM, COPY --from)
 * @param platformIndex      PLATFORM_TAGS: images of several platforms are combined into one through the API, their
 *                           configurations read from the image's own region
 */
public record PolicyInputs(String partition, String account, String repository, List<String> regions,
                           boolean createRepository, boolean repositoryTags, Optional<String> kmsKey,
                           boolean lifecyclePolicy, boolean creationTemplates, boolean promotion, boolean cachePull,
                           List<String> roleArns, List<String> cacheFrom, List<String> baseImages,
                           boolean platformIndex) {

    public PolicyInputs {
        Objects.requireNonNull(partition);
        Objects.requireNonNull(account);
        Objects.requireNonNull(repository);
        regions = List.copyOf(regions);
        if (regions.isEmpty()) {
            throw new IllegalArgumentException("at least the image's region");
        }
        Objects.requireNonNull(kmsKey);
        roleArns = List.copyOf(roleArns);
        cacheFrom = List.copyOf(cacheFrom);
        baseImages = List.copyOf(baseImages);
    }

    /** The base flow: log in, check the repository, push, verify; no feature switched on. */
    public static PolicyInputs base(String account, String repository, String region) {
        return new PolicyInputs(partitionOf(region), account, repository, List.of(region), false, false,
                Optional.empty(), false, false, false, false, List.of(), List.of(), List.of(), false);
    }

    /** The ARN partition a region belongs to. */
    public static String partitionOf(String region) {
        return ImageRef.partition(region);
    }

    public PolicyInputs withCreateRepository(boolean tags) {
        return new PolicyInputs(partition, account, repository, regions, true, tags, kmsKey, lifecyclePolicy,
                creationTemplates, promotion, cachePull, roleArns, cacheFrom, baseImages, platformIndex);
    }

    public PolicyInputs withKmsKey(String keyArn) {
        return new PolicyInputs(partition, account, repository, regions, createRepository, repositoryTags,
                Optional.of(keyArn), lifecyclePolicy, creationTemplates, promotion, cachePull, roleArns, cacheFrom, baseImages, platformIndex);
    }

    public PolicyInputs withLifecyclePolicy() {
        return new PolicyInputs(partition, account, repository, regions, createRepository, repositoryTags, kmsKey,
                true, creationTemplates, promotion, cachePull, roleArns, cacheFrom, baseImages, platformIndex);
    }

    public PolicyInputs withCreationTemplates() {
        return new PolicyInputs(partition, account, repository, regions, createRepository, repositoryTags, kmsKey,
                lifecyclePolicy, true, promotion, cachePull, roleArns, cacheFrom, baseImages, platformIndex);
    }

    public PolicyInputs withPromotion() {
        return new PolicyInputs(partition, account, repository, regions, createRepository, repositoryTags, kmsKey,
                lifecyclePolicy, creationTemplates, true, cachePull, roleArns, cacheFrom, baseImages, platformIndex);
    }

    public PolicyInputs withPlatformIndex() {
        return new PolicyInputs(partition, account, repository, regions, createRepository, repositoryTags, kmsKey,
                lifecyclePolicy, creationTemplates, promotion, cachePull, roleArns, cacheFrom, baseImages, true);
    }

    public PolicyInputs withCachePull() {
        return new PolicyInputs(partition, account, repository, regions, createRepository, repositoryTags, kmsKey,
                lifecyclePolicy, creationTemplates, promotion, true, roleArns, cacheFrom, baseImages, platformIndex);
    }

    public PolicyInputs withMirrorRegions(List<String> mirrors) {
        List<String> all = new ArrayList<>(regions.subList(0, 1));
        mirrors.stream().filter(r -> !all.contains(r)).forEach(all::add);
        return new PolicyInputs(partition, account, repository, all, createRepository, repositoryTags, kmsKey,
                lifecyclePolicy, creationTemplates, promotion, cachePull, roleArns, cacheFrom, baseImages, platformIndex);
    }

    public PolicyInputs withRoles(List<String> arns) {
        return new PolicyInputs(partition, account, repository, regions, createRepository, repositoryTags, kmsKey,
                lifecyclePolicy, creationTemplates, promotion, cachePull, arns, cacheFrom, baseImages, platformIndex);
    }

    /** The registry cache also pulls from these other repositories of the image's registry. */
    /** The ECR repositories (ARNs) the Dockerfile's images are pulled from. */
    public PolicyInputs withBaseImages(List<String> repositoryArns) {
        return new PolicyInputs(partition, account, repository, regions, createRepository, repositoryTags, kmsKey,
                lifecyclePolicy, creationTemplates, promotion, cachePull, roleArns, cacheFrom, repositoryArns, platformIndex);
    }

    public PolicyInputs withCacheFrom(List<String> repositories) {
        List<String> others = repositories.stream().filter(r -> !r.equals(repository)).distinct().toList();
        return new PolicyInputs(partition, account, repository, regions, createRepository, repositoryTags, kmsKey,
                lifecyclePolicy, creationTemplates, promotion, cachePull, roleArns, others, baseImages, platformIndex);
    }
}
