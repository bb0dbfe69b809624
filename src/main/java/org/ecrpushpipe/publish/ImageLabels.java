package org.ecrpushpipe.publish;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.ecrpushpipe.config.BuildSettings;
import org.ecrpushpipe.config.Tag;

/**
 * The labels a build gives its image: OCI annotations from the commit the step runs for (only when there is one:
 * BITBUCKET_COMMIT is set), then the user's LABELS, which win. {@code org.opencontainers.image.created} is left out on purpose: a time that changes with every build
 * would make the engine rebuild the final (labelling) step and give a re-run of the same commit a new image id,
 * so a re-run could no longer find its image already under an immutable tag.
 */
final class ImageLabels {
    static final String PREFIX = "org.opencontainers.image.";

    private ImageLabels() {
    }

    /**
     * @param settings the commit and the user's labels
     * @param tags     the tags to push: the first one that does not move with every build is the version
     */
    static Map<String, String> of(BuildSettings settings, List<Tag> tags) {
        Map<String, String> labels = new LinkedHashMap<>();
        BuildSettings.Commit commit = settings.commit();
        if (commit.revision().isEmpty()) {
            // no commit (a run by hand, outside a pipeline): no labels from it, so the build is the Dockerfile's own
            // and gives the image id a plain docker build gives
            labels.putAll(settings.labels());
            return labels;
        }
        labels.put(PREFIX + "revision", commit.revision().get());
        commit.source().ifPresent(s -> labels.put(PREFIX + "source", s));
        tags.stream().filter(t -> !PushStep.isMoving(t)).findFirst()
                .ifPresent(t -> labels.put(PREFIX + "version", t.value()));
        commit.refName().ifPresent(r -> labels.put(PREFIX + "ref.name", r));
        labels.putAll(settings.labels());
        return labels;
    }
}
