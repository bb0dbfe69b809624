package org.ecrpushpipe.registry.ecr;

import java.util.Optional;

import org.ecrpushpipe.errors.Failures;
import org.ecrpushpipe.errors.IamDenial;
import org.ecrpushpipe.errors.PipeException;

/** Classifies ECR's and STS's error codes (ecr-wire.md) into the failures {@link Failures} words. */
final class EcrErrors {
    private EcrErrors() {
    }

    /**
     * @param endpoint the endpoint override in use, if any: an answer without an error code means it is not ECR
     */
    static PipeException translate(String action, String code, String message, int status,
                                   Optional<String> endpoint, Throwable origin) {
        String detail = message == null ? String.valueOf(code) : message.strip();
        if (code == null || code.isBlank()) {
            return Failures.notEcr(action, status, detail, endpoint, origin);
        }
        if (detail.contains("should be scoped to a valid region")) {
            return Failures.regionRefused(detail, origin);
        }
        return switch (code) {
            case "UnrecognizedClientException", "InvalidClientTokenId" -> Failures.keyUnknown(detail, origin);
            case "InvalidSignatureException", "SignatureDoesNotMatch" -> Failures.signatureMismatch(origin);
            case "ExpiredTokenException", "ExpiredToken" -> Failures.sessionExpired(detail, origin);
            case "AccessDeniedException", "AccessDenied" -> detail.contains("resource-based policy")
                    ? Failures.repositoryPolicyDenies(action, detail, origin)
                    : Failures.missingPermission(deniedAction(detail).orElse(action), deniedResource(detail),
                            detail, origin);
            case "ThrottlingException" -> Failures.throttled(action, detail, origin);
            case "LimitExceededException" -> Failures.quotaFull(detail, origin);
            case "KmsException" -> Failures.kmsFailed(detail, origin);
            case "InvalidParameterException" -> Failures.ecrRefusedParameter(action, detail, origin);
            default -> Failures.ecrFailed(action, code, status, detail, origin);
        };
    }

    /** The action an AccessDenied message names (ECR's own wording, ecr-wire.md). */
    private static Optional<String> deniedAction(String detail) {
        return IamDenial.in(detail).map(IamDenial::action);
    }

    /** The resource an AccessDenied message names. */
    private static Optional<String> deniedResource(String detail) {
        return IamDenial.in(detail).flatMap(IamDenial::resource);
    }
}
