package org.ecrpushpipe.registry.ecr;

import org.ecrpushpipe.errors.PipeException;

/** Translates ECR and STS error codes into one line with a hint (the table in peers.md). */
final class EcrErrors {
    private EcrErrors() {
    }

    static PipeException translate(String action, String code, String message, int status, Throwable origin) {
        String detail = message == null ? code : message;
        return switch (code == null ? "" : code) {
            case "UnrecognizedClientException", "InvalidClientTokenId" -> new PipeException.Authentication(
                    "AWS does not recognise the access key: " + detail,
                    "check AWS_KEY (AWS_ACCESS_KEY_ID): the key may be deleted or inactive; if AWS_SESSION_TOKEN is"
                            + " set, it must belong to this key (leave it empty for a long-lived key)", origin);
            case "InvalidSignatureException", "SignatureDoesNotMatch" -> new PipeException.Authentication(
                    "AWS rejected the request signature: the secret key does not belong to the access key.",
                    "check AWS_SECRET (AWS_SECRET_ACCESS_KEY); it must be the secret of AWS_KEY", origin);
            case "ExpiredTokenException", "ExpiredToken" -> new PipeException.Authentication(
                    "The AWS session credentials have expired: " + detail,
                    "issue fresh temporary credentials (AWS_KEY, AWS_SECRET and AWS_SESSION_TOKEN together)", origin);
            case "AccessDeniedException", "AccessDenied" -> detail.contains("resource-based policy")
                    ? new PipeException.Authentication("The repository's policy does not allow " + action
                            + " for this principal: " + detail,
                    "cross-account access: the repository policy in the repository's account must allow " + action
                            + " for this user or role", origin)
                    : new PipeException.Authentication(
                    "The IAM policy does not allow " + action + ": " + detail,
                    "allow " + action + " for this user or role in its IAM policy", origin);
            case "ThrottlingException" -> new PipeException.Push(
                    "ECR kept throttling " + action + " (" + detail + ").",
                    "many jobs are calling ECR at once; run the step again in a minute", origin);
            case "LimitExceededException" -> new PipeException.Push(
                    "An ECR quota is full: " + detail,
                    "add a lifecycle policy to expire old images, or ask AWS for a higher quota", origin);
            case "KmsException" -> new PipeException.Push(
                    "ECR could not use the repository's KMS key: " + detail,
                    "allow this principal to use the repository's KMS key", origin);
            case "InvalidParameterException" -> new PipeException.Push(
                    "ECR refused " + action + ": " + detail,
                    "check IMAGE and TAGS", origin);
            default -> new PipeException.Push(
                    "ECR failed " + action + " (" + code + ", HTTP " + status + "): " + detail,
                    status >= 500 ? "ECR had a server error; run the step again" : "rerun with DEBUG=true for details",
                    origin);
        };
    }
}
