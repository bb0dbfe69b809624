package org.ecrpushpipe.publish;

import java.io.IOException;
import java.util.Optional;

import org.ecrpushpipe.context.BuildContext;
import org.ecrpushpipe.dockerfile.Dockerfile;

/** The Dockerfile of a build context, read once for the steps that look into it before the build. */
final class DockerfileOf {
    private DockerfileOf() {
    }

    /** The context's Dockerfile; empty when it cannot be read (the build then says why, in its own words). */
    static Optional<Dockerfile> read(BuildContext context) {
        try {
            return Optional.of(Dockerfile.read(context.directory().resolve(context.dockerfile())));
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
