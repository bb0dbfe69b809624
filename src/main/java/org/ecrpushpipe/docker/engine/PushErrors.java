package org.ecrpushpipe.docker.engine;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.ecrpushpipe.docker.PushOutcome;
import org.ecrpushpipe.errors.IamDenial;
import org.ecrpushpipe.errors.PushProblem;

/**
 * Classifies the words a push ended with — the registry's error as the engine relays it ({@code <code lower-cased
 * with spaces>: <message>}, see ecr-wire.md), or the engine's own — into a {@link PushProblem}. Docker's wording
 * is known here and nowhere else.
 */
final class PushErrors {
    /** ECR's denial names the action, and the resource ("… on resource: <arn> because …"). */
    private static final Pattern BODILESS_403 = Pattern.compile(
            "error parsing HTTP 403 response body: unexpected end of JSON input: \"\"");
    private static final Pattern TRANSIENT = Pattern.compile(
            "(?i)\\bEOF\\b|connection reset|broken pipe|tls handshake timeout|i/o timeout|timeout exceeded"
                    + "|toomanyrequests|rate exceeded|unexpected http status: 5\\d\\d|\\b50[0234]\\b"
                    + "|internal server error|bad gateway|service unavailable|gateway timeout|unknown blob"
                    + "|connection refused|no route to host");

    private PushErrors() {
    }

    static PushOutcome.Failed classify(String message) {
        String lower = message.toLowerCase(Locale.ROOT);
        if (lower.contains("authorization token has expired")) {
            return new PushOutcome.Failed(PushProblem.LOGIN_EXPIRED, message);
        }
        if (lower.contains("tag invalid") && lower.contains("immutable")) {
            return new PushOutcome.Failed(PushProblem.TAG_IMMUTABLE, message);
        }
        if (lower.contains("name unknown") || lower.contains("repository with name")
                && lower.contains("does not exist")) {
            return new PushOutcome.Failed(PushProblem.REPOSITORY_MISSING, message);
        }
        if (lower.contains("no resource-based policy allows")) {
            return new PushOutcome.Failed(PushProblem.DENIED_BY_REPOSITORY_POLICY, message);
        }
        Optional<IamDenial> denial = IamDenial.in(message);
        if (lower.contains("denied") && denial.isPresent()) {
            return new PushOutcome.Failed(PushProblem.DENIED, message, Optional.of(denial.get().action()),
                    denial.get().resource());
        }
        if (BODILESS_403.matcher(message).find()) {
            // ECR answers a HEAD its policy does not allow with 403 and, as for any HEAD, no body, so the engine
            // cannot read the reason. The only HEAD a push makes is the layer check, ecr:BatchCheckLayerAvailability.
            return new PushOutcome.Failed(PushProblem.DENIED, message, Optional.of("ecr:BatchCheckLayerAvailability"));
        }
        if (lower.contains("no basic auth credentials") || lower.contains("unauthorized")
                || lower.contains("authentication required")) {
            return new PushOutcome.Failed(PushProblem.LOGIN_REFUSED, message);
        }
        if (lower.contains("denied")) {
            return new PushOutcome.Failed(PushProblem.DENIED, message);
        }
        if (lower.contains("layer too large") || lower.contains("request entity too large")
                || lower.contains("blob too large") || lower.contains("layer size exceeds")) {
            return new PushOutcome.Failed(PushProblem.LAYER_TOO_LARGE, message);
        }
        if (TRANSIENT.matcher(message).find()) {
            return new PushOutcome.Failed(PushProblem.TRANSIENT, message);
        }
        return new PushOutcome.Failed(PushProblem.OTHER, message);
    }
}
