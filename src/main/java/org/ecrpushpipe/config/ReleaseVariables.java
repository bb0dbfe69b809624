package org.ecrpushpipe.config;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Reads {@code SOURCE_TAG}, {@code SOURCE_DIGEST} and {@code MIRROR_REGIONS} into {@link ReleaseSettings}, for
 * {@link ConfigReader}: it hands in how to read a variable (aliases, stray characters) and where problems and
 * warnings go, so that they are reported with all the others.
 */
final class ReleaseVariables {
    /** A manifest digest as ECR gives it: only sha256 (ECR computes no other). */
    private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");
    private static final Pattern LIST_INDEX = Pattern.compile("\\d{1,4}");

    private final Function<Variable, Optional<String>> value;
    private final Function<String, String> raw;
    private final BiConsumer<Variable, String> problem;
    private final Consumer<String> warning;
    /** Whether SOURCE_TAG or SOURCE_DIGEST is set, valid or not: then nothing is to be built. */
    private boolean promotionAsked;

    /**
     * @param value   a variable's value under its first name that is set, empty when unset (or unusable)
     * @param raw     an environment entry by name, trimmed; null when unset or empty
     * @param problem records a problem of a variable
     * @param warning records a warning
     */
    ReleaseVariables(Function<Variable, Optional<String>> value, Function<String, String> raw,
                     BiConsumer<Variable, String> problem, Consumer<String> warning) {
        this.value = value;
        this.raw = raw;
        this.problem = problem;
        this.warning = warning;
    }

    /** @param region the image's own region; null when it is unknown (its problem is reported elsewhere) */
    ReleaseSettings read(String region) {
        Optional<String> tag = value.apply(Variable.SOURCE_TAG);
        Optional<String> digest = value.apply(Variable.SOURCE_DIGEST);
        promotionAsked = tag.isPresent() || digest.isPresent();
        Optional<Tag> sourceTag = Optional.empty();
        if (tag.isPresent()) {
            if (Tag.isValid(tag.get())) {
                sourceTag = Optional.of(new Tag(tag.get()));
            } else {
                problem.accept(Variable.SOURCE_TAG, Tag.describeProblem(tag.get()));
            }
        }
        if (digest.isPresent() && !DIGEST.matcher(digest.get()).matches()) {
            problem.accept(Variable.SOURCE_DIGEST, "'" + digest.get() + "' is not a manifest digest: sha256: and 64"
                    + " lower-case hexadecimal digits, as ECR shows it (imageDigest)");
            digest = Optional.empty();
        }
        if (tag.isPresent() && value.apply(Variable.SOURCE_DIGEST).isPresent()) {
            problem.accept(Variable.SOURCE_DIGEST, "set together with SOURCE_TAG; name the image to promote once,"
                    + " by its tag or by its digest");
        }
        Variable source = tag.isPresent() ? Variable.SOURCE_TAG : Variable.SOURCE_DIGEST;
        if (tag.isPresent() || value.apply(Variable.SOURCE_DIGEST).isPresent()) {
            List<String> build = new ArrayList<>();
            // nothing is built, nor taken from the engine (LOCAL_IMAGE)
            List<Variable> notWithPromotion = new ArrayList<>(BuildVariables.BUILD_ONLY);
            notWithPromotion.add(Variable.LOCAL_IMAGE);
            for (Variable v : notWithPromotion) {
                if (value.apply(v).isPresent()) {
                    build.add(v.name());
                }
            }
            if (!build.isEmpty()) {
                problem.accept(source, "set together with " + String.join(" and ", build) + ": " + source.name()
                        + " promotes an image already in the repository and builds nothing; remove "
                        + String.join(" and ", build) + " from this step, or " + source.name() + " to build");
            }
        }
        if (promotionAsked && value.apply(Variable.CREATE_REPOSITORY).filter("true"::equalsIgnoreCase).isPresent()) {
            // the image to promote must already be in the repository: there is nothing to create
            problem.accept(source, "set together with CREATE_REPOSITORY: true, but " + source.name() + " promotes an"
                    + " image already in the repository, so the repository must exist; remove CREATE_REPOSITORY and"
                    + " its settings from this step (LIFECYCLE_POLICY still applies to the repository)");
        }
        return new ReleaseSettings(sourceTag, digest, readMirrorRegions(region));
    }

    /** Whether the run promotes (SOURCE_TAG or SOURCE_DIGEST set, even when invalid): nothing is to be built. */
    boolean promotionAsked() {
        return promotionAsked;
    }

    private List<String> readMirrorRegions(String region) {
        List<String> written = writtenRegions();
        Set<String> regions = new LinkedHashSet<>();
        for (String r : written) {
            if (!ImageRef.REGION.matcher(r).matches()) {
                problem.accept(Variable.MIRROR_REGIONS, "'" + r + "' is not an AWS region name (like eu-west-1)");
            } else if (r.equals(region)) {
                problem.accept(Variable.MIRROR_REGIONS, "'" + r + "' is the region of IMAGE itself; list only the"
                        + " other regions the image should also go to");
            } else if (region != null && !partition(r).equals(partition(region))) {
                problem.accept(Variable.MIRROR_REGIONS, "'" + r + "' is in another AWS partition than IMAGE's region '"
                        + region + "'; an account's registries are in one partition");
            } else if (!regions.add(r)) {
                warning.accept("MIRROR_REGIONS lists " + r + " more than once; mirroring to it once.");
            }
        }
        return List.copyOf(regions);
    }

    /** Bitbucket's list form (MIRROR_REGIONS_COUNT, MIRROR_REGIONS_0, …) first, else MIRROR_REGIONS split on spaces. */
    private List<String> writtenRegions() {
        String count = raw.apply("MIRROR_REGIONS_COUNT");
        if (count != null) {
            value.apply(Variable.MIRROR_REGIONS).ifPresent(t -> warning.accept(
                    "Both the list MIRROR_REGIONS (MIRROR_REGIONS_COUNT) and MIRROR_REGIONS are set; using the list."));
            if (!LIST_INDEX.matcher(count).matches()) {
                problem.accept(Variable.MIRROR_REGIONS, "MIRROR_REGIONS_COUNT is '" + count
                        + "', not a number of regions (0 to 9999)");
                return List.of();
            }
            int size = Integer.parseInt(count);
            List<String> regions = new ArrayList<>();
            List<String> missing = new ArrayList<>();
            for (int i = 0; i < size; i++) {
                String r = raw.apply("MIRROR_REGIONS_" + i);
                if (r == null) {
                    missing.add("MIRROR_REGIONS_" + i);
                } else {
                    regions.addAll(List.of(r.split("\\s+")));
                }
            }
            if (!missing.isEmpty()) {
                problem.accept(Variable.MIRROR_REGIONS, "MIRROR_REGIONS_COUNT is " + size + " but " + missing.size()
                        + " of its items " + (missing.size() == 1 ? "is" : "are") + " not set, the first "
                        + missing.get(0));
            }
            return regions;
        }
        return value.apply(Variable.MIRROR_REGIONS).map(t -> List.of(t.split("\\s+"))).orElse(List.of());
    }

    /** The AWS partition of a region: aws, aws-cn, aws-us-gov, … as far as the name tells. */
    private static String partition(String region) {
        if (region.startsWith("cn-")) {
            return "aws-cn";
        }
        if (region.startsWith("us-gov-")) {
            return "aws-us-gov";
        }
        if (region.startsWith("us-iso")) {
            return region.substring(0, region.indexOf('-', 3));
        }
        return "aws";
    }
}
