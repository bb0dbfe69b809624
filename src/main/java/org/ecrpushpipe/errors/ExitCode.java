package org.ecrpushpipe.errors;

/**
 * The pipe's exit codes, one per class of failure. The "Exit codes" table of docs/errors.md lists the same values;
 * a test keeps the two in step.
 */
public enum ExitCode {
    SUCCESS(0, "the image was built, pushed and verified for every tag"),
    UNEXPECTED(1, "an unexpected error (a bug): rerun with DEBUG=true and report it"),
    CONFIGURATION(2, "a variable is missing or invalid, or a file cannot be read"),
    AUTHENTICATION(3, "AWS or the registry refused the credentials, or the IAM policy denies an ECR action"),
    DOCKER_ENGINE(4, "the Docker engine cannot be reached, or failed outside the build itself"),
    BUILD(5, "the image build failed"),
    PUSH(6, "the push failed: the repository is missing, ECR or the registry refused or could not be reached,"
            + " or the registry holds another digest than the one pushed"),
    SCAN_GATE(7, "the scan gate stopped the release: ECR's scan found a finding at or above SCAN_FAIL_ON that"
            + " SCAN_IGNORE does not accept; no tag was added"),
    SCAN_INCOMPLETE(8, "the scan gate could not decide: ECR's scan failed, cannot scan the image, or did not finish"
            + " within SCAN_TIMEOUT_SECONDS; no tag was added"),
    CANCELLED(143, "the run was stopped (SIGTERM, as Bitbucket sends when a step is stopped, or Ctrl-C); no tag"
            + " points at a partial image");

    private final int code;
    private final String meaning;

    ExitCode(int code, String meaning) {
        this.code = code;
        this.meaning = meaning;
    }

    public int code() {
        return code;
    }

    public String meaning() {
        return meaning;
    }
}
