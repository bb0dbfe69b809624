package org.ecrpushpipe.config;

import static org.ecrpushpipe.config.Variable.AWS_ENDPOINT_URL;
import static org.ecrpushpipe.config.Variable.AWS_ENDPOINT_URL_ECR;
import static org.ecrpushpipe.config.Variable.AWS_ENDPOINT_URL_STS;
import static org.ecrpushpipe.config.Variable.AWS_KEY;
import static org.ecrpushpipe.config.Variable.AWS_OIDC_ROLE_ARN;
import static org.ecrpushpipe.config.Variable.AWS_REGION;
import static org.ecrpushpipe.config.Variable.AWS_ROLE_ARN;
import static org.ecrpushpipe.config.Variable.AWS_ROLE_EXTERNAL_ID;
import static org.ecrpushpipe.config.Variable.AWS_ROLE_SESSION_NAME;
import static org.ecrpushpipe.config.Variable.AWS_SECRET;
import static org.ecrpushpipe.config.Variable.AWS_SESSION_TOKEN;
import static org.ecrpushpipe.config.Variable.AWS_USE_DUALSTACK_ENDPOINT;
import static org.ecrpushpipe.config.Variable.AWS_USE_FIPS_ENDPOINT;
import static org.ecrpushpipe.config.Variable.BITBUCKET_STEP_OIDC_TOKEN;
import static org.ecrpushpipe.config.Variable.BUILDER;
import static org.ecrpushpipe.config.Variable.BUILD_ARGS;
import static org.ecrpushpipe.config.Variable.BUILD_CONTEXT;
import static org.ecrpushpipe.config.Variable.BUILD_NETWORK;
import static org.ecrpushpipe.config.Variable.BUILD_SECRETS;
import static org.ecrpushpipe.config.Variable.CACHE;
import static org.ecrpushpipe.config.Variable.CACHE_FROM;
import static org.ecrpushpipe.config.Variable.CREATE_REPOSITORY;
import static org.ecrpushpipe.config.Variable.DEBUG;
import static org.ecrpushpipe.config.Variable.DOCKERFILE;
import static org.ecrpushpipe.config.Variable.DOCKER_HOST;
import static org.ecrpushpipe.config.Variable.ENCRYPTION;
import static org.ecrpushpipe.config.Variable.IMAGE;
import static org.ecrpushpipe.config.Variable.IMAGE_TAG_MUTABILITY;
import static org.ecrpushpipe.config.Variable.IMAGE_TAG_MUTABILITY_EXCLUSIONS;
import static org.ecrpushpipe.config.Variable.KMS_KEY;
import static org.ecrpushpipe.config.Variable.LABELS;
import static org.ecrpushpipe.config.Variable.LIFECYCLE_POLICY;
import static org.ecrpushpipe.config.Variable.LOCAL_IMAGE;
import static org.ecrpushpipe.config.Variable.MIRROR_REGIONS;
import static org.ecrpushpipe.config.Variable.NO_CACHE;
import static org.ecrpushpipe.config.Variable.NO_COLOR;
import static org.ecrpushpipe.config.Variable.OUTPUT_FILE;
import static org.ecrpushpipe.config.Variable.PULL;
import static org.ecrpushpipe.config.Variable.REGISTRY_PASSWORD;
import static org.ecrpushpipe.config.Variable.REGISTRY_USERNAME;
import static org.ecrpushpipe.config.Variable.REPORT_PROXY;
import static org.ecrpushpipe.config.Variable.REPOSITORY_TAGS;
import static org.ecrpushpipe.config.Variable.RETRIES;
import static org.ecrpushpipe.config.Variable.RETRY_MAX_SECONDS;
import static org.ecrpushpipe.config.Variable.SCAN_FAIL_ON;
import static org.ecrpushpipe.config.Variable.SCAN_IGNORE;
import static org.ecrpushpipe.config.Variable.SCAN_ON_PUSH;
import static org.ecrpushpipe.config.Variable.SCAN_TIMEOUT_SECONDS;
import static org.ecrpushpipe.config.Variable.PLATFORM_TAGS;
import static org.ecrpushpipe.config.Variable.SOURCE_DIGEST;
import static org.ecrpushpipe.config.Variable.SOURCE_TAG;
import static org.ecrpushpipe.config.Variable.TAGS;
import static org.ecrpushpipe.config.Variable.TARGET;

import java.util.List;
import java.util.Optional;

/**
 * The variables by what they are about, each group with the place of the documentation that tells more: a section
 * of README.md or a page under docs/. {@code --help} ends with a link to each rather than a copy of it. Every
 * variable is in exactly one group, and each place exists; tests keep both true.
 */
public enum VariableGroup {
    CREDENTIALS("Credentials (AWS keys, OIDC, a role to assume, another registry's login)",
            "docs/authentication.md", null,
            AWS_KEY, AWS_SECRET, AWS_SESSION_TOKEN, AWS_OIDC_ROLE_ARN, BITBUCKET_STEP_OIDC_TOKEN, AWS_ROLE_ARN,
            AWS_ROLE_EXTERNAL_ID, AWS_ROLE_SESSION_NAME, REGISTRY_USERNAME, REGISTRY_PASSWORD),
    IMAGE_AND_TAGS("The repository, its region and the tags", "README.md", "Variables", IMAGE, AWS_REGION, TAGS),
    BUILD("Building (the Dockerfile, the context, arguments, the builder)", "docs/how-it-works.md", null,
            DOCKERFILE, BUILD_CONTEXT, BUILD_ARGS, TARGET, LABELS, NO_CACHE, PULL, BUILDER, BUILD_NETWORK, LOCAL_IMAGE),
    SECRETS("Build secrets", "docs/build-secrets.md", null, BUILD_SECRETS),
    REGISTRY_CACHE("The registry cache", "docs/registry-cache.md", null, CACHE, CACHE_FROM),
    RETRY("Retries and time limits", "docs/errors.md", null, RETRIES, RETRY_MAX_SECONDS),
    PROMOTION("Promotion and mirroring", "README.md", "Examples", SOURCE_TAG, SOURCE_DIGEST, MIRROR_REGIONS),
    PLATFORMS("Multi-platform images", "docs/multi-platform.md", null, PLATFORM_TAGS),
    REPOSITORY("Creating and shaping the repository", "docs/repositories.md", null, CREATE_REPOSITORY,
            IMAGE_TAG_MUTABILITY, IMAGE_TAG_MUTABILITY_EXCLUSIONS, SCAN_ON_PUSH, ENCRYPTION, KMS_KEY, REPOSITORY_TAGS,
            LIFECYCLE_POLICY),
    SCAN_GATE("The scan gate", "docs/scan-gate.md", null, SCAN_FAIL_ON, SCAN_IGNORE, SCAN_TIMEOUT_SECONDS),
    RESULTS("Results for later steps", "docs/results.md", null, OUTPUT_FILE),
    REPORT("The Code Insights report on the commit", "docs/code-insights.md", null, Variable.REPORT,
            REPORT_PROXY),
    OUTPUT("Output (debug lines, colours)", "docs/errors.md", null, DEBUG, NO_COLOR),
    ENDPOINTS("The Docker engine and the AWS endpoints", "docs/variables.md", null,
            DOCKER_HOST, AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_ECR, AWS_ENDPOINT_URL_STS, AWS_USE_FIPS_ENDPOINT,
            AWS_USE_DUALSTACK_ENDPOINT);

    /** The page users see first, and where the repository's front page shows it. */
    public static final String README = "README.md";

    private final String title;
    private final String page;
    private final String heading;
    private final List<Variable> variables;

    VariableGroup(String title, String page, String heading, Variable... variables) {
        this.title = title;
        this.page = page;
        this.heading = heading;
        this.variables = List.of(variables);
    }

    /** What the group is about, for a reader. */
    public String title() {
        return title;
    }

    /** The Markdown file that tells more, by its path in the repository ({@link #README} or a page of docs/). */
    public String page() {
        return page;
    }

    /** The heading of {@link #page()} whose section tells more; empty when the whole page does. */
    public Optional<String> heading() {
        return Optional.ofNullable(heading);
    }

    /** The group's variables. */
    public List<Variable> variables() {
        return variables;
    }
}
