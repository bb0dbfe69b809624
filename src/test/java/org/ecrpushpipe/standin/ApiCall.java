package org.ecrpushpipe.standin;

/**
 * One request the API received: the operation (ECR's, or {@code AssumeRoleWithWebIdentity}), the access key id
 * that signed it ({@code null} when unsigned or unreadable), and the outcome: {@link #OK} or the error code sent.
 */
public record ApiCall(String operation, String accessKeyId, String outcome) {
    /** The outcome of a request that was answered successfully. */
    public static final String OK = "OK";

    public boolean accepted() {
        return OK.equals(outcome);
    }
}
