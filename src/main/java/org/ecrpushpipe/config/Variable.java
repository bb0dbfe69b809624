package org.ecrpushpipe.config;

import java.util.List;
import java.util.stream.Stream;

/**
 * Every variable the pipe understands, in one registry: name, aliases (the first name listed wins when several
 * are set and differ), whether it is required, whether its value is secret, its default, and what it does.
 * {@code --help}, {@code pipe.yml}, README's variables table and docs/variables.md say the same; tests keep them
 * in step.
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
    TAGS(List.of("TAG"), Need.OPTIONAL, false, "BITBUCKET_TAG, else BITBUCKET_BRANCH, else BITBUCKET_COMMIT, else (no git context) latest",
            "Tags to push, space separated or as a YAML list (which wins when both are given). A branch or git tag from the context is turned into a valid Docker tag (feature/x becomes feature-x); one that leaves no valid tag is an error, never latest."),
    DOCKERFILE(List.of(), Need.OPTIONAL, false, "Dockerfile",
            "Path of the Dockerfile, relative to BUILD_CONTEXT; it may lead out of it, within the clone (../docker/api.Dockerfile), as docker build -f does."),
    BUILD_CONTEXT(List.of(), Need.OPTIONAL, false, ".",
            "Build context directory, relative to the working directory (the clone). .dockerignore is honoured."),
    RETRIES(List.of(), Need.OPTIONAL, false, "3",
            "Push attempts after the first, for failures that look transient (5xx, dropped connections, throttling); 0 to 10. The Docker engine also retries each layer itself, for about 50 s, within every attempt."),
    RETRY_MAX_SECONDS(List.of(), Need.OPTIONAL, false, "30",
            "Longest wait between two push attempts, in seconds; 1 to 300. The waits are random, up to 2, 4, 8… s (capped exponential backoff with full jitter)."),
    SOURCE_TAG(List.of(), Need.OPTIONAL, false, "unset: build the image",
            "Promote instead of building: the tag of an image already in the repository, which then also gets TAGS (the same manifest, nothing built, pulled or uploaded). Not with DOCKERFILE, BUILD_CONTEXT or SOURCE_DIGEST."),
    SOURCE_DIGEST(List.of(), Need.OPTIONAL, false, "unset: build the image",
            "Promote instead of building: the manifest digest (sha256:…) of an image already in the repository, which then also gets TAGS. Not with DOCKERFILE, BUILD_CONTEXT or SOURCE_TAG."),
    PLATFORM_TAGS(List.of(), Need.OPTIONAL, false, "unset: build the image",
            "Combine instead of building: tags (in IMAGE's repository) of single-platform images pushed by earlier steps, e.g. one per runner's architecture, space separated or as a YAML list. They become one multi-platform image under TAGS (an OCI image index, or a Docker manifest list), made in the registry with each image's platform read from its configuration; nothing is built, pulled or uploaded. Not with a build's variables, SOURCE_TAG, SOURCE_DIGEST, LOCAL_IMAGE or CREATE_REPOSITORY."),
    MIRROR_REGIONS(List.of(), Need.OPTIONAL, false, "none",
            "Other regions of the same account that get the same image (the same digest, the same tags) in a repository of the same name, space separated or as a YAML list. Each region is logged in to separately; its repository must exist."),
    CREATE_REPOSITORY(List.of(), Need.OPTIONAL, false, "false",
            "true: create the repository before the build when it does not exist, with the settings below (a repository creation template that ECR applies on push shapes it instead). An existing repository is never changed: a setting that differs is a warning."),
    IMAGE_TAG_MUTABILITY(List.of(), Need.OPTIONAL, false, "MUTABLE",
            "Tag mutability of a created repository: MUTABLE, IMMUTABLE, IMMUTABLE_WITH_EXCLUSION or MUTABLE_WITH_EXCLUSION. Needs CREATE_REPOSITORY."),
    IMAGE_TAG_MUTABILITY_EXCLUSIONS(List.of(), Need.OPTIONAL, false, null,
            "Tag filters (space separated or as a YAML list, * matches any run of characters, at most 5) that take the opposite mutability; only with a *_WITH_EXCLUSION kind."),
    SCAN_ON_PUSH(List.of(), Need.OPTIONAL, false, "false",
            "true: a created repository scans each image pushed. Needs CREATE_REPOSITORY."),
    ENCRYPTION(List.of(), Need.OPTIONAL, false, "AES256",
            "Encryption of a created repository: AES256 or KMS. Needs CREATE_REPOSITORY."),
    KMS_KEY(List.of(), Need.OPTIONAL, false, "the AWS managed key for ECR",
            "KMS key (id, ARN or alias) of a created repository; only with ENCRYPTION KMS."),
    REPOSITORY_TAGS(List.of(), Need.OPTIONAL, false, null,
            "AWS resource tags of a created repository: key=value items, space separated (team=payments env=prod) or as a YAML list (one tag per item, so values may hold spaces)."),
    LIFECYCLE_POLICY(List.of(), Need.OPTIONAL, false, null,
            "Path (relative to the clone) of an ECR lifecycle policy JSON file, checked before the build and applied to the repository unless it already holds the same policy."),
    SCAN_FAIL_ON(List.of(), Need.OPTIONAL, false, "unset: no scan gate",
            "The scan gate: CRITICAL, HIGH, MEDIUM, LOW or INFORMATIONAL. The image is pushed under a candidate tag of its own and scanned in ECR first; TAGS are added only when the scan finds nothing at or above this severity (but SCAN_IGNORE's ids), else no tag is added and the run fails (exit 7). ECR only."),
    SCAN_IGNORE(List.of(), Need.OPTIONAL, false, "none",
            "Finding ids the scan gate accepts (CVE-2024-12345, GHSA-…, ALAS2-…), space separated or as a YAML list; each one found is printed as accepted. Needs SCAN_FAIL_ON."),
    SCAN_TIMEOUT_SECONDS(List.of(), Need.OPTIONAL, false, "300",
            "How long the scan gate waits for ECR's scan, in seconds: 1 to 3600. A scan not done by then fails the run (exit 8), with no tag added. Needs SCAN_FAIL_ON."),
    BUILD_ARGS(List.of(), Need.OPTIONAL, false, "none",
            "Build arguments, KEY=VALUE, space separated or as a YAML list (one item each, so values may hold spaces). A bare KEY takes the value of the pipe's variable KEY, as docker build --build-arg KEY does (pass it in the pipe's variables); unset, the Dockerfile's ARG default applies. Values are never printed by the pipe."),
    BUILD_SECRETS(List.of(), Need.OPTIONAL, false, "none",
            "Build secrets for RUN --mount=type=secret, in docker build --secret's syntax, space separated or as a YAML list: id=npm,env=NPM_TOKEN (the value of the pipe's variable NPM_TOKEN: pass it to the pipe) or id=netrc,src=.netrc (a file in the clone). BuildKit only. Unlike BUILD_ARGS, a secret never reaches the image, its history or the log."),
    TARGET(List.of(), Need.OPTIONAL, false, "the last stage",
            "The Dockerfile stage to build (FROM ... AS name); checked before building."),
    LABELS(List.of(), Need.OPTIONAL, false, "none",
            "Labels of the image, key=value, space separated or as a YAML list. They win over the OCI labels the pipe sets from the commit."),
    NO_CACHE(List.of(), Need.OPTIONAL, false, "false",
            "true: build without the engine's layer cache."),
    PULL(List.of(), Need.OPTIONAL, false, "false",
            "true: pull newer versions of the base images before building."),
    BUILDER(List.of(), Need.OPTIONAL, false, "auto",
            "The engine's builder: auto (BuildKit when the engine has it, as the docker CLI does since 23; else the classic builder), buildkit or classic. BuildKit builds Dockerfiles written for it (RUN --mount, COPY --chmod) and skips stages the target does not need."),
    BUILD_NETWORK(List.of(), Need.OPTIONAL, false, "default",
            "The network of the build's RUN steps, as docker build --network: default (the engine's own), host or none."),
    LOCAL_IMAGE(List.of(), Need.OPTIONAL, false, "unset (the pipe builds)",
            "An image already in the Docker engine (built earlier in the step, e.g. docker build -t my-app .) to tag, push and verify without building. Not with DOCKERFILE, BUILD_CONTEXT, BUILD_ARGS, BUILD_SECRETS, TARGET, LABELS, NO_CACHE or PULL."),
    CACHE(List.of(), Need.OPTIONAL, false, "true",
            "Registry layer cache: true pulls the previous images (the tags being pushed, the branch's tag, latest) that the repository holds and builds with them as cache sources; stages also pushes each named stage of a multi-stage Dockerfile as cache-<stage> and reuses it; false uses only the engine's own cache."),
    CACHE_FROM(List.of(), Need.OPTIONAL, false, null,
            "More cache source images, space separated or as a YAML list: a repository of the same ECR registry (team/base:main) or its full URI. Images of other registries are skipped with a warning (the pipe has no login for them)."),
    OUTPUT_FILE(List.of(), Need.OPTIONAL, false, null,
            "File to write the results to (IMAGE_URI, IMAGE_DIGEST, IMAGE_TAGS), relative to the clone: JSON when the name ends in .json, else KEY=value lines. Results also go to $BITBUCKET_PIPE_SHARED_STORAGE_DIR/ecr-push-pipe/ when Bitbucket sets it."),
    REPORT(List.of(), Need.OPTIONAL, false, "true in a Bitbucket pipeline (BITBUCKET_REPO_FULL_NAME and BITBUCKET_COMMIT set), else false",
            "A Code Insights report on the commit (image, digest, tags, size, times, cache, regions; a failed run's cause and hint), sent at the end through the pipeline's proxy; it never changes the run's exit code. false turns it off; true outside a pipeline is an error."),
    REPORT_PROXY(List.of(), Need.OPTIONAL, false, "http://host.docker.internal:29418 (the pipeline's proxy, as a pipe's container reaches it)",
            "The pipeline's authenticating proxy for Bitbucket's API, which the report goes through: http://host:port. Set http://localhost:29418 to run the pipe in a step's own script rather than as a pipe."),
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
            "User for a registry other than ECR (IMAGE on its host, e.g. registry.example.com/team/app, docker.io/org/app for Docker Hub); no AWS call is made then."),
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
            "Endpoint for the STS API only (OIDC and AWS_ROLE_ARN call STS)."),
    AWS_USE_FIPS_ENDPOINT(List.of(), Need.OPTIONAL, false, "false, or true when IMAGE is a FIPS registry host",
            "true: call AWS's FIPS endpoints (the AWS SDK's standard variable), such as api.ecr-fips.us-gov-west-1.amazonaws.com; a bare IMAGE name is then pushed to the FIPS registry host ECR names."),
    AWS_USE_DUALSTACK_ENDPOINT(List.of(), Need.OPTIONAL, false, "false, or true when IMAGE is a dual-stack registry host",
            "true: call AWS's dual-stack (IPv4 and IPv6) endpoints (the AWS SDK's standard variable), such as ecr.ap-southeast-1.api.aws; a bare IMAGE name is then pushed to the dual-stack registry host ECR names.");

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

    /**
     * What the items of a list variable are called in messages ("tags"); null for a variable that holds one value.
     * A list is written space separated, or as a YAML list, which Bitbucket passes to a pipe as {@code NAME_COUNT},
     * {@code NAME_0}, {@code NAME_1}, …
     */
    String listItems() {
        return switch (this) {
            case TAGS, REPOSITORY_TAGS, PLATFORM_TAGS -> "tags";
            case MIRROR_REGIONS -> "regions";
            case IMAGE_TAG_MUTABILITY_EXCLUSIONS -> "filters";
            case BUILD_ARGS -> "build arguments";
            case LABELS -> "labels";
            case CACHE_FROM -> "images";
            case BUILD_SECRETS -> "secrets";
            case SCAN_IGNORE -> "finding ids";
            default -> null;
        };
    }

    /**
     * Whether an item of this list's YAML form is one value even with spaces inside ({@code KEY=two words}); the
     * items of the other lists are split on blanks as the space separated form is.
     */
    boolean listItemsHoldSpaces() {
        return this == BUILD_ARGS || this == LABELS || this == REPOSITORY_TAGS || this == BUILD_SECRETS;
    }

    /** Whether the pipe never shows this variable's value, not even in a problem: a secret, or build arguments. */
    boolean valueHidden() {
        return secret || this == BUILD_ARGS;
    }

    /** The names that set this variable, the preferred one first. */
    public List<String> names() {
        return Stream.concat(Stream.of(name()), aliases.stream()).toList();
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
