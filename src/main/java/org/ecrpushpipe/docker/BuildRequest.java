package org.ecrpushpipe.docker;

import org.ecrpushpipe.context.BuildContext;

/**
 * What to build: a build context (its files, as docker build would send them, and the Dockerfile inside it).
 * Always built with the classic builder (no BuildKit, no buildx, no --platform, nothing privileged), which
 * Bitbucket's docker service allows, and with host networking.
 *
 * @param cache images to take unchanged steps from, and the stage to stop at ({@link BuildCache#NONE}: neither)
 */
public record BuildRequest(BuildContext context, BuildCache cache) {
    public BuildRequest(BuildContext context) {
        this(context, BuildCache.NONE);
    }
}
