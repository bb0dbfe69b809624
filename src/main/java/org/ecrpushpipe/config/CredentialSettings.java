package org.ecrpushpipe.config;

import java.util.Optional;

/**
 * How the pipe gets AWS credentials beyond a static key pair: the step's OpenID Connect token for a role
 * ({@code AWS_OIDC_ROLE_ARN}), and a role to assume on top ({@code AWS_ROLE_ARN}). Read by
 * {@link CredentialVariables}; the key pair itself is {@link PipeConfig#credentials()}.
 *
 * @param webIdentity the role and token to exchange with STS AssumeRoleWithWebIdentity; empty when OIDC is not used
 *                    (not configured, or configured but the step has no token)
 * @param assumeRole  the role to assume with whatever the source credentials are; empty when none
 * @param otherRegistry the registry and its own credentials when IMAGE is not on ECR (then no AWS credentials
 *                    are used at all)
 */
public record CredentialSettings(Optional<WebIdentity> webIdentity, Optional<AssumeRole> assumeRole,
                                 Optional<OtherRegistry> otherRegistry) {
    /** No OIDC, no role: the key pair alone. */
    public static final CredentialSettings NONE = new CredentialSettings(Optional.empty(), Optional.empty(),
            Optional.empty());

    /** A registry other than ECR, with REGISTRY_USERNAME and REGISTRY_PASSWORD (secret). */
    public record OtherRegistry(String host, String username, Secret password) {
    }

    /** A role assumed with the step's OIDC token; {@code token} is secret. */
    public record WebIdentity(String roleArn, Secret token, String sessionName) {
    }

    /** A role assumed with STS AssumeRole. */
    public record AssumeRole(String roleArn, Optional<String> externalId, String sessionName) {
    }
}
