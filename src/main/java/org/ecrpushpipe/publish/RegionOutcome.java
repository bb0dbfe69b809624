package org.ecrpushpipe.publish;

import java.util.List;
import java.util.Optional;

import org.ecrpushpipe.config.Tag;
import org.ecrpushpipe.registry.Digest;

/**
 * What one region's repository holds after the run: one line of the run's outcome, and one record of any results
 * file.
 *
 * @param region        the AWS region
 * @param repositoryUri {@code <registry host of the region>/<repository>}
 * @param digest        the manifest digest its tags name; empty when the region failed before it was known
 * @param tags          the tags that name the digest there (verified), in push order; empty when the region failed
 * @param status        what the run did there
 * @param failure       why the region failed (the failure's one line); empty unless {@link Status#FAILED}
 */
public record RegionOutcome(String region, String repositoryUri, Optional<Digest> digest, List<Tag> tags,
                            Status status, Optional<String> failure) {
    public RegionOutcome {
        tags = List.copyOf(tags);
    }

    /** What the run did in a region. */
    public enum Status {
        /** Something was pushed or tagged there, and every tag verified. */
        PUSHED,
        /** Every tag already named the image there (a re-run): nothing to do. */
        ALREADY_THERE,
        /** The region failed: the run fails, other regions keep what they got. */
        FAILED
    }

    /** The outcome of a region whose tags are all verified. */
    static RegionOutcome done(String region, String repositoryUri, List<PushedTag> pushed) {
        boolean already = pushed.stream().allMatch(PushedTag::alreadyThere);
        return new RegionOutcome(region, repositoryUri, pushed.stream().map(PushedTag::digest).findFirst(),
                pushed.stream().map(t -> t.reference().tag()).toList(), already ? Status.ALREADY_THERE : Status.PUSHED,
                Optional.empty());
    }

    /** The region's line of the run's outcome. */
    public String line() {
        return switch (status) {
            case PUSHED, ALREADY_THERE -> "Region " + region + ": " + repositoryUri + " holds " + digest.orElseThrow()
                    + " as " + String.join(", ", tags.stream().map(Tag::value).toList())
                    + (status == Status.ALREADY_THERE ? " (already there)" : "") + ".";
            case FAILED -> "Region " + region + ": " + repositoryUri + " failed: " + failure.orElse("");
        };
    }
}
