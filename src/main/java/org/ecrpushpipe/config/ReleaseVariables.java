package org.ecrpushpipe.config;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads {@code SOURCE_TAG}, {@code SOURCE_DIGEST} and {@code MIRROR_REGIONS} into {@link ReleaseSettings}.
 */
final class ReleaseVariables {
    /** A manifest digest as ECR gives it: only sha256 (ECR computes no other). */
    private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");

    private final VariableReader reader;
    /** Whether SOURCE_TAG or SOURCE_DIGEST is set, valid or not: then nothing is to be built. */
    private boolean promotionAsked;

    ReleaseVariables(VariableReader reader) {
        this.reader = reader;
    }

    /** @param region the image's own region; null when it is unknown (its problem is reported elsewhere) */
    ReleaseSettings read(String region) {
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
        return new ReleaseSettings(sourceTag, digest, readMirrorRegions(region));
    }

    /** A promotion builds nothing, nor takes an image from the engine (LOCAL_IMAGE): their variables are a problem. */
    private void buildWithPromotion(Variable source) {
        List<String> build = new ArrayList<>();
        List<Variable> notWithPromotion = new ArrayList<>(BuildVariables.BUILD_ONLY);
        notWithPromotion.add(Variable.LOCAL_IMAGE);
        for (Variable v : notWithPromotion) {
            if (reader.isSet(v)) {
                build.add(v.name());
            }
        }
        if (!build.isEmpty()) {
            reader.problem(source, "set together with " + String.join(" and ", build) + ": " + source.name()
                    + " promotes an image already in the repository and builds nothing; remove "
                    + String.join(" and ", build) + " from this step, or " + source.name() + " to build");
        }
    }

    /** Whether the run promotes (SOURCE_TAG or SOURCE_DIGEST set, even when invalid): nothing is to be built. */
    boolean promotionAsked() {
        return promotionAsked;
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
