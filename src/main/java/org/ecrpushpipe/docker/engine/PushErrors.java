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
        Optional<PushProblem> registrySaid = registryAnswer(lower);
        if (registrySaid.isPresent()) {
            return new PushOutcome.Failed(registrySaid.get(), message);
        }
        return refusal(message, lower).orElseGet(() -> new PushOutcome.Failed(otherProblem(message, lower), message));
    }

    /** What ECR says in its own words: the login expired, the tag is immutable, no repository, its policy. */
    private static Optional<PushProblem> registryAnswer(String lower) {
        if (lower.contains("authorization token has expired")) {
            return Optional.of(PushProblem.LOGIN_EXPIRED);
        }
        if (lower.contains("tag invalid") && lower.contains("immutable")) {
            return Optional.of(PushProblem.TAG_IMMUTABLE);
        }
        if (lower.contains("name unknown") || lower.contains("repository with name")
                && lower.contains("does not exist")) {
            return Optional.of(PushProblem.REPOSITORY_MISSING);
        }
        if (lower.contains("no resource-based policy allows")) {
            return Optional.of(PushProblem.DENIED_BY_REPOSITORY_POLICY);
        }
        return Optional.empty();
    }

    /** A refused push: an IAM denial (with the action and resource where the message names them) or a login. */
    private static Optional<PushOutcome.Failed> refusal(String message, String lower) {
        Optional<IamDenial> denial = IamDenial.in(message);
        if (lower.contains("denied") && denial.isPresent()) {
            return Optional.of(new PushOutcome.Failed(PushProblem.DENIED, message,
                    Optional.of(denial.get().action()), denial.get().resource()));
        }
        if (BODILESS_403.matcher(message).find()) {
            // ECR answers a HEAD its policy does not allow with 403 and, as for any HEAD, no body, so the engine
            // cannot read the reason. The only HEAD a push makes is the layer check, ecr:BatchCheckLayerAvailability.
            return Optional.of(new PushOutcome.Failed(PushProblem.DENIED, message,
                    Optional.of("ecr:BatchCheckLayerAvailability")));
        }
        if (lower.contains("no basic auth credentials") || lower.contains("unauthorized")
                || lower.contains("authentication required")) {
            return Optional.of(new PushOutcome.Failed(PushProblem.LOGIN_REFUSED, message));
        }
        if (lower.contains("denied")) {
            return Optional.of(new PushOutcome.Failed(PushProblem.DENIED, message));
        }
        return Optional.empty();
    }

    private static PushProblem otherProblem(String message, String lower) {
        if (lower.contains("layer too large") || lower.contains("request entity too large")
                || lower.contains("blob too large") || lower.contains("layer size exceeds")) {
            return PushProblem.LAYER_TOO_LARGE;
        }
        return TRANSIENT.matcher(message).find() ? PushProblem.TRANSIENT : PushProblem.OTHER;
    }
}
