package org.ecrpushpipe.publish;

import java.time.Duration;
import java.util.List;

/**
 * The outcome of a successful run: every tag pushed, in push order, and where the time went.
 */
public record PublishResult(String repositoryUri, String imageId, List<PushedTag> tags, Duration build,
                            Duration push) {
    public PublishResult {
        tags = List.copyOf(tags);
    }
}
