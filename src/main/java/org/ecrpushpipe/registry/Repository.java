package org.ecrpushpipe.registry;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import org.ecrpushpipe.config.Tag;

/**
 * A repository as the registry describes it (ECR's settings; another registry's repositories have ECR's defaults).
 *
 * @param name             the repository name
 * @param uri              the repository URI ({@code <registry host>/<name>})
 * @param tagMutability    ECR's setting: MUTABLE, IMMUTABLE, IMMUTABLE_WITH_EXCLUSION or MUTABLE_WITH_EXCLUSION
 * @param exclusionFilters the wildcard filters ({@code *} matches any run of characters) of the *_WITH_EXCLUSION
 *                         settings: tags they match take the opposite mutability
 * @param scanOnPush       whether ECR scans each image pushed
 * @param encryption       AES256, KMS or KMS_DSSE
 * @param kmsKey           the KMS key ARN of a KMS-encrypted repository, when ECR names one
 * @param arn              the repository's ARN, as ECR names it, for messages naming the resource
 */
public record Repository(String name, String uri, String tagMutability, List<String> exclusionFilters,
                         boolean scanOnPush, String encryption, Optional<String> kmsKey,
                         Optional<String> arn) {
    public Repository {
        exclusionFilters = List.copyOf(exclusionFilters);
    }

    /** A repository with ECR's default scanning and encryption, whose ARN is not known. */
    public Repository(String name, String uri, String tagMutability, List<String> exclusionFilters) {
        this(name, uri, tagMutability, exclusionFilters, false, "AES256", Optional.empty(),
                Optional.empty());
    }

    /** A repository whose ARN is not known. */
    public Repository(String name, String uri, String tagMutability, List<String> exclusionFilters,
                      boolean scanOnPush, String encryption, Optional<String> kmsKey) {
        this(name, uri, tagMutability, exclusionFilters, scanOnPush, encryption, kmsKey, Optional.empty());
    }

    /** A repository with ECR's default scanning and encryption. */
    public Repository(String name, String uri, String tagMutability, List<String> exclusionFilters,
                      Optional<String> arn) {
        this(name, uri, tagMutability, exclusionFilters, false, "AES256", Optional.empty(), arn);
    }

    /**
     * A repository of a registry other than ECR: such registries create it on the first push, and never refuse to
     * move a tag.
     */
    public static Repository createdOnPush(String registryHost, String name) {
        return new Repository(name, registryHost + "/" + name, "MUTABLE", List.of());
    }

    /** Whether ECR refuses to move {@code tag} once it exists, under this repository's settings. */
    public boolean isImmutable(Tag tag) {
        boolean excluded = exclusionFilters.stream().anyMatch(f -> wildcard(f).matcher(tag.value()).matches());
        return switch (tagMutability == null ? "MUTABLE" : tagMutability) {
            case "IMMUTABLE" -> true;
            case "IMMUTABLE_WITH_EXCLUSION" -> !excluded;
            case "MUTABLE_WITH_EXCLUSION" -> excluded;
            default -> false;
        };
    }

    /** Whether any tag of this repository can be immutable. */
    public boolean hasImmutableTags() {
        return !"MUTABLE".equals(tagMutability) && tagMutability != null;
    }

    private static Pattern wildcard(String filter) {
        StringBuilder regex = new StringBuilder();
        for (String part : filter.split("\\*", -1)) {
            if (!regex.isEmpty()) {
                regex.append(".*");
            }
            regex.append(Pattern.quote(part));
        }
        return Pattern.compile(regex.toString());
    }
}
