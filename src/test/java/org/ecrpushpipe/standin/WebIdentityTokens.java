package org.ecrpushpipe.standin;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * OIDC tokens the test hands to the pipe in place of Bitbucket's {@code BITBUCKET_STEP_OIDC_TOKEN}: opaque
 * {@code header.payload.signature} strings in base64url. Only tokens issued here are recognised. Thread-safe.
 */
final class WebIdentityTokens {
    static final String ISSUER = "https://api.bitbucket.org/2.0/workspaces/ecr-stand-in/pipelines-config/identity/oidc";
    static final String AUDIENCE = "ari:cloud:bitbucket::workspace/ecr-stand-in";
    private static final Duration LIFETIME = Duration.ofHours(1);

    /** What STS learns from a valid token. */
    record Claims(String subject, String issuer, String audience, Instant expiresAt) {
    }

    private final SecureRandom random = new SecureRandom();
    private final Map<String, Claims> issued = new ConcurrentHashMap<>();

    String issue(String subject, Instant now) {
        Claims claims = new Claims(subject, ISSUER, AUDIENCE, now.plus(LIFETIME));
        String header = "{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"ecr-stand-in\"}";
        String payload = EcrJson.object()
                .put("iss", claims.issuer())
                .put("sub", subject)
                .put("aud", claims.audience())
                .put("iat", now.getEpochSecond())
                .put("exp", claims.expiresAt().getEpochSecond())
                .put("jti", SigV4Verifier.hex(randomBytes(8)))
                .toString();
        String token = base64Url(header.getBytes(StandardCharsets.UTF_8)) + "."
                + base64Url(payload.getBytes(StandardCharsets.UTF_8)) + "." + base64Url(randomBytes(64));
        issued.put(token, claims);
        return token;
    }

    Optional<Claims> find(String token) {
        return Optional.ofNullable(issued.get(token));
    }

    private byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        random.nextBytes(bytes);
        return bytes;
    }

    private static String base64Url(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
