package org.ecrpushpipe.policy;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import org.ecrpushpipe.config.ImageRef;

/**
 * What the IAM policy of one configuration depends on, and nothing else: {@link IamPolicy#of} turns it into the
 * policy. Features map their variables onto these fields; each feature adds the actions it calls.
 *
 * @param partition  {@code aws}, {@code aws-cn} or {@code aws-us-gov}; see {@link #partitionOf}
 * @param account    the repository's account id, or {@code *} when IMAGE is a bare name (the account is then known
 *                   only after logging in)
 * @param repository the repository name
 * @param regions    the image's region first, then the mirror regions; never empty
 * @param features   the features switched on, each adding its actions
 * @param kmsKey     the KMS key ARN of a KMS-encrypted repository the pipe creates or pushes to
 * @param roleArns   roles assumed in turn ({@code sts:AssumeRole} on each)
 * @param cacheFrom  the other repositories of the image's registry the registry cache pulls from (CACHE_FROM)
 * @param baseImages the ARNs of the ECR repositories the Dockerfile's images are pulled from, with the run's login
 *                   (FROM, COPY --from)
 */
public record PolicyInputs(String partition, String account, String repository, List<String> regions,
                           Set<Feature> features, Optional<String> kmsKey, List<String> roleArns,
                           List<String> cacheFrom, List<String> baseImages) {

    /** A feature that adds actions to the policy when switched on. */
    public enum Feature {
        /** CREATE_REPOSITORY: the pipe may create the repository. */
        CREATE_REPOSITORY,
        /** Tags are set on a repository the pipe creates ({@code ecr:TagResource}). */
        REPOSITORY_TAGS,
        /** LIFECYCLE_POLICY: the pipe reads and sets the repository's lifecycle policy. */
        LIFECYCLE_POLICY,
        /** The pipe reads the registry's repository creation templates. */
        CREATION_TEMPLATES,
        /** SOURCE_TAG / SOURCE_DIGEST: an image is re-tagged through the API. */
        PROMOTION,
        /** The registry cache is pulled from the repository. */
        CACHE_PULL,
        /**
         * SCAN_FAIL_ON: the image is scanned in its own region before it is tagged, a built one under a candidate
         * tag that is removed once the release tags are added.
         */
        SCAN_GATE,
        /**
         * PLATFORM_TAGS: images of several platforms are combined into one through the API, their configurations
         * read from the image's own region.
         */
        PLATFORM_INDEX
    }

    public PolicyInputs {
        Objects.requireNonNull(partition);
        Objects.requireNonNull(account);
        Objects.requireNonNull(repository);
        regions = List.copyOf(regions);
        if (regions.isEmpty()) {
            throw new IllegalArgumentException("at least the image's region");
        }
        features = features.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(features));
        Objects.requireNonNull(kmsKey);
        roleArns = List.copyOf(roleArns);
        cacheFrom = List.copyOf(cacheFrom);
        baseImages = List.copyOf(baseImages);
    }

    /** The base flow: log in, check the repository, push, verify; no feature switched on. */
    public static PolicyInputs base(String account, String repository, String region) {
        return new PolicyInputs(partitionOf(region), account, repository, List.of(region), Set.of(),
                Optional.empty(), List.of(), List.of(), List.of());
    }

    /** The ARN partition a region belongs to. */
    public static String partitionOf(String region) {
        return ImageRef.partition(region);
    }

    public boolean createRepository() {
        return features.contains(Feature.CREATE_REPOSITORY);
    }

    public boolean repositoryTags() {
        return features.contains(Feature.REPOSITORY_TAGS);
    }

    public boolean lifecyclePolicy() {
        return features.contains(Feature.LIFECYCLE_POLICY);
    }

    public boolean creationTemplates() {
        return features.contains(Feature.CREATION_TEMPLATES);
    }

    public boolean promotion() {
        return features.contains(Feature.PROMOTION);
    }

    public boolean cachePull() {
        return features.contains(Feature.CACHE_PULL);
    }

    public boolean scanGate() {
        return features.contains(Feature.SCAN_GATE);
    }

    public boolean platformIndex() {
        return features.contains(Feature.PLATFORM_INDEX);
    }

    /** These inputs with {@code feature} switched on too. */
    public PolicyInputs with(Feature feature) {
        Set<Feature> more = EnumSet.of(feature);
        more.addAll(features);
        return new PolicyInputs(partition, account, repository, regions, more, kmsKey, roleArns, cacheFrom,
                baseImages);
    }

    /** @param tags whether the repository created is tagged too */
    public PolicyInputs withCreateRepository(boolean tags) {
        PolicyInputs created = with(Feature.CREATE_REPOSITORY);
        return tags ? created.with(Feature.REPOSITORY_TAGS) : created;
    }

    public PolicyInputs withLifecyclePolicy() {
        return with(Feature.LIFECYCLE_POLICY);
    }

    public PolicyInputs withCreationTemplates() {
        return with(Feature.CREATION_TEMPLATES);
    }

    public PolicyInputs withPromotion() {
        return with(Feature.PROMOTION);
    }

    public PolicyInputs withCachePull() {
        return with(Feature.CACHE_PULL);
    }

    /** The image is scanned before it is tagged (SCAN_FAIL_ON). */
    public PolicyInputs withScanGate() {
        return with(Feature.SCAN_GATE);
    }

    /** Images of several platforms are combined into one (PLATFORM_TAGS). */
    public PolicyInputs withPlatformIndex() {
        return with(Feature.PLATFORM_INDEX);
    }

    public PolicyInputs withKmsKey(String keyArn) {
        return new PolicyInputs(partition, account, repository, regions, features, Optional.of(keyArn), roleArns,
                cacheFrom, baseImages);
    }

    public PolicyInputs withMirrorRegions(List<String> mirrors) {
        List<String> all = new ArrayList<>(regions.subList(0, 1));
        mirrors.stream().filter(r -> !all.contains(r)).forEach(all::add);
        return new PolicyInputs(partition, account, repository, all, features, kmsKey, roleArns, cacheFrom,
                baseImages);
    }

    public PolicyInputs withRoles(List<String> arns) {
        return new PolicyInputs(partition, account, repository, regions, features, kmsKey, arns, cacheFrom,
                baseImages);
    }

    /** The registry cache also pulls from these other repositories of the image's registry. */
    public PolicyInputs withCacheFrom(List<String> repositories) {
        List<String> others = repositories.stream().filter(r -> !r.equals(repository)).distinct().toList();
        return new PolicyInputs(partition, account, repository, regions, features, kmsKey, roleArns, others,
                baseImages);
    }

    /** The ECR repositories (ARNs) the Dockerfile's images are pulled from. */
    public PolicyInputs withBaseImages(List<String> repositoryArns) {
        return new PolicyInputs(partition, account, repository, regions, features, kmsKey, roleArns, cacheFrom,
                repositoryArns);
    }
}
