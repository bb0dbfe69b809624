package org.ecrpushpipe.standin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.AwsSessionCredentialsIdentity;

/** Cross-checks the hand-written verifier against the AWS SDK's own SigV4 signer. */
class SigV4VerifierTest {
    private static final Instant NOW = Instant.parse("2026-03-14T09:26:53Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private static final String REGION = "ap-southeast-1";
    private static final byte[] BODY = "{\"repositoryName\":\"app\"}".getBytes(StandardCharsets.UTF_8);
    private static final AccessKey USER = new AccessKey("AKIASTANDIN0000USER", "user/secret+key", null, null,
            "arn:aws:iam::123456789012:user/ci");
    private static final AccessKey SESSION = new AccessKey("ASIASTANDIN000SESSN", "session-secret", "the-session-token",
            NOW.plus(Duration.ofHours(1)), "arn:aws:sts::123456789012:assumed-role/ci/pipe");

    private final SigV4Verifier verifier = new SigV4Verifier("ecr", REGION, CLOCK,
            id -> Optional.ofNullable(Map.of(USER.accessKeyId(), USER, SESSION.accessKeyId(), SESSION).get(id)));

    @Test
    void acceptsWhatTheSdkSignerProduces() {
        var verdict = verifier.verify(sign(USER, "ecr", REGION, NOW, false));
        assertEquals(new SigV4Verifier.Accepted(USER), verdict);
    }

    @Test
    void acceptsAPayloadHashHeaderAndSessionCredentials() {
        assertEquals(new SigV4Verifier.Accepted(USER), verifier.verify(sign(USER, "ecr", REGION, NOW, true)));
        assertEquals(new SigV4Verifier.Accepted(SESSION), verifier.verify(sign(SESSION, "ecr", REGION, NOW, true)));
    }

    @Test
    void acceptsARequestThatSignsFewerHeaders() {
        SigV4Verifier.Request signed = sign(USER, "ecr", REGION, NOW, false);
        // An extra, unsigned header must not matter: the verifier follows the request's SignedHeaders.
        assertEquals(new SigV4Verifier.Accepted(USER),
                verifier.verify(withHeader(signed, "User-Agent", "some-other-client/1.0")));
    }

    @Test
    void rejectsATamperedBody() {
        var tampered = withBody(sign(USER, "ecr", REGION, NOW, false), "{\"repositoryName\":\"other\"}");
        assertRejected("InvalidSignatureException", SigV4Verifier.SIGNATURE_MISMATCH, verifier.verify(tampered));
    }

    @Test
    void rejectsATamperedSignedHeader() {
        SigV4Verifier.Request signed = sign(USER, "ecr", REGION, NOW, false);
        assertRejected("InvalidSignatureException", SigV4Verifier.SIGNATURE_MISMATCH, verifier.verify(
                withHeader(signed, "X-Amz-Target", "AmazonEC2ContainerRegistry_V20150921.DeleteRepository")));
    }

    @Test
    void rejectsAPayloadHashThatDoesNotMatchTheBody() {
        var tampered = withBody(sign(USER, "ecr", REGION, NOW, true), "{}");
        assertRejected("InvalidSignatureException", SigV4Verifier.SIGNATURE_MISMATCH, verifier.verify(tampered));
    }

    @Test
    void rejectsTheWrongSecret() {
        AccessKey wrong = new AccessKey(USER.accessKeyId(), "not-the-secret", null, null, USER.principalArn());
        assertRejected("InvalidSignatureException", SigV4Verifier.SIGNATURE_MISMATCH,
                verifier.verify(sign(wrong, "ecr", REGION, NOW, false)));
    }

    @Test
    void rejectsAnUnknownKey() {
        AccessKey unknown = new AccessKey("AKIAUNKNOWN000000000", "x", null, null, "arn");
        assertRejected("UnrecognizedClientException", SigV4Verifier.INVALID_TOKEN,
                verifier.verify(sign(unknown, "ecr", REGION, NOW, false)));
    }

    @Test
    void rejectsAnotherRegionOrService() {
        assertEquals("InvalidSignatureException",
                code(verifier.verify(sign(USER, "ecr", "eu-west-1", NOW, false))));
        assertEquals("InvalidSignatureException", code(verifier.verify(sign(USER, "sts", REGION, NOW, false))));
    }

    @Test
    void rejectsASignatureOlderOrNewerThanFifteenMinutes() {
        var old = verifier.verify(sign(USER, "ecr", REGION, NOW.minus(Duration.ofMinutes(16)), false));
        assertEquals("InvalidSignatureException", code(old));
        assertEquals("Signature expired: 20260314T091053Z is now earlier than 20260314T091153Z "
                + "(20260314T092653Z - 15 min.)", ((SigV4Verifier.Rejected) old).message());
        assertEquals("InvalidSignatureException",
                code(verifier.verify(sign(USER, "ecr", REGION, NOW.plus(Duration.ofMinutes(16)), false))));
        assertEquals(new SigV4Verifier.Accepted(USER),
                verifier.verify(sign(USER, "ecr", REGION, NOW.minus(Duration.ofMinutes(14)), false)));
    }

    @Test
    void rejectsSessionCredentialsWithoutTheirTokenOrAfterExpiry() {
        AccessKey forged = new AccessKey(SESSION.accessKeyId(), SESSION.secretKey(), "another-token",
                SESSION.expiration(), SESSION.principalArn());
        assertRejected("UnrecognizedClientException", SigV4Verifier.INVALID_TOKEN,
                verifier.verify(sign(forged, "ecr", REGION, NOW, false)));
        AccessKey withoutToken = new AccessKey(SESSION.accessKeyId(), SESSION.secretKey(), null, null, "arn");
        assertRejected("UnrecognizedClientException", SigV4Verifier.INVALID_TOKEN,
                verifier.verify(sign(withoutToken, "ecr", REGION, NOW, false)));

        SigV4Verifier later = new SigV4Verifier("ecr", REGION, Clock.offset(CLOCK, Duration.ofHours(2)),
                id -> Optional.of(SESSION));
        assertRejected("ExpiredTokenException", "The security token included in the request is expired",
                later.verify(sign(SESSION, "ecr", REGION, NOW.plus(Duration.ofHours(2)), false)));
    }

    @Test
    void rejectsAMissingOrForeignAuthorizationHeader() {
        SigV4Verifier.Request signed = sign(USER, "ecr", REGION, NOW, false);
        assertEquals("MissingAuthenticationTokenException",
                code(verifier.verify(withHeader(signed, "Authorization", null))));
        assertEquals("IncompleteSignatureException",
                code(verifier.verify(withHeader(signed, "Authorization", "Basic QVdTOng="))));
    }

    private static SigV4Verifier.Request sign(AccessKey key, String service, String region, Instant at,
                                              boolean payloadHashHeader) {
        SdkHttpRequest request = SdkHttpRequest.builder()
                .method(SdkHttpMethod.POST)
                .uri(URI.create("http://127.0.0.1:40123/"))
                .putHeader("Content-Type", "application/x-amz-json-1.1")
                .putHeader("X-Amz-Target", "AmazonEC2ContainerRegistry_V20150921.CreateRepository")
                .putHeader("amz-sdk-request", "attempt=1; max=4")
                .putHeader("Content-Length", String.valueOf(BODY.length))
                .build();
        AwsCredentialsIdentity identity = key.sessionToken() == null
                ? AwsCredentialsIdentity.create(key.accessKeyId(), key.secretKey())
                : AwsSessionCredentialsIdentity.create(key.accessKeyId(), key.secretKey(), key.sessionToken());
        SignedRequest signed = AwsV4HttpSigner.create().sign(r -> r
                .identity(identity)
                .request(request)
                .payload(ContentStreamProvider.fromByteArray(BODY))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, service)
                .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                .putProperty(AwsV4FamilyHttpSigner.PAYLOAD_SIGNING_ENABLED, payloadHashHeader)
                .putProperty(HttpSigner.SIGNING_CLOCK, Clock.fixed(at, ZoneOffset.UTC)));
        Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        signed.request().headers().forEach((name, values) -> headers.put(name, new ArrayList<>(values)));
        // The HTTP client adds Host from the URI; the signer signs it from the URI too.
        headers.putIfAbsent("Host", List.of("127.0.0.1:40123"));
        if (payloadHashHeader) {
            assertEquals(true, headers.containsKey("x-amz-content-sha256"), "the signer should send the payload hash");
        }
        return new SigV4Verifier.Request("POST", "/", null, headers, BODY);
    }

    /** The request with one header set to {@code value}, or removed when it is null. */
    private static SigV4Verifier.Request withHeader(SigV4Verifier.Request r, String name, String value) {
        Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.putAll(r.headers());
        if (value == null) {
            headers.remove(name);
        } else {
            headers.put(name, List.of(value));
        }
        return new SigV4Verifier.Request(r.method(), r.rawPath(), r.rawQuery(), headers, r.body());
    }

    private static SigV4Verifier.Request withBody(SigV4Verifier.Request r, String body) {
        return new SigV4Verifier.Request(r.method(), r.rawPath(), r.rawQuery(), r.headers(),
                body.getBytes(StandardCharsets.UTF_8));
    }

    private static String code(SigV4Verifier.Verdict verdict) {
        return assertInstanceOf(SigV4Verifier.Rejected.class, verdict).code();
    }

    private static void assertRejected(String code, String message, SigV4Verifier.Verdict verdict) {
        assertEquals(new SigV4Verifier.Rejected(code, message), verdict);
    }
}
