package org.ecrpushpipe.aws;

import org.ecrpushpipe.errors.Failures;
import org.ecrpushpipe.errors.PipeException;

/** STS's error codes, classified into the pipe's failures (ecr-wire.md, "STS AssumeRoleWithWebIdentity"). */
final class StsErrors {
    private StsErrors() {
    }

    static PipeException translate(String action, String roleArn, String code, String message, Throwable origin) {
        String detail = message == null ? code : message;
        return switch (code == null ? "" : code) {
            case "InvalidIdentityToken", "IDPRejectedClaim" -> Failures.oidcTokenRefused(roleArn, detail, origin);
            case "ExpiredTokenException" -> Failures.oidcTokenExpired(detail, origin);
            case "AccessDenied" -> Failures.roleTrustRefuses(action, roleArn, detail, origin);
            case "InvalidClientTokenId" -> Failures.keyUnknown(detail, origin);
            case "SignatureDoesNotMatch" -> Failures.signatureMismatch(origin);
            case "ExpiredToken" -> Failures.sessionExpired(detail, origin);
            default -> Failures.stsFailed(action, code, detail, origin);
        };
    }
}
