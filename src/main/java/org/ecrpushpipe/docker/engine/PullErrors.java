package org.ecrpushpipe.docker.engine;

import java.util.Locale;

import org.ecrpushpipe.docker.PullOutcome;

/**
 * Classifies a failed pull by the engine's words: a tag or repository the registry does not hold is
 * {@link PullOutcome.Missing}; anything else (a refused login, a denied action, a broken connection) is
 * {@link PullOutcome.Refused}.
 */
final class PullErrors {
    private PullErrors() {
    }

    /**
     * @param status the engine's HTTP status, or 0 when the failure came in the message stream or the connection
     * @param message the engine's or registry's own words
     */
    static PullOutcome classify(int status, String message) {
        String lower = message.toLowerCase(Locale.ROOT);
        // "manifest for <ref> not found: manifest unknown: …", "name unknown: The repository with name … does not
        // exist …" (ECR), "repository … not found"
        if (lower.contains("manifest unknown") || lower.contains("name unknown")
                || (status == 404 && lower.contains("not found"))) {
            return new PullOutcome.Missing(message);
        }
        return new PullOutcome.Refused(message);
    }
}
