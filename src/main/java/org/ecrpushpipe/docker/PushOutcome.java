package org.ecrpushpipe.docker;

import java.util.Optional;

import org.ecrpushpipe.errors.PushProblem;
import org.ecrpushpipe.registry.Digest;

/** How the push of one tag ended, as the engine reported it. */
public sealed interface PushOutcome {

    /** The registry accepted the manifest with this digest. */
    record Pushed(Digest digest) implements PushOutcome {
    }

    /**
     * The push failed.
     *
     * @param problem      why, classified by the adapter
     * @param detail       the registry's or engine's own words, for the user (never decided on)
     * @param deniedAction for {@link PushProblem#DENIED}, the IAM action the policy lacks, when the registry names it
     * @param deniedResource for {@link PushProblem#DENIED}, the resource (ARN) the denial names, when it names it
     */
    record Failed(PushProblem problem, String detail, Optional<String> deniedAction,
                  Optional<String> deniedResource) implements PushOutcome {
        public Failed(PushProblem problem, String detail) {
            this(problem, detail, Optional.empty(), Optional.empty());
        }

        public Failed(PushProblem problem, String detail, Optional<String> deniedAction) {
            this(problem, detail, deniedAction, Optional.empty());
        }
    }
}
