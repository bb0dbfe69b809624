package org.ecrpushpipe.config;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads {@code SOURCE_TAG}, {@code SOURCE_DIGEST}, {@code PLATFORM_TAGS} and {@code MIRROR_REGIONS} into
 * {@link ReleaseSettings}.
 */
final class ReleaseVariables {
    /** A manifest digest as ECR gives it: only sha256 (ECR computes no other). */
    private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");

    private final VariableReader reader;
    /** Whether SOURCE_TAG or SOURCE_DIGEST is set, valid or not: then nothing is to be built. */
    private boolean promotionAsked;
    /** Whether PLATFORM_TAGS is set, valid or not: then nothing is to be built either. */
    private boolean combineAsked;

    ReleaseVariables(VariableReader reader) {
        this.reader = reader;
    }

    /**
     * @param region the image's own region; null when it is unknown (its problem is reported elsewhere)
     * @param tags   the tags the run gives the image (TAGS, or its default)
     */
    ReleaseSettings read(String region, List<Tag> tags) {
        Optional<String> tag = reader.value(Variable.SOURCE_TAG);
        Optional<String> digest = reader.value(Variable.SOURCE_DIGEST);
        promotionAsked = tag.isPresent() || digest.isPresent();
        Optional<Tag> sourceTag = Optional.empty();
        if (tag.isPresent()) {
            if (Tag.isValid(tag.get())) {
                sourceTag = Optional.of(new Tag(tag.get()));
            } else {
                reader.problem(Variable.SOURCE_TAG, Tag.describeProblem(tag.get()));
            }
        }
        if (digest.isPresent() && !DIGEST.matcher(digest.get()).matches()) {
            reader.problem(Variable.SOURCE_DIGEST, "'" + digest.get() + "' is not a manifest digest: sha256: and 64"
                    + " lower-case hexadecimal digits, as ECR shows it (imageDigest)");
            digest = Optional.empty();
        }
        if (tag.isPresent() && reader.value(Variable.SOURCE_DIGEST).isPresent()) {
            reader.problem(Variable.SOURCE_DIGEST, "set together with SOURCE_TAG; name the image to promote once,"
                    + " by its tag or by its digest");
        }
        Variable source = tag.isPresent() ? Variable.SOURCE_TAG : Variable.SOURCE_DIGEST;
        if (tag.isPresent() || reader.value(Variable.SOURCE_DIGEST).isPresent()) {
            buildWithPromotion(source);
        }
        if (promotionAsked && reader.flag(Variable.CREATE_REPOSITORY)) {
            // the image to promote must already be in the repository: there is nothing to create
            reader.problem(source, "set together with CREATE_REPOSITORY: true, but " + source.name() + " promotes an"
                    + " image already in the repository, so the repository must exist; remove CREATE_REPOSITORY and"
                    + " its settings from this step (LIFECYCLE_POLICY still applies to the repository)");
        }
        List<Tag> platformTags = readPlatformTags(tags);
        return new ReleaseSettings(sourceTag, digest, readMirrorRegions(region), platformTags);
    }

    /** A promotion builds nothing, nor takes an image from the engine (LOCAL_IMAGE): their variables are a problem. */
    private void buildWithPromotion(Variable source) {
        List<String> build = buildVariablesSet();
        if (!build.isEmpty()) {
            reader.problem(source, "set together with " + String.join(" and ", build) + ": " + source.name()
                    + " promotes an image already in the repository and builds nothing; remove "
                    + String.join(" and ", build) + " from this step, or " + source.name() + " to build");
        }
    }

    /** The variables set that only a build uses, LOCAL_IMAGE among them (it takes an image from the engine). */
    private List<String> buildVariablesSet() {
        List<String> build = new ArrayList<>();
        List<Variable> buildOnly = new ArrayList<>(BuildVariables.BUILD_ONLY);
        buildOnly.add(Variable.LOCAL_IMAGE);
        for (Variable v : buildOnly) {
            if (reader.isSet(v)) {
                build.add(v.name());
            }
        }
        return build;
    }

    /**
     * Whether the run builds nothing: it promotes, or combines images of several platforms (PLATFORM_TAGS set,
     * even when invalid), so the clone need not hold a Dockerfile.
     */
    boolean buildsNothing() {
        return promotionAsked || combineAsked;
    }

    /**
     * PLATFORM_TAGS: the images to combine, each a valid tag, given once, at least two, none of them one of TAGS;
     * a run that combines builds nothing (no build's variable, no LOCAL_IMAGE), promotes nothing, and needs the
     * repository to exist.
     */
    private List<Tag> readPlatformTags(List<Tag> tags) {
        Variable variable = Variable.PLATFORM_TAGS;
        combineAsked = reader.isSet(variable);
        Optional<List<String>> written = reader.list(variable);
        if (written.isEmpty()) {
            return List.of();
        }
        Set<Tag> platformTags = new LinkedHashSet<>();
        boolean invalid = false;
        for (String t : written.get()) {
            if (!Tag.isValid(t)) {
                reader.problem(variable, Tag.describeProblem(t));
                invalid = true;
            } else if (!platformTags.add(new Tag(t))) {
                reader.warning("PLATFORM_TAGS lists " + t + " more than once; using it once.");
            }
        }
        if (written.get().isEmpty()) {
            if (reader.problems(Set.of(variable)).isEmpty()) {
                reader.problem(variable, "no tag given");
            }
        } else if (!invalid && platformTags.size() == 1) {
            reader.problem(variable, "one tag given ('" + platformTags.iterator().next() + "'): a multi-platform"
                    + " image is made of two or more images, one per platform; to give one image more tags, use"
                    + " SOURCE_TAG");
        }
        for (Tag tag : platformTags) {
            if (tags.contains(tag)) {
                reader.problem(variable, "'" + tag + "' is also in TAGS: the multi-platform image would take the tag"
                        + " of an image it is made of; give it other TAGS");
            }
        }
        checkNothingElseAsked();
        return List.copyOf(platformTags);
    }

    /** A combination builds nothing, promotes nothing, and needs the repository to exist. */
    private void checkNothingElseAsked() {
        Variable variable = Variable.PLATFORM_TAGS;
        List<String> conflicting = new ArrayList<>();
        for (Variable v : List.of(Variable.SOURCE_TAG, Variable.SOURCE_DIGEST)) {
            if (reader.isSet(v)) {
                conflicting.add(v.name());
            }
        }
        if (!conflicting.isEmpty()) {
            String promotion = String.join(" and ", conflicting);
            reader.problem(variable, "set together with " + promotion + ": PLATFORM_TAGS makes a new multi-platform"
                    + " image of several images, " + promotion + " gives one image more tags; keep one of them");
        }
        List<String> build = buildVariablesSet();
        if (!build.isEmpty()) {
            reader.problem(variable, "set together with " + String.join(" and ", build) + ": PLATFORM_TAGS combines"
                    + " images already in the repository and builds nothing; remove " + String.join(" and ", build)
                    + " from this step, or PLATFORM_TAGS to build");
        }
        if (reader.flag(Variable.CREATE_REPOSITORY)) {
            reader.problem(variable, "set together with CREATE_REPOSITORY: true, but PLATFORM_TAGS combines images"
                    + " already in the repository, so the repository must exist; remove CREATE_REPOSITORY and its"
                    + " settings from this step (LIFECYCLE_POLICY still applies to the repository)");
        }
    }

    private List<String> readMirrorRegions(String region) {
        List<String> written = reader.list(Variable.MIRROR_REGIONS).orElse(List.of());
        Set<String> regions = new LinkedHashSet<>();
        for (String r : written) {
            if (!ImageRef.REGION.matcher(r).matches()) {
                reader.problem(Variable.MIRROR_REGIONS, "'" + r + "' is not an AWS region name (like eu-west-1)");
            } else if (r.equals(region)) {
                reader.problem(Variable.MIRROR_REGIONS, "'" + r + "' is the region of IMAGE itself; list only the"
                        + " other regions the image should also go to");
            } else if (region != null && !ImageRef.partition(r).equals(ImageRef.partition(region))) {
                reader.problem(Variable.MIRROR_REGIONS, "'" + r + "' is in another AWS partition than IMAGE's region '"
                        + region + "'; an account's registries are in one partition");
            } else if (!regions.add(r)) {
                reader.warning("MIRROR_REGIONS lists " + r + " more than once; mirroring to it once.");
            }
        }
        return List.copyOf(regions);
    }

}
