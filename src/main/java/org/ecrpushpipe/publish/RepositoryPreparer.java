package org.ecrpushpipe.publish;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.ecrpushpipe.config.LifecyclePolicy;
import org.ecrpushpipe.config.RepositorySetting;
import org.ecrpushpipe.config.RepositorySettings;
import org.ecrpushpipe.config.RepositorySpec;
import org.ecrpushpipe.config.Tag;
import org.ecrpushpipe.errors.Failures;
import org.ecrpushpipe.errors.PipeException;
import org.ecrpushpipe.registry.EcrRepositories;
import org.ecrpushpipe.registry.CreationTemplate;
import org.ecrpushpipe.registry.Digest;
import org.ecrpushpipe.registry.Repository;

/**
 * Makes an ECR repository ready before anything is built, in one registry (one region): finds it; when it
 * is missing, creates it (CREATE_REPOSITORY) or leaves it to the account's repository creation template that ECR
 * applies on push, and otherwise fails as a missing repository; warns, one line per setting, where an existing
 * repository (or the template) differs from the settings given, and never changes it; keeps its lifecycle
 * policy as given. The decisions live here; the registry only answers and acts.
 *
 * <p>Called once per registry: a run that writes to several regions prepares each with the same settings.
 */
public final class RepositoryPreparer {
    private final PublishEvents events;

    public RepositoryPreparer(PublishEvents events) {
        this.events = events;
    }

    /**
     * The repository as the push will find it.
     *
     * @param repository     the repository (for a repository ECR creates on push: as its template shapes it)
     * @param createdOnPush  the template that will shape the repository on the first push, when it does not exist
     * @param existedBefore  whether the repository existed before this run
     */
    public record Prepared(Repository repository, Optional<CreationTemplate> createdOnPush, boolean existedBefore) {
    }

    /**
     * @param registryHost the registry host, for the URI of a repository that does not exist yet
     * @param region       the region of {@code registry}, for messages
     */
    public Prepared prepare(EcrRepositories registry, String name, RepositorySettings settings,
                            String registryHost, String region) {
        return prepare(registry, registry.repository(name), name, settings, registryHost, region);
    }

    /**
     * The same, for a repository already described ({@code existing}, from ECR's DescribeRepositories).
     *
     * @param registryHost the registry host, for the URI of a repository that does not exist yet
     * @param region       the region of {@code registry}, for messages
     */
    Prepared prepare(EcrRepositories registry, Optional<Repository> existing, String name,
                     RepositorySettings settings, String registryHost, String region) {
        Prepared prepared;
        if (existing.isPresent()) {
            warnWhereDifferent(registry, existing.get(), settings);
            prepared = new Prepared(existing.get(), Optional.empty(), true);
        } else {
            prepared = prepareMissing(registry, name, settings, registryHost, region);
        }
        if (prepared.createdOnPush().isEmpty()) {
            settings.lifecyclePolicy().ifPresent(policy -> keepLifecyclePolicy(registry, name, policy));
        }
        return prepared;
    }

    /** After the push: the lifecycle policy of a repository that ECR created on that push. */
    public void afterPush(EcrRepositories registry, Prepared prepared, RepositorySettings settings) {
        if (prepared.createdOnPush().isPresent()) {
            settings.lifecyclePolicy().ifPresent(p -> keepLifecyclePolicy(registry, prepared.repository().name(), p));
        }
    }

    /**
     * Says which of {@code tags} point at an image in ECR's archive storage class: pushing the same image again
     * restores it (ECR user guide, "Archiving an image"). A principal not allowed ecr:DescribeImages is not asked.
     */
    public Map<Tag, Digest> sayArchived(EcrRepositories registry, Prepared prepared, List<Tag> tags) {
        return prepared.existedBefore() ? sayArchived(prepared, tags, archivedTags(registry,
                prepared.repository().name())) : Map.of();
    }

    /**
     * The repository's tags whose image is archived; none when the principal may not ask (ecr:DescribeImages is
     * optional) or the repository does not exist.
     */
    Map<Tag, Digest> archivedTags(EcrRepositories registry, String name) {
        try {
            return registry.archivedTags(name);
        } catch (PipeException.Authentication e) {
            events.debug("Not looking for archived images: " + e.getMessage());
            return Map.of();
        }
    }

    /** Says which of {@code tags} point at an archived image, from the repository's {@code archived} tags. */
    Map<Tag, Digest> sayArchived(Prepared prepared, List<Tag> tags, Map<Tag, Digest> archived) {
        if (!prepared.existedBefore()) {
            return Map.of();
        }
        Map<Tag, Digest> ours = new LinkedHashMap<>();
        for (Tag tag : tags) {
            Digest digest = archived.get(tag);
            if (digest != null) {
                ours.put(tag, digest);
                events.info("The tag " + tag + " of " + prepared.repository().uri() + " points at an archived image ("
                        + digest + ", ECR's archive storage class): pushing the same image restores it; another"
                        + " image moves the tag, where the tag may move.");
            }
        }
        return ours;
    }

    private Prepared prepareMissing(EcrRepositories registry, String name, RepositorySettings settings,
                                    String registryHost, String region) {
        Optional<CreationTemplate> template = Optional.empty();
        try {
            template = registry.creationTemplateFor(name).filter(CreationTemplate::createsOnPush);
        } catch (PipeException.Authentication e) {
            events.debug("Not looking for repository creation templates: " + e.getMessage());
        }
        String uri = registryHost + "/" + name;
        if (template.isPresent()) {
            CreationTemplate t = template.get();
            events.info("The repository '" + name + "' does not exist: ECR creates it on the first push, shaped by"
                    + " the repository creation template '" + t.prefix() + "'"
                    + (settings.create() ? "; its settings stand over the pipe's." : "."));
            Repository shaped = new Repository(name, uri, t.tagMutability() == null ? "MUTABLE" : t.tagMutability(),
                    t.exclusionFilters(), false, t.encryption() == null ? "AES256" : t.encryption(), t.kmsKey());
            if (settings.create()) {
                differences(shaped, settings, true).forEach(d -> events.warning(d + "; the creation template '"
                        + t.prefix() + "' decides."));
                Map<String, String> tags = settings.spec().resourceTags();
                if (settings.given().contains(RepositorySetting.REPOSITORY_TAGS) && !tags.equals(t.resourceTags())) {
                    events.warning("REPOSITORY_TAGS are " + describe(tags) + ", but the creation template '"
                            + t.prefix() + "' gives " + describe(t.resourceTags()) + "; the creation template decides.");
                }
            }
            return new Prepared(shaped, template, false);
        }
        if (!settings.create()) {
            throw Failures.repositoryMissing(name, registryHost, region, null);
        }
        RepositorySpec spec = settings.spec();
        events.info("Creating the repository '" + name + "' (" + describe(spec) + ").");
        Optional<Repository> created = registry.createRepository(name, spec);
        if (created.isPresent()) {
            events.info("Created the repository " + created.get().uri() + ".");
            return new Prepared(created.get(), Optional.empty(), false);
        }
        // RepositoryAlreadyExistsException: another pipeline created it between our look and our create
        Repository other = registry.repository(name)
                .orElseThrow(() -> Failures.repositoryMissing(name, registryHost, region, null));
        events.info("Another run created the repository " + other.uri() + " meanwhile; using it.");
        warnWhereDifferent(registry, other, settings);
        return new Prepared(other, Optional.empty(), false);
    }

    private void warnWhereDifferent(EcrRepositories registry, Repository repository, RepositorySettings settings) {
        List<String> lines = new ArrayList<>(differences(repository, settings, false));
        if (settings.given().contains(RepositorySetting.REPOSITORY_TAGS)) {
            try {
                Map<String, String> held = registry.resourceTags(repository.name());
                Map<String, String> wanted = settings.spec().resourceTags();
                // tags the repository has beyond those given are someone else's: only missing or other values count
                if (!wanted.entrySet().stream().allMatch(e -> e.getValue().equals(held.get(e.getKey())))) {
                    lines.add("REPOSITORY_TAGS are " + describe(wanted) + ", but the repository " + repository.uri()
                            + " has " + describe(held));
                }
            } catch (PipeException.Authentication e) {
                events.debug("Not comparing REPOSITORY_TAGS: " + e.getMessage());
            }
        }
        lines.forEach(d -> events.warning(d + "; the pipe does not change an existing repository."));
    }

    /** One sentence per setting given that {@code repository} does not have. */
    private static List<String> differences(Repository repository, RepositorySettings settings, boolean template) {
        RepositorySpec spec = settings.spec();
        String subject = template ? "the creation template gives " : "the repository " + repository.uri() + " has ";
        List<String> lines = new ArrayList<>();
        for (RepositorySetting setting : settings.given()) {
            String line = switch (setting) {
                case IMAGE_TAG_MUTABILITY -> spec.tagMutability().equals(repository.tagMutability()) ? null
                        : "IMAGE_TAG_MUTABILITY is " + spec.tagMutability() + ", but " + subject
                        + repository.tagMutability() + " tags";
                case IMAGE_TAG_MUTABILITY_EXCLUSIONS -> new HashSet<>(spec.exclusionFilters())
                        .equals(new HashSet<>(repository.exclusionFilters())) ? null
                        : "IMAGE_TAG_MUTABILITY_EXCLUSIONS are " + String.join(" ", spec.exclusionFilters()) + ", but "
                        + subject + (repository.exclusionFilters().isEmpty() ? "none"
                        : String.join(" ", repository.exclusionFilters()));
                case SCAN_ON_PUSH -> template || spec.scanOnPush() == repository.scanOnPush() ? null
                        : "SCAN_ON_PUSH is " + spec.scanOnPush() + ", but " + subject + "scan on push "
                        + (repository.scanOnPush() ? "on" : "off");
                case ENCRYPTION -> spec.encryption().equals(repository.encryption()) ? null
                        : "ENCRYPTION is " + spec.encryption() + ", but " + subject + repository.encryption()
                        + " encryption";
                case KMS_KEY -> sameKey(spec.kmsKey().orElse(""), repository.kmsKey()) ? null
                        : "KMS_KEY is " + spec.kmsKey().orElse("") + ", but " + subject
                        + repository.kmsKey().map(k -> "the key " + k).orElse("no KMS key of its own");
                // resource tags are not part of DescribeRepositories: compared on their own
                case REPOSITORY_TAGS -> null;
            };
            if (line != null) {
                lines.add(line);
            }
        }
        return lines;
    }

    /**
     * Whether a KMS_KEY names the repository's key: ECR reports the key's ARN, a user may give its id or ARN. An
     * alias cannot be compared without asking KMS, so it is taken as the same.
     */
    private static boolean sameKey(String given, Optional<String> held) {
        if (given.startsWith("alias/") || given.contains(":alias/")) {
            return true;
        }
        return held.map(h -> h.equals(given) || h.endsWith(":key/" + given)).orElse(false);
    }

    /** The lifecycle policy of an existing repository as given (a promotion: nothing to create, nothing pushed). */
    void keepLifecyclePolicy(EcrRepositories registry, String name, RepositorySettings settings) {
        settings.lifecyclePolicy().ifPresent(policy -> keepLifecyclePolicy(registry, name, policy));
    }

    private void keepLifecyclePolicy(EcrRepositories registry, String name, LifecyclePolicy policy) {
        Optional<String> held = registry.lifecyclePolicy(name);
        if (held.isPresent() && policy.sameAs(held.get())) {
            events.info("The repository '" + name + "' already has the lifecycle policy of " + policy.file() + ".");
            return;
        }
        registry.putLifecyclePolicy(name, policy.text());
        events.info((held.isPresent() ? "Replaced the lifecycle policy of '" : "Set the lifecycle policy of '")
                + name + "' to " + policy.file() + ".");
    }

    private static String describe(RepositorySpec spec) {
        return spec.tagMutability() + " tags"
                + (spec.exclusionFilters().isEmpty() ? "" : " except " + String.join(" ", spec.exclusionFilters()))
                + ", scan on push " + (spec.scanOnPush() ? "on" : "off")
                + ", " + spec.encryption() + " encryption" + spec.kmsKey().map(k -> " with the key " + k).orElse("")
                + (spec.resourceTags().isEmpty() ? "" : ", tags " + describe(spec.resourceTags()));
    }

    private static String describe(Map<String, String> tags) {
        return tags.isEmpty() ? "none" : String.join(" ", tags.entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue()).toList());
    }
}
