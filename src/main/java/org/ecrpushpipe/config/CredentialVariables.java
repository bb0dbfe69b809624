package org.ecrpushpipe.config;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads the credential variables (OIDC, the role to assume, the key pair's requirement) into
 * {@link CredentialSettings}. The decision of
 * which method authenticates is made here, once: the step's OIDC token wins over keys when both are there, as in
 * Bitbucket's official AWS pipes (no long-lived key is used when a short-lived identity is available).
 */
final class CredentialVariables {
    /** An IAM role ARN in any partition: {@code arn:aws:iam::123456789012:role/path/name}. */
    static final Pattern ROLE_ARN = Pattern.compile(
            "arn:aws(?:-cn|-us-gov)?:iam::\\d{12}:role/(?:[\\w+=,.@-]+/)*[\\w+=,.@-]{1,64}");
    /** STS's rule for RoleSessionName. */
    static final Pattern SESSION_NAME = Pattern.compile("[\\w+=,.@-]{2,64}");
    /** STS's rule for ExternalId. */
    private static final Pattern EXTERNAL_ID = Pattern.compile("[\\w+=,.@:/-]{2,1224}");
    /** A JSON Web Token: three base64url parts (header, payload, signature). */
    private static final Pattern JWT = Pattern.compile("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+");

    private final VariableReader reader;

    CredentialVariables(VariableReader reader) {
        this.reader = reader;
    }

    /**
     * Reads the settings.
     *
     * @param keysGiven whether AWS_KEY or AWS_SECRET is set (the reader checks the pair itself when keys are needed)
     * @param otherHost IMAGE's host when it is a registry other than ECR
     * @return the settings, and whether the key pair is required
     */
    Read read(boolean keysGiven, Optional<String> otherHost) {
        Optional<String> username = reader.value(Variable.REGISTRY_USERNAME);
        Optional<String> password = reader.value(Variable.REGISTRY_PASSWORD);
        if (otherHost.isPresent()) {
            return otherRegistry(otherHost.get(), username, password, keysGiven);
        }
        registryLoginOnEcr(username, password);
        Optional<String> oidcRole = roleArn(Variable.AWS_OIDC_ROLE_ARN);
        OidcToken token = oidcToken(oidcRole.isPresent());
        Optional<String> roleArn = roleArn(Variable.AWS_ROLE_ARN);
        Optional<String> externalId = externalId(roleArn.isPresent());
        String sessionName = sessionName();
        Optional<CredentialSettings.WebIdentity> webIdentity = oidcRole.flatMap(role -> token.value()
                .map(jwt -> new CredentialSettings.WebIdentity(role, Secret.of(jwt), sessionName)));
        boolean keysRequired = keysRequired(keysGiven, webIdentity.isPresent(), oidcRole.isPresent(),
                token.malformed());
        Optional<CredentialSettings.AssumeRole> assumeRole = roleArn.map(arn ->
                new CredentialSettings.AssumeRole(arn, externalId, sessionName));
        return new Read(new CredentialSettings(webIdentity, assumeRole, Optional.empty()), keysRequired);
    }

    /** IMAGE on another registry: its username and password log in, and AWS's keys are not used. */
    private Read otherRegistry(String host, Optional<String> username, Optional<String> password,
                               boolean keysGiven) {
        if (username.isEmpty()) {
            reader.problem(Variable.REGISTRY_USERNAME, "required field when IMAGE is on " + host + ", not on ECR");
        }
        if (password.isEmpty()) {
            reader.problem(Variable.REGISTRY_PASSWORD, "required field when IMAGE is on " + host + ", not on ECR");
        }
        if (keysGiven) {
            reader.warning("AWS_KEY is set, but IMAGE is on " + host + ", not on ECR: the AWS keys are"
                    + " not used (REGISTRY_USERNAME and REGISTRY_PASSWORD log in).");
        }
        Optional<CredentialSettings.OtherRegistry> other = username.isPresent() && password.isPresent()
                ? Optional.of(new CredentialSettings.OtherRegistry(host, username.get(), Secret.of(password.get())))
                : Optional.empty();
        return new Read(new CredentialSettings(Optional.empty(), Optional.empty(), other), false);
    }

    /** IMAGE on ECR: a registry username or password is a leftover, or half of a pair. */
    private void registryLoginOnEcr(Optional<String> username, Optional<String> password) {
        if (password.isPresent() && username.isEmpty()) {
            reader.problem(Variable.REGISTRY_PASSWORD, "REGISTRY_PASSWORD is set without REGISTRY_USERNAME; both are"
                    + " for a registry other than ECR (IMAGE on its host): set REGISTRY_USERNAME too, or remove it");
        } else if (username.isPresent()) {
            // docker reads a name without a host as Docker Hub's; the pipe reads it as an ECR repository
            reader.warning("REGISTRY_USERNAME is set, but IMAGE is on ECR: it is not used (ECR logs in with AWS"
                    + " credentials). For Docker Hub, give IMAGE with its host: docker.io/<namespace>/<name>.");
        }
    }

    /** The step's OIDC token, or none when it is missing or not a JSON Web Token (a problem when OIDC is asked for). */
    private OidcToken oidcToken(boolean oidcAsked) {
        Optional<String> token = reader.value(Variable.BITBUCKET_STEP_OIDC_TOKEN);
        if (token.isEmpty() || JWT.matcher(token.get()).matches()) {
            return new OidcToken(token, false);
        }
        if (oidcAsked) {
            reader.problem(Variable.BITBUCKET_STEP_OIDC_TOKEN, "BITBUCKET_STEP_OIDC_TOKEN is not an OpenID Connect"
                    + " token (a JSON Web Token: three base64url parts joined by dots; value not shown); Bitbucket"
                    + " sets it when the step has 'oidc: true': do not set it by hand");
        }
        return new OidcToken(Optional.empty(), true);
    }

    /** The step's OIDC token when usable, and whether one was given that is not a token. */
    private record OidcToken(Optional<String> value, boolean malformed) {
    }

    private Optional<String> externalId(boolean roleGiven) {
        Optional<String> externalId = reader.value(Variable.AWS_ROLE_EXTERNAL_ID);
        if (externalId.isPresent() && !EXTERNAL_ID.matcher(externalId.get()).matches()) {
            reader.problem(Variable.AWS_ROLE_EXTERNAL_ID, "AWS_ROLE_EXTERNAL_ID must be 2 to 1224 letters, digits"
                    + " and _+=,.@:/- (STS's rule); copy it from the role's trust policy (sts:ExternalId)");
        }
        if (externalId.isPresent() && !roleGiven) {
            reader.warning("AWS_ROLE_EXTERNAL_ID is set without AWS_ROLE_ARN; it is not used.");
        }
        return externalId;
    }

    /**
     * Whether AWS_KEY and AWS_SECRET must be set: not when OIDC authenticates, nor when OIDC is asked for without
     * keys (then the missing token is the problem to name).
     */
    private boolean keysRequired(boolean keysGiven, boolean oidc, boolean oidcRoleValid, boolean tokenMalformed) {
        if (oidc) {
            if (keysGiven) {
                reader.warning("Both AWS_OIDC_ROLE_ARN (with the step's OIDC token) and AWS_KEY are set; using OIDC,"
                        + " as Bitbucket's official pipes do: a short-lived session beats a stored key. Remove the"
                        + " keys from the step.");
            }
            return false;
        }
        if (reader.value(Variable.AWS_OIDC_ROLE_ARN).isEmpty()) {
            return true;
        }
        if (keysGiven) {
            reader.warning("AWS_OIDC_ROLE_ARN is set, but the step has no OIDC token: add 'oidc: true' to the"
                    + " step. Using AWS_KEY and AWS_SECRET instead.");
            return true;
        }
        if (oidcRoleValid && !tokenMalformed) {
            reader.problem(Variable.BITBUCKET_STEP_OIDC_TOKEN, "missing: AWS_OIDC_ROLE_ARN is set, but the"
                    + " step has no OIDC token and no AWS_KEY / AWS_SECRET are set; add 'oidc: true' to the"
                    + " step in bitbucket-pipelines.yml (or give keys)");
        }
        return false;
    }

    /** The settings read, and whether AWS_KEY and AWS_SECRET must be set. */
    record Read(CredentialSettings settings, boolean keysRequired) {
    }

    private Optional<String> roleArn(Variable variable) {
        Optional<String> arn = reader.value(variable);
        if (arn.isPresent() && !ROLE_ARN.matcher(arn.get()).matches()) {
            reader.problem(variable, variable.name() + " is '" + arn.get() + "', not an IAM role ARN; expected"
                    + " arn:aws:iam::<12-digit account>:role/<name>" + (arn.get().contains(":user/")
                    ? " (a user cannot be assumed: give the role's ARN)" : ""));
            return Optional.empty();
        }
        return arn;
    }

    private String sessionName() {
        Optional<String> given = reader.value(Variable.AWS_ROLE_SESSION_NAME);
        if (given.isPresent()) {
            if (!SESSION_NAME.matcher(given.get()).matches()) {
                reader.problem(Variable.AWS_ROLE_SESSION_NAME, "AWS_ROLE_SESSION_NAME is '" + given.get() + "'; STS"
                        + " allows 2 to 64 letters, digits and _+=,.@- (e.g. bitbucket-42)");
            }
            return given.get();
        }
        // digits only, so always within STS's rule
        String number = reader.bitbucket(VariableReader.Context.BITBUCKET_BUILD_NUMBER)
                .filter(n -> n.matches("\\d{1,50}")).orElse(null);
        return number == null ? "bitbucket-pipe" : "bitbucket-" + number;
    }
}
