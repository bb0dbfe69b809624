package org.ecrpushpipe.config;

import java.util.List;

/**
 * Every variable the pipe understands, in one registry: name, aliases (the first name listed wins when several
 * are set and differ), whether it is required, whether its value is secret, its default, and what it does.
 * {@code --help}, {@code pipe.yml} and README's variables table say the same; a test keeps them in step.
 */
public enum Variable {
    AWS_KEY(List.of("AWS_ACCESS_KEY_ID"), Need.OPTIONAL, true, null,
            "AWS access key id of the IAM user that pushes. Required unless the step authenticates with OIDC (AWS_OIDC_ROLE_ARN and oidc: true)."),
    AWS_SECRET(List.of("AWS_SECRET_ACCESS_KEY"), Need.OPTIONAL, true, null,
            "AWS secret access key of that user. Required with AWS_KEY."),
    AWS_SESSION_TOKEN(List.of(), Need.OPTIONAL, true, null,
            "Session token, when the key pair is temporary."),
    AWS_REGION(List.of("AWS_DEFAULT_REGION"), Need.OPTIONAL, false, "the region in IMAGE",
            "AWS region. Required when IMAGE is a bare repository name; must agree with IMAGE when it is a full URI."),
    IMAGE(List.of("IMAGE_NAME"), Need.REQUIRED, false, null,
            "ECR repository: a full URI (<account>.dkr.ecr.<region>.amazonaws.com/<name>) or a bare repository name in the key's own registry. No tag: tags go in TAGS."),
    TAGS(List.of("TAG"), Need.OPTIONAL, false, "BITBUCKET_TAG, else BITBUCKET_BRANCH, else (no git context) latest",
            "Tags to push, space separated or as a YAML list (which wins when both are given). A branch or git tag from the context is turned into a valid Docker tag (feature/x becomes feature-x); one that leaves no valid tag is an error, never latest."),
    DOCKERFILE(List.of(), Need.OPTIONAL, false, "Dockerfile",
            "Path of the Dockerfile, relative to BUILD_CONTEXT."),
    BUILD_CONTEXT(List.of(), Need.OPTIONAL, false, ".",
            "Build context directory, relative to the working directory (the clone). .dockerignore is honoured."),
    RETRIES(List.of(), Need.OPTIONAL, false, "3",
            "Push attempts after the first, for failures that look transient (5xx, dropped connections, throttling); 0 to 10. The Docker engine also retries each layer itself, for about 50 s, within every attempt."),
    RETRY_MAX_SECONDS(List.of(), Need.OPTIONAL, false, "30",
            "Longest wait between two push attempts, in seconds; 1 to 300. The waits are random, up to 2, 4, 8… s (capped exponential backoff with full jitter)."),
    AWS_OIDC_ROLE_ARN(List.of(), Need.OPTIONAL, false, null,
            "IAM role to assume with the step's OpenID Connect token (the step needs oidc: true); no keys are needed then, and when the token is present it wins over keys."),
    BITBUCKET_STEP_OIDC_TOKEN(List.of(), Need.OPTIONAL, true, "set by Bitbucket when the step has oidc: true",
            "The step's OpenID Connect token, exchanged with STS AssumeRoleWithWebIdentity for AWS_OIDC_ROLE_ARN. Never set it by hand."),
    AWS_ROLE_ARN(List.of(), Need.OPTIONAL, false, null,
            "IAM role to assume (STS AssumeRole) with the keys or the OIDC session, e.g. to push into another account's repository (IMAGE then names that account)."),
    AWS_ROLE_EXTERNAL_ID(List.of(), Need.OPTIONAL, false, null,
            "External id the role's trust policy asks for (sts:ExternalId)."),
    AWS_ROLE_SESSION_NAME(List.of(), Need.OPTIONAL, false, "bitbucket-<BITBUCKET_BUILD_NUMBER>",
            "Session name of the assumed role, shown in CloudTrail: 2 to 64 letters, digits and _+=,.@-."),
    REGISTRY_USERNAME(List.of(), Need.OPTIONAL, false, null,
            "User for a registry other than ECR (IMAGE on its host, e.g. registry.example.com/team/app); no AWS call is made then."),
    REGISTRY_PASSWORD(List.of(), Need.OPTIONAL, true, null,
            "Password or access token of REGISTRY_USERNAME."),
    DEBUG(List.of(), Need.OPTIONAL, false, "false",
            "true: print debug lines and stack traces. Secrets are never printed."),
    NO_COLOR(List.of(), Need.OPTIONAL, false, "unset",
            "Set to anything to turn colours off."),
    DOCKER_HOST(List.of(), Need.OPTIONAL, false, "unix:///var/run/docker.sock",
            "Docker engine to build and push with. Bitbucket sets it for pipes (tcp://host.docker.internal:2375)."),
    AWS_ENDPOINT_URL(List.of(), Need.OPTIONAL, false, "AWS's endpoints",
            "Endpoint for every AWS API the pipe calls (the AWS SDK's standard variable)."),
    AWS_ENDPOINT_URL_ECR(List.of(), Need.OPTIONAL, false, "AWS_ENDPOINT_URL",
            "Endpoint for the ECR API only."),
    AWS_ENDPOINT_URL_STS(List.of(), Need.OPTIONAL, false, "AWS_ENDPOINT_URL",
            "Endpoint for the STS API only (OIDC and AWS_ROLE_ARN call STS).");

    /** Whether the user must set a variable. */
    public enum Need {
        /** Must be set: {@code (*)} in README. */
        REQUIRED,
        /** Must be set, but may come from repository or workspace variables: {@code (**)} in README. */
        REQUIRED_MAY_COME_FROM_CONTEXT,
        OPTIONAL
    }

    private final List<String> aliases;
    private final Need need;
    private final boolean secret;
    private final String defaultValue;
    private final String description;

    Variable(List<String> aliases, Need need, boolean secret, String defaultValue, String description) {
        this.aliases = aliases;
        this.need = need;
        this.secret = secret;
        this.defaultValue = defaultValue;
        this.description = description;
    }

    /** The names that set this variable, the preferred one first. */
    public List<String> names() {
        return java.util.stream.Stream.concat(java.util.stream.Stream.of(name()), aliases.stream()).toList();
    }

    public List<String> aliases() {
        return aliases;
    }

    public Need need() {
        return need;
    }

    public boolean secret() {
        return secret;
    }

    /** The default, described for a reader; null when there is none. */
    public String defaultValue() {
        return defaultValue;
    }

    public String description() {
        return description;
    }
}
