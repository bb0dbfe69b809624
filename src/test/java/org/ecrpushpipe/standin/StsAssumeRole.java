package org.ecrpushpipe.standin;

import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;

/**
 * STS's AssumeRole: SigV4-signed by the source credentials (a user's key, or a session such as the OIDC role's),
 * checked against each role's trust (which principals may assume it, and the external id it asks for), answered
 * with session credentials that the ECR API then accepts (access key, secret, and X-Amz-Security-Token). Refusals
 * are STS's: {@code AccessDenied} (403) in STS's wording, {@code ValidationError} for malformed parameters.
 */
final class StsAssumeRole {
    /** A role's trust policy, reduced to what the pipe meets: who may assume it, and the external id required. */
    private record Trust(String principalArn, Optional<String> externalId) {
    }

    private final StsService sts;
    private final Map<String, Trust> trusts = new ConcurrentHashMap<>();

    private final StrictMode strict;

    StsAssumeRole(StsService sts, StrictMode strict) {
        this.sts = sts;
        this.strict = strict;
    }

    /**
     * Lets {@code principalArn} (an IAM user, or a role: its sessions then qualify) assume {@code roleArn}, with
     * {@code externalId} when the trust policy asks for one.
     */
    void trust(String roleArn, String principalArn, Optional<String> externalId) {
        if (!StsService.ROLE_ARN.matcher(roleArn).matches()) {
            throw new IllegalArgumentException("not a role ARN: " + roleArn);
        }
        trusts.put(roleArn, new Trust(principalArn, externalId));
    }

    /** Handles one AssumeRole request already verified as signed by {@code caller}; returns the response XML. */
    String assumeRole(Map<String, String> form, AccessKey caller) {
        String roleArn = form.getOrDefault("RoleArn", "");
        String sessionName = form.getOrDefault("RoleSessionName", "");
        if (roleArn.isEmpty() || sessionName.isEmpty()) {
            String member = roleArn.isEmpty() ? "roleArn" : "roleSessionName";
            throw StsService.validation("Value null at '" + member + "' failed to satisfy constraint: Member must not be null");
        }
        Matcher role = StsService.ROLE_ARN.matcher(roleArn);
        if (!role.matches()) {
            throw StsService.validation("Value '" + roleArn + "' at 'roleArn' failed to satisfy constraint: Member must have "
                    + "length greater than or equal to 20");
        }
        if (!StsService.SESSION_NAME.matcher(sessionName).matches()) {
            throw StsService.validation("Value '" + sessionName + "' at 'roleSessionName' failed to satisfy constraint: "
                    + "Member must satisfy regular expression pattern: [\\w+=,.@-]*");
        }
        int duration = 3600;
        if (form.containsKey("DurationSeconds")) {
            duration = Integer.parseInt(form.get("DurationSeconds"));
        }
        // in strict mode, the caller's own identity policy must allow sts:AssumeRole on the role too
        strict.denyStsCall(caller.principalArn(), "sts:AssumeRole", roleArn).ifPresent(denial -> {
            throw new StsService.StsError("AccessDenied", denial, 403);
        });
        Trust trust = trusts.get(roleArn);
        Optional<String> externalId = Optional.ofNullable(form.get("ExternalId"));
        if (trust == null || !trusted(trust.principalArn(), caller.principalArn())
                || (trust.externalId().isPresent() && !trust.externalId().equals(externalId))) {
            throw new StsService.StsError("AccessDenied", "User: " + caller.principalArn()
                    + " is not authorized to perform: sts:AssumeRole on resource: " + roleArn, 403);
        }
        StsService.Session session = sts.issue(role.group(1), role.group(2), sessionName, duration);
        return """
                <AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
                  <AssumeRoleResult>
                    <AssumedRoleUser>
                      <AssumedRoleId>%s</AssumedRoleId>
                      <Arn>%s</Arn>
                    </AssumedRoleUser>
                %s  </AssumeRoleResult>
                  <ResponseMetadata>
                    <RequestId>%s</RequestId>
                  </ResponseMetadata>
                </AssumeRoleResponse>
                """.formatted(StsService.xml(session.assumedRoleId()), StsService.xml(session.assumedRoleArn()),
                session.credentialsXml(), UUID.randomUUID());
    }

    /** Whether the trusted principal covers the caller: the same user, or a session of the trusted role. */
    private static boolean trusted(String trustedArn, String callerArn) {
        if (trustedArn.equals(callerArn)) {
            return true;
        }
        Matcher session = StsService.ASSUMED_ROLE.matcher(callerArn);
        Matcher trustedRole = StsService.ROLE_ARN.matcher(trustedArn);
        return session.matches() && trustedRole.matches() && session.group(1).equals(trustedRole.group(1))
                && session.group(2).equals(trustedRole.group(2));
    }

    /**
     * STS's answers to a request whose signature the verifier refused (the verifier words ECR's codes; STS's Query
     * protocol names them differently).
     */
    static StsService.StsError signatureRefused(String ecrCode, String message) {
        return switch (ecrCode) {
            case "UnrecognizedClientException" -> new StsService.StsError("InvalidClientTokenId",
                    "The security token included in the request is invalid.", 403);
            case "ExpiredTokenException" -> new StsService.StsError("ExpiredToken",
                    "The security token included in the request is expired", 400);
            case "MissingAuthenticationTokenException" -> new StsService.StsError("MissingAuthenticationToken",
                    "Request is missing Authentication Token", 403);
            case "InvalidSignatureException" -> new StsService.StsError("SignatureDoesNotMatch", message, 403);
            default -> new StsService.StsError(ecrCode.replace("Exception", ""), message, 400);
        };
    }
}
