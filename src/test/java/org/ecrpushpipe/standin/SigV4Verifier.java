package org.ecrpushpipe.standin;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Verifies an AWS Signature Version 4 {@code Authorization} header the way AWS does, with the JDK only. It follows
 * the request's own {@code SignedHeaders} (older SDKs sign fewer headers), checks the credential scope (date,
 * region, service, terminator), the clock skew, and session tokens, and answers with the error code and message
 * AWS would send.
 */
final class SigV4Verifier {
    private static final String ALGORITHM = "AWS4-HMAC-SHA256";
    private static final Duration MAX_SKEW = Duration.ofMinutes(15);
    private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'");
    private static final Pattern CREDENTIAL = Pattern.compile("Credential=([^/,\\s]+)/");
    static final String INVALID_TOKEN = "The security token included in the request is invalid.";
    static final String SIGNATURE_MISMATCH = "The request signature we calculated does not match the signature you "
            + "provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";

    /** What the verifier needs of a request. Header names are matched case-insensitively. */
    record Request(String method, String rawPath, String rawQuery, Map<String, List<String>> headers, byte[] body) {
    }

    /** The outcome of a verification. */
    sealed interface Verdict {
    }

    /** The signature is good; these credentials signed the request. */
    record Accepted(AccessKey key) implements Verdict {
    }

    /** The request is refused with this ECR error code and message (HTTP 400). */
    record Rejected(String code, String message) implements Verdict {
    }

    private final String service;
    private final String region;
    private final Clock clock;
    private final Function<String, Optional<AccessKey>> keys;

    SigV4Verifier(String service, String region, Clock clock, Function<String, Optional<AccessKey>> keys) {
        this.service = service;
        this.region = region;
        this.clock = clock;
        this.keys = keys;
    }

    /** The access key id named in an Authorization header, for logging; never the secret. */
    static Optional<String> accessKeyIdOf(String authorization) {
        if (authorization == null) {
            return Optional.empty();
        }
        Matcher m = CREDENTIAL.matcher(authorization);
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }

    Verdict verify(Request request) {
        Map<String, String> headers = joinHeaders(request.headers());
        String authorization = headers.get("authorization");
        if (authorization == null || authorization.isBlank()) {
            return new Rejected("MissingAuthenticationTokenException", "Missing Authentication Token");
        }
        String trimmed = authorization.trim();
        int space = trimmed.indexOf(' ');
        String algorithm = space < 0 ? trimmed : trimmed.substring(0, space);
        if (!ALGORITHM.equals(algorithm)) {
            return new Rejected("IncompleteSignatureException", "Unsupported AWS 'algorithm': '" + algorithm + "'");
        }
        Map<String, String> parts = new HashMap<>();
        for (String part : trimmed.substring(space + 1).split(",")) {
            int eq = part.indexOf('=');
            if (eq > 0) {
                parts.put(part.substring(0, eq).trim(), part.substring(eq + 1).trim());
            }
        }
        List<String> missing = new ArrayList<>();
        for (String required : List.of("Credential", "Signature", "SignedHeaders")) {
            if (!parts.containsKey(required)) {
                missing.add("Authorization header requires '" + required + "' parameter.");
            }
        }
        String amzDate = headers.get("x-amz-date");
        if (amzDate == null) {
            missing.add("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
        }
        if (!missing.isEmpty()) {
            return new Rejected("IncompleteSignatureException", String.join(" ", missing));
        }
        String[] scope = parts.get("Credential").split("/");
        if (scope.length != 5) {
            return new Rejected("IncompleteSignatureException",
                    "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term");
        }
        String accessKeyId = scope[0];
        String scopeDate = scope[1];
        Optional<AccessKey> found = keys.apply(accessKeyId);
        if (found.isEmpty()) {
            return new Rejected("UnrecognizedClientException", INVALID_TOKEN);
        }
        AccessKey key = found.get();

        Instant signedAt;
        try {
            signedAt = LocalDateTime.parse(amzDate, AMZ_DATE).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            return new Rejected("IncompleteSignatureException", "Date must be in ISO-8601 'basic format'. Got '"
                    + amzDate + "'. See http://en.wikipedia.org/wiki/ISO_8601");
        }
        if (!amzDate.startsWith(scopeDate)) {
            return new Rejected("InvalidSignatureException", "Date in Credential scope does not match YYYYMMDD from "
                    + "ISO-8601 version of date from HTTP: '" + scopeDate + "' != '" + amzDate.substring(0, 8)
                    + "', from 'x-amz-date'.");
        }
        if (!region.equals(scope[2])) {
            return new Rejected("InvalidSignatureException",
                    "Credential should be scoped to a valid region, not '" + scope[2] + "'. ");
        }
        if (!service.equals(scope[3])) {
            return new Rejected("InvalidSignatureException",
                    "Credential should be scoped to correct service: '" + service + "'. ");
        }
        if (!"aws4_request".equals(scope[4])) {
            return new Rejected("InvalidSignatureException",
                    "Credential should be scoped with a valid terminator: 'aws4_request', not '" + scope[4] + "'. ");
        }
        Instant now = clock.instant();
        if (signedAt.isBefore(now.minus(MAX_SKEW))) {
            return new Rejected("InvalidSignatureException", "Signature expired: " + amzDate + " is now earlier than "
                    + AMZ_DATE.format(now.minus(MAX_SKEW).atOffset(ZoneOffset.UTC)) + " ("
                    + AMZ_DATE.format(now.atOffset(ZoneOffset.UTC)) + " - 15 min.)");
        }
        if (signedAt.isAfter(now.plus(MAX_SKEW))) {
            return new Rejected("InvalidSignatureException", "Signature not yet current: " + amzDate
                    + " is still later than " + AMZ_DATE.format(now.plus(MAX_SKEW).atOffset(ZoneOffset.UTC)) + " ("
                    + AMZ_DATE.format(now.atOffset(ZoneOffset.UTC)) + " + 15 min.)");
        }

        List<String> signedHeaders = List.of(parts.get("SignedHeaders").split(";"));
        if (!signedHeaders.contains("host")) {
            return new Rejected("InvalidSignatureException",
                    "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
        }
        String token = headers.get("x-amz-security-token");
        if (key.isSession()) {
            // AWS only honours a session token that is covered by the signature.
            if (token == null || !signedHeaders.contains("x-amz-security-token") || !MessageDigest.isEqual(
                    token.getBytes(StandardCharsets.UTF_8), key.sessionToken().getBytes(StandardCharsets.UTF_8))) {
                return new Rejected("UnrecognizedClientException", INVALID_TOKEN);
            }
            if (key.isExpired(now)) {
                return new Rejected("ExpiredTokenException", "The security token included in the request is expired");
            }
        } else if (token != null) {
            return new Rejected("UnrecognizedClientException", INVALID_TOKEN);
        }

        String bodyHash = hex(sha256(request.body()));
        String payloadHash = headers.get("x-amz-content-sha256");
        if (payloadHash == null) {
            payloadHash = bodyHash;
        } else if (!payloadHash.equals("UNSIGNED-PAYLOAD") && !payloadHash.equals(bodyHash)) {
            return new Rejected("InvalidSignatureException", SIGNATURE_MISMATCH);
        }

        StringBuilder canonical = new StringBuilder()
                .append(request.method()).append('\n')
                .append(canonicalPath(request.rawPath())).append('\n')
                .append(canonicalQuery(request.rawQuery())).append('\n');
        for (String name : signedHeaders) {
            canonical.append(name).append(':').append(canonicalValue(headers.getOrDefault(name, ""))).append('\n');
        }
        canonical.append('\n').append(parts.get("SignedHeaders")).append('\n').append(payloadHash);

        String credentialScope = scopeDate + "/" + region + "/" + service + "/aws4_request";
        String stringToSign = ALGORITHM + "\n" + amzDate + "\n" + credentialScope + "\n"
                + hex(sha256(canonical.toString().getBytes(StandardCharsets.UTF_8)));
        byte[] signingKey = hmac(("AWS4" + key.secretKey()).getBytes(StandardCharsets.UTF_8), scopeDate);
        signingKey = hmac(signingKey, region);
        signingKey = hmac(signingKey, service);
        signingKey = hmac(signingKey, "aws4_request");
        String expected = hex(hmac(signingKey, stringToSign));
        if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                parts.get("Signature").getBytes(StandardCharsets.US_ASCII))) {
            return new Rejected("InvalidSignatureException", SIGNATURE_MISMATCH);
        }
        return new Accepted(key);
    }

    private static Map<String, String> joinHeaders(Map<String, List<String>> headers) {
        Map<String, String> joined = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.forEach((name, values) -> {
            if (name != null && values != null && !values.isEmpty()) {
                joined.merge(name, String.join(",", values), (a, b) -> a + "," + b);
            }
        });
        return joined;
    }

    private static String canonicalValue(String value) {
        return value.trim().replaceAll("\\s+", " ");
    }

    /** The SDK encodes the already-encoded path once more for every service but S3. */
    private static String canonicalPath(String rawPath) {
        if (rawPath == null || rawPath.isEmpty()) {
            return "/";
        }
        return uriEncode(rawPath, true);
    }

    private static String canonicalQuery(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return "";
        }
        List<String[]> pairs = new ArrayList<>();
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            pairs.add(new String[] {uriEncode(name, false), uriEncode(value, false)});
        }
        pairs.sort(Comparator.<String[], String>comparing(p -> p[0]).thenComparing(p -> p[1]));
        return String.join("&", pairs.stream().map(p -> p[0] + "=" + p[1]).toList());
    }

    private static String uriEncode(String s, boolean keepSlash) {
        StringBuilder out = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '_' || c == '.' || c == '~' || (keepSlash && c == '/')) {
                out.append(c);
            } else {
                out.append('%').append(String.format("%02X", b & 0xff));
            }
        }
        return out.toString();
    }

    static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
