package org.ecrpushpipe.standin;

import java.time.Instant;

/**
 * Credentials the API accepts: an IAM user's long-term key ({@code sessionToken} and {@code expiration} null) or
 * STS session credentials. {@link #toString()} never shows the secret or the token.
 */
record AccessKey(String accessKeyId, String secretKey, String sessionToken, Instant expiration, String principalArn) {

    boolean isSession() {
        return sessionToken != null;
    }

    boolean isExpired(Instant now) {
        return expiration != null && !now.isBefore(expiration);
    }

    @Override
    public String toString() {
        return "AccessKey[" + accessKeyId + ", " + principalArn + (isSession() ? ", session until " + expiration : "") + "]";
    }
}
