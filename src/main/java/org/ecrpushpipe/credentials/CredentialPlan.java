package org.ecrpushpipe.credentials;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.ecrpushpipe.config.AwsCredentials;
import org.ecrpushpipe.config.CredentialSettings;
import org.ecrpushpipe.config.PipeConfig;

/**
 * How this run gets its AWS credentials, resolved once from the configuration before any adapter is built: the
 * source (a key pair, or the step's OIDC token exchanged for a role's session) and, on top, a role to assume. The
 * AWS adapter turns it into one refreshing credentials value; the ECR adapter only uses that value. Other readers
 * (the IAM policy the pipe prints) ask it which method is used and which role is assumed.
 *
 * @param method      what authenticates first
 * @param keys        the key pair, when {@code method} is {@link Method#KEYS}
 * @param webIdentity the role and token, when {@code method} is {@link Method#OIDC}
 * @param assumeRole  a role assumed with the credentials of {@code method}
 */
public record CredentialPlan(Method method, Optional<AwsCredentials> keys,
                             Optional<CredentialSettings.WebIdentity> webIdentity,
                             Optional<CredentialSettings.AssumeRole> assumeRole) {

    /** What authenticates first. */
    public enum Method {
        /** AWS_KEY and AWS_SECRET (with AWS_SESSION_TOKEN when temporary). */
        KEYS,
        /** The step's OIDC token, exchanged with STS AssumeRoleWithWebIdentity for AWS_OIDC_ROLE_ARN's session. */
        OIDC
    }

    /**
     * The plan for a configuration. The configuration reader already decided which method wins (the OIDC token
     * over keys, as Bitbucket's official pipes do) and that one of them is there.
     */
    public static CredentialPlan of(PipeConfig config) {
        CredentialSettings access = config.access();
        if (access.webIdentity().isPresent()) {
            return new CredentialPlan(Method.OIDC, Optional.empty(), access.webIdentity(), access.assumeRole());
        }
        return new CredentialPlan(Method.KEYS, Optional.of(config.credentials().orElseThrow(
                () -> new IllegalStateException("neither keys nor an OIDC token; the reader lets no such config pass"))),
                Optional.empty(), access.assumeRole());
    }

    /**
     * What the run says before it authenticates, one line each: the method, in Bitbucket's official pipes' words,
     * and the role it assumes.
     */
    public List<String> announcement() {
        List<String> lines = new ArrayList<>();
        lines.add(method == Method.OIDC
                ? "Authenticating with a OpenID Connect (OIDC) Web Identity Provider."
                : "Using default authentication with AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.");
        assumeRole.ifPresent(r -> lines.add("Assuming the role " + r.roleArn() + " (session " + r.sessionName()
                + ")."));
        return lines;
    }

    /** The role whose session finally signs the ECR calls; empty when the keys sign them themselves. */
    public Optional<String> effectiveRoleArn() {
        return assumeRole.map(CredentialSettings.AssumeRole::roleArn)
                .or(() -> webIdentity.map(CredentialSettings.WebIdentity::roleArn));
    }

    /** The role assumed with STS AssumeRole (AWS_ROLE_ARN), when one is. */
    public Optional<String> assumedRoleArn() {
        return assumeRole.map(CredentialSettings.AssumeRole::roleArn);
    }
}
