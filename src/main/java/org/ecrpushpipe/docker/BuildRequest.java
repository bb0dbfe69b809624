package org.ecrpushpipe.docker;

import java.nio.file.Path;

/**
 * What to build: a Dockerfile inside a context directory. Always built with the classic builder (no BuildKit,
 * no buildx, no --platform, nothing privileged), which Bitbucket's docker service allows.
 */
public record BuildRequest(Path context, Path dockerfile) {
}
