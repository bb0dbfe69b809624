package org.ecrpushpipe.testbed;

import java.util.function.Consumer;

import org.ecrpushpipe.docker.BuildOutcome;
import org.ecrpushpipe.docker.BuildRequest;
import org.ecrpushpipe.docker.Cancellation;
import org.ecrpushpipe.docker.ImageBuilder;
import org.ecrpushpipe.errors.Failures;
import org.ecrpushpipe.registry.Digest;

/** Builds for tests that want an image id or the failure, as the pipe's use case would report it. */
public final class Builds {
    private Builds() {
    }

    /** The image built, or the failure the run would report for the build. */
    public static Digest imageId(ImageBuilder builder, BuildRequest request, Consumer<String> output) {
        BuildOutcome outcome = builder.build(request, output, new Cancellation());
        if (outcome instanceof BuildOutcome.Failed failed) {
            throw Failures.buildFailed(failed.problem(), failed.detail(), failed.step(), failed.lastLines());
        }
        return ((BuildOutcome.Built) outcome).imageId();
    }
}
