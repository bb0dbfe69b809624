package org.ecrpushpipe.standin;

import java.util.List;
import java.util.regex.Pattern;

/**
 * A repository's tag mutability setting and its WILDCARD exclusion filters, and the one question it answers:
 * may this tag be overwritten?
 */
record TagMutability(String mode, List<String> exclusionFilters) {
    static final List<String> MODES =
            List.of("MUTABLE", "IMMUTABLE", "IMMUTABLE_WITH_EXCLUSION", "MUTABLE_WITH_EXCLUSION");
    static final TagMutability MUTABLE = new TagMutability("MUTABLE", List.of());
    private static final Pattern FILTER = Pattern.compile("[0-9a-zA-Z._*-]{1,128}");

    /** Validates the members as ECR does: filters exactly with the *_WITH_EXCLUSION modes, 1 to 5 of them. */
    static TagMutability of(String mode, List<String> filters) {
        Params.checkEnum("imageTagMutability", mode, MODES);
        boolean withExclusion = mode.endsWith("_WITH_EXCLUSION");
        if (withExclusion && (filters.isEmpty() || filters.size() > 5)) {
            throw EcrError.invalidParameter("imageTagMutabilityExclusionFilters",
                    "Member must have length between 1 and 5");
        }
        if (!withExclusion && !filters.isEmpty()) {
            throw new EcrError("InvalidParameterException", "Image tag mutability exclusion filters can only be "
                    + "specified with IMMUTABLE_WITH_EXCLUSION or MUTABLE_WITH_EXCLUSION.");
        }
        for (String filter : filters) {
            if (!FILTER.matcher(filter).matches()) {
                throw EcrError.invalidParameter("imageTagMutabilityExclusionFilters.member.filter",
                        "Member must satisfy regular expression pattern: ^[0-9a-zA-Z._*-]{1,128}");
            }
        }
        return new TagMutability(mode, List.copyOf(filters));
    }

    /** Reads {@code imageTagMutability} and {@code imageTagMutabilityExclusionFilters} from a request. */
    static TagMutability from(Params params, boolean required) {
        String mode = required ? params.requiredString("imageTagMutability")
                : params.string("imageTagMutability").orElse("MUTABLE");
        List<String> filters = params.list("imageTagMutabilityExclusionFilters", 0, Integer.MAX_VALUE).stream()
                .map(Params::new)
                .map(f -> {
                    Params.checkEnum("imageTagMutabilityExclusionFilters.member.filterType",
                            f.requiredString("filterType"), List.of("WILDCARD"));
                    return f.requiredString("filter");
                })
                .toList();
        return of(mode, filters);
    }

    /** Whether pushing this tag again must fail when the tag already exists. */
    boolean isImmutable(String tag) {
        return switch (mode) {
            case "IMMUTABLE" -> true;
            case "IMMUTABLE_WITH_EXCLUSION" -> !matchesAnyFilter(tag);
            case "MUTABLE_WITH_EXCLUSION" -> matchesAnyFilter(tag);
            default -> false;
        };
    }

    private boolean matchesAnyFilter(String tag) {
        return exclusionFilters.stream().anyMatch(f -> wildcard(f).matcher(tag).matches());
    }

    private static Pattern wildcard(String filter) {
        String[] literals = filter.split("\\*", -1);
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < literals.length; i++) {
            if (i > 0) {
                regex.append(".*");
            }
            if (!literals[i].isEmpty()) {
                regex.append(Pattern.quote(literals[i]));
            }
        }
        return Pattern.compile(regex.toString());
    }
}
