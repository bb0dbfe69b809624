package org.ecrpushpipe.publish;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.ecrpushpipe.errors.PipeException;

/**
 * Reads the error text a registry push ended with and decides what it means: worth a retry, a sign the token
 * expired, or a final failure translated into one line with a hint (the table in peers.md).
 */
final class PushFailure {
    enum Kind { TRANSIENT, TOKEN_EXPIRED, FINAL }

    private static final Pattern IAM_ACTION = Pattern.compile("not authorized to perform: (\\S+)");
    private static final Pattern TRANSIENT = Pattern.compile(
            "(?i)\\bEOF\\b|connection reset|broken pipe|tls handshake timeout|i/o timeout|timeout exceeded"
                    + "|toomanyrequests|rate exceeded|unexpected http status: 5\\d\\d|\\b50[0234]\\b"
                    + "|internal server error|bad gateway|service unavailable|gateway timeout|unknown blob"
                    + "|connection refused");

    private final String message;
    private final Kind kind;

    private PushFailure(String message, Kind kind) {
        this.message = message;
        this.kind = kind;
    }

    static PushFailure of(String message) {
        String lower = message.toLowerCase(Locale.ROOT);
        Kind kind;
        if (lower.contains("authorization token has expired")) {
            kind = Kind.TOKEN_EXPIRED;
        } else if (isFinal(lower)) {
            kind = Kind.FINAL;
        } else if (TRANSIENT.matcher(message).find()) {
            kind = Kind.TRANSIENT;
        } else {
            kind = Kind.FINAL;
        }
        return new PushFailure(message, kind);
    }

    private static boolean isFinal(String lower) {
        return lower.contains("name unknown") || lower.contains("tag invalid") || lower.contains("denied")
                || lower.contains("unauthorized") || lower.contains("no basic auth credentials");
    }

    /** ECR refused to move an existing tag of an immutable repository. */
    boolean isImmutableTagRefusal() {
        String lower = message.toLowerCase(Locale.ROOT);
        return lower.contains("tag invalid") && lower.contains("immutable");
    }

    Kind kind() {
        return kind;
    }

    String message() {
        return message;
    }

    /**
     * The failure as the user sees it, for a push of {@code reference} to {@code registryHost}. An immutable-tag
     * refusal never gets here: the use case settles it by comparing what the tag holds with the build.
     */
    PipeException translate(String reference, String registryHost, String repository) {
        String lower = message.toLowerCase(Locale.ROOT);
        if (lower.contains("no basic auth credentials") || lower.contains("unauthorized")
                || lower.contains("authentication required")) {
            return new PipeException.Authentication("The registry " + registryHost + " refused the login for "
                    + reference + ": " + message,
                    "the login is for another registry: check the account and region in IMAGE", null);
        }
        if (lower.contains("no resource-based policy allows")) {
            return new PipeException.Authentication("Pushing " + reference + " was denied: " + message,
                    "cross-account push: the repository policy in the repository's account must allow this principal",
                    null);
        }
        Matcher action = IAM_ACTION.matcher(message);
        if (lower.contains("denied") && action.find()) {
            return new PipeException.Authentication("Pushing " + reference + " was denied: the IAM policy lacks "
                    + action.group(1),
                    "allow " + action.group(1) + " on the repository in the IAM policy of the pushing user or role",
                    null);
        }
        if (lower.contains("name unknown") || lower.contains("does not exist")) {
            return new PipeException.Push("The repository '" + repository + "' does not exist in " + registryHost,
                    "create the repository in ECR, and check that IMAGE names it", null);
        }
        if (kind == Kind.TRANSIENT) {
            return new PipeException.Push("Pushing " + reference + " kept failing: " + message,
                    "the registry or the network failed repeatedly; run the step again (uploaded layers are reused)",
                    null);
        }
        return new PipeException.Push("Pushing " + reference + " failed: " + message,
                "rerun with DEBUG=true to see the push progress", null);
    }
}
