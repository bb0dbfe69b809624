package org.ecrpushpipe.standin;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The registry passwords GetAuthorizationToken hands out (ECR's user is always {@code AWS}), their expiry, and the
 * principal each was issued to (a password opens every registry that principal may use, of any account). Shared by
 * the stand-ins of several accounts of one AWS ({@link EcrStandIn.Builder#sameAwsAs}). Thread-safe.
 */
final class AuthorizationTokens {
    /** One issued password; {@link #toString()} hides it. */
    record Issued(String password, Instant expiresAt) {
        @Override
        public String toString() {
            return "Issued[****, expiresAt=" + expiresAt + "]";
        }
    }

    /** What a presented password is. */
    enum Status { VALID, EXPIRED, UNKNOWN }

    private final SecureRandom random = new SecureRandom();
    private final Map<String, Instant> expiries = new ConcurrentHashMap<>();
    private final Map<String, String> principals = new ConcurrentHashMap<>();
    private final Clock clock;
    private volatile Duration lifetime;

    AuthorizationTokens(Clock clock, Duration lifetime) {
        this.clock = clock;
        this.lifetime = lifetime;
    }

    void lifetime(Duration lifetime) {
        if (lifetime.isNegative() || lifetime.isZero()) {
            throw new IllegalArgumentException("the token lifetime must be positive");
        }
        this.lifetime = lifetime;
    }

    /** A new password for {@code principalArn}, the caller of GetAuthorizationToken. */
    Issued issue(String principalArn) {
        byte[] bytes = new byte[48];
        random.nextBytes(bytes);
        String password = "eyJ" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        Instant expiresAt = clock.instant().plus(lifetime);
        principals.put(password, principalArn);
        expiries.put(password, expiresAt);
        return new Issued(password, expiresAt);
    }

    /** The principal a password was issued to, if it was issued here. */
    Optional<String> principal(String password) {
        return Optional.ofNullable(principals.get(Objects.requireNonNullElse(password, "")));
    }

    /** Every password issued so far, for tests that check that none was shown anywhere. */
    java.util.List<String> issued() {
        return java.util.List.copyOf(expiries.keySet());
    }

    /** Makes every password issued so far expired, as if its 12 hours had passed; later ones are not affected. */
    void expireAll() {
        Instant past = clock.instant().minusSeconds(1);
        expiries.replaceAll((password, expiresAt) -> past);
    }

    Status check(String password) {
        Instant expiresAt = expiries.get(Objects.requireNonNullElse(password, ""));
        if (expiresAt == null) {
            return Status.UNKNOWN;
        }
        return clock.instant().isBefore(expiresAt) ? Status.VALID : Status.EXPIRED;
    }
}
