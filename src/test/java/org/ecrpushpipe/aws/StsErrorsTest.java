package org.ecrpushpipe.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.ecrpushpipe.errors.ExitCode;
import org.ecrpushpipe.errors.PipeException;
import org.junit.jupiter.api.Test;

/** STS's error codes (ecr-wire.md) each become the pipe's failure with its cause, hint and exit code 3. */
class StsErrorsTest {
    private static final String ROLE = "arn:aws:iam::123456789012:role/ci";

    private static PipeException translate(String action, String code, String message) {
        return StsErrors.translate(action, ROLE, code, message, null);
    }

    @Test
    void eachCodeHasItsSentenceAndHint() {
        PipeException refused = translate("sts:AssumeRoleWithWebIdentity", "InvalidIdentityToken", "bad token");
        assertEquals("STS refused the step's OIDC token for " + ROLE + ": bad token", refused.getMessage());
        assertTrue(refused.hint().contains("pipelines-config/identity/oidc"), refused.hint());

        assertTrue(translate("sts:AssumeRoleWithWebIdentity", "ExpiredTokenException", "Token expired")
                .getMessage().startsWith("The step's OIDC token has expired"));

        PipeException trust = translate("sts:AssumeRole", "AccessDenied", "User: u is not authorized");
        assertEquals("STS refused sts:AssumeRole on " + ROLE + ": User: u is not authorized", trust.getMessage());
        assertTrue(trust.hint().contains("AWS_ROLE_EXTERNAL_ID"), trust.hint());
        assertTrue(translate("sts:AssumeRoleWithWebIdentity", "AccessDenied", "no").hint()
                .contains("sts:AssumeRoleWithWebIdentity for the Bitbucket identity provider"));

        assertTrue(translate("sts:AssumeRole", "InvalidClientTokenId", "invalid").getMessage()
                .startsWith("AWS does not recognise the access key"));
        assertTrue(translate("sts:AssumeRole", "RegionDisabledException", "STS is not activated")
                .getMessage().contains("(RegionDisabledException)"));
        for (String code : new String[] {"InvalidIdentityToken", "ExpiredTokenException", "AccessDenied",
                "SignatureDoesNotMatch", "ExpiredToken", "IDPRejectedClaim", "Other"}) {
            assertEquals(ExitCode.AUTHENTICATION, translate("sts:AssumeRole", code, "m").exitCode(), code);
        }
    }
}
