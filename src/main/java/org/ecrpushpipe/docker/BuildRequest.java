package org.ecrpushpipe.docker;

import org.ecrpushpipe.context.BuildContext;

/**
 * What to build: a build context (its files, as docker build would send them, and the Dockerfile inside it).
 * Always built with the classic builder (no BuildKit, no buildx, no --platform, nothing privileged), which
 * Bitbucket's docker service allows, and with host networking.
 */
public record BuildRequest(BuildContext context) {
}
