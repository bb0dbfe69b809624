package org.ecrpushpipe.standin;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The S3 side of ECR's layer downloads. Real ECR answers {@code GET /v2/<name>/blobs/<digest>} with
 * {@code 307 Temporary Redirect} to a pre-signed URL of its layer bucket
 * ({@code https://prod-<region>-starport-layer-bucket.s3.<region>.amazonaws.com/<id>/<uuid>?X-Amz-Algorithm=…
 * &X-Amz-Signature=…}), which serves the layer to whoever holds the URL, without the registry's Basic credentials,
 * until it expires. Here the bucket is a path of the facade itself ({@value #PATH}), since only ECR's registry
 * hosts resolve on the bed; what a client meets is the same: a redirect to follow, then a signed, expiring,
 * credential-free GET, refused with S3's own XML errors when the signature is wrong or stale.
 */
final class LayerBucket {
    static final String PATH = "/starport-layer-bucket/";
    /** How long a pre-signed layer URL is valid; ECR's last an hour. */
    static final Duration VALIDITY = Duration.ofHours(1);
    private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);

    /** One pre-signed URL: which blob it serves, until when, and its signature. */
    private record Grant(String repository, String digest, Instant expires, String signature) {
    }

    private final Map<String, Grant> grants = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private final String region;
    private final Clock clock;

    LayerBucket(String region, Clock clock) {
        this.region = region;
        this.clock = clock;
    }

    /** A pre-signed URL on {@code origin} for one blob of a repository. */
    String presign(String origin, String repository, String digest) {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String signature = HexFormat.of().formatHex(bytes);
        String key = HexFormat.of().formatHex(bytes, 0, 6) + "/" + UUID.randomUUID();
        Instant now = clock.instant();
        grants.put(key, new Grant(repository, digest, now.plus(VALIDITY), signature));
        return origin + PATH + key + "?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=" + AMZ_DATE.format(now)
                + "&X-Amz-SignedHeaders=host&X-Amz-Expires=" + VALIDITY.toSeconds()
                + "&X-Amz-Credential=ASIASTARPORTLAYER0001%2F" + AMZ_DATE.format(now).substring(0, 8) + "%2F" + region
                + "%2Fs3%2Faws4_request&X-Amz-Signature=" + signature;
    }

    /** What a request to the bucket gets: the registry path of its blob, or S3's refusal. */
    sealed interface Answer {
        record Blob(String registryPath) implements Answer {
        }

        record Refused(int status, String code, String message) implements Answer {
        }
    }

    Answer resolve(String rawPath, String rawQuery) {
        String key = rawPath.substring(PATH.length());
        Grant grant = grants.get(key);
        Optional<String> signature = Optional.ofNullable(rawQuery).flatMap(q -> java.util.Arrays.stream(q.split("&"))
                .filter(p -> p.startsWith("X-Amz-Signature=")).map(p -> p.substring("X-Amz-Signature=".length()))
                .findFirst());
        if (grant == null || signature.isEmpty() || !grant.signature().equals(signature.get())) {
            return new Answer.Refused(403, "SignatureDoesNotMatch", "The request signature we calculated does not"
                    + " match the signature you provided. Check your key and signing method.");
        }
        if (clock.instant().isAfter(grant.expires())) {
            return new Answer.Refused(403, "AccessDenied", "Request has expired");
        }
        return new Answer.Blob("/v2/" + grant.repository() + "/blobs/" + grant.digest());
    }

    /** S3's error body. */
    static String errorXml(String code, String message) {
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>" + code + "</Code><Message>" + message
                + "</Message><RequestId>" + UUID.randomUUID().toString().replace("-", "").substring(0, 16).toUpperCase()
                + "</RequestId></Error>";
    }
}
