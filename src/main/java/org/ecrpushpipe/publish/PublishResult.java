package org.ecrpushpipe.publish;

import java.time.Duration;
import java.util.List;

import org.ecrpushpipe.registry.Digest;

/**
 * The outcome of a successful run: every tag pushed, in push order, and where the time went.
 *
 * @param repositoryUri {@code <registry host>/<repository>}
 * @param imageId       the built image's id
 */
public record PublishResult(String repositoryUri, Digest imageId, List<PushedTag> tags, Duration build,
                            Duration push) {
    public PublishResult {
        tags = List.copyOf(tags);
    }
}
