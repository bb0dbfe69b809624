package org.ecrpushpipe.standin;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * STS's AssumeRoleWithWebIdentity: trades a token from {@link WebIdentityTokens} for session credentials of a role
 * the test allowed, and registers those credentials with the API. Answers in the Query protocol's XML.
 */
final class StsService {
    /** A role ARN: its account, and its name (after any path). */
    static final Pattern ROLE_ARN = Pattern.compile("arn:aws:iam::(\\d{12}):role/(?:[\\w+=,.@-]+/)*([\\w+=,.@-]+)");
    /** A session's principal: its account and its role's name. */
    static final Pattern ASSUMED_ROLE = Pattern.compile("arn:aws:sts::(\\d{12}):assumed-role/([^/]+)/.*");
    static final Pattern SESSION_NAME = Pattern.compile("[\\w+=,.@-]{2,64}");
    private static final String ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    /** An STS error: {@code <ErrorResponse>} with this type (Sender/Receiver), code, message and status. */
    static final class StsError extends RuntimeException {
        final String code;
        final int status;

        StsError(String code, String message, int status) {
            super(message, null, false, false);
            this.code = code;
            this.status = status;
        }
    }

    private final WebIdentityTokens tokens;
    private final Identities identities;
    private final Clock clock;
    private final Set<String> allowedRoles = ConcurrentHashMap.newKeySet();
    private final SecureRandom random = new SecureRandom();
    private final List<AccessKey> issuedSessions = new CopyOnWriteArrayList<>();
    private volatile Duration sessionLifetime;

    StsService(WebIdentityTokens tokens, Identities identities, Clock clock) {
        this.tokens = tokens;
        this.identities = identities;
        this.clock = clock;
    }

    void allowRole(String roleArn) {
        if (!ROLE_ARN.matcher(roleArn).matches()) {
            throw new IllegalArgumentException("not a role ARN: " + roleArn);
        }
        allowedRoles.add(roleArn);
    }

    /** Handles the form parameters of one AssumeRoleWithWebIdentity request; returns the response XML. */
    String assumeRoleWithWebIdentity(Map<String, String> form) {
        String roleArn = required(form, "RoleArn");
        String sessionName = required(form, "RoleSessionName");
        String token = required(form, "WebIdentityToken");
        Matcher role = ROLE_ARN.matcher(roleArn);
        if (!role.matches()) {
            throw validation("Value '" + roleArn + "' at 'roleArn' failed to satisfy constraint: "
                    + "Member must satisfy regular expression pattern: [\\u0009\\u000A\\u000D\\u0020-\\u007E\\u0085\\u00A0-\\uD7FF\\uE000-\\uFFFD\\u10000-\\u10FFFF]+");
        }
        if (sessionName.length() < 2 || sessionName.length() > 64) {
            throw validation("Value '" + sessionName + "' at 'roleSessionName' failed to satisfy constraint: "
                    + "Member must have length " + (sessionName.length() < 2 ? "greater than or equal to 2"
                    : "less than or equal to 64"));
        }
        if (!SESSION_NAME.matcher(sessionName).matches()) {
            throw validation("Value '" + sessionName + "' at 'roleSessionName' failed to satisfy constraint: "
                    + "Member must satisfy regular expression pattern: [\\w+=,.@-]*");
        }
        int duration = 3600;
        if (form.containsKey("DurationSeconds")) {
            try {
                duration = Integer.parseInt(form.get("DurationSeconds"));
            } catch (NumberFormatException e) {
                throw validation("Value '" + form.get("DurationSeconds") + "' at 'durationSeconds' failed to satisfy "
                        + "constraint: Member must be a number");
            }
            if (duration < 900 || duration > 43200) {
                throw validation("Value '" + duration + "' at 'durationSeconds' failed to satisfy constraint: Member "
                        + "must have value " + (duration < 900 ? "greater than or equal to 900" : "less than or equal to 43200"));
            }
        }
        Instant now = clock.instant();
        if (token.split("\\.", -1).length != 3) {
            throw new StsError("InvalidIdentityToken",
                    "The ID Token provided is not a valid JWT. (You may see this error if you sent an Access Token)", 400);
        }
        WebIdentityTokens.Claims claims = tokens.find(token).orElseThrow(() -> new StsError("InvalidIdentityToken",
                "Couldn't retrieve verification key from your identity provider,  please reference "
                        + "AssumeRoleWithWebIdentity documentation for requirements", 400));
        if (!now.isBefore(claims.expiresAt())) {
            throw new StsError("ExpiredTokenException", "Token expired: current date/time " + now.getEpochSecond()
                    + " must be before the expiration date/time " + claims.expiresAt().getEpochSecond(), 400);
        }
        if (!allowedRoles.contains(roleArn)) {
            // What STS answers when the role's trust policy does not let this identity in.
            throw new StsError("AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity", 403);
        }

        Session session = issue(role.group(1), role.group(2), sessionName, duration);
        return """
                <AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
                  <AssumeRoleWithWebIdentityResult>
                    <SubjectFromWebIdentityToken>%s</SubjectFromWebIdentityToken>
                    <Audience>%s</Audience>
                    <AssumedRoleUser>
                      <Arn>%s</Arn>
                      <AssumedRoleId>%s</AssumedRoleId>
                    </AssumedRoleUser>
                %s    <Provider>%s</Provider>
                  </AssumeRoleWithWebIdentityResult>
                  <ResponseMetadata>
                    <RequestId>%s</RequestId>
                  </ResponseMetadata>
                </AssumeRoleWithWebIdentityResponse>
                """.formatted(xml(claims.subject()), xml(claims.audience()), xml(session.assumedRoleArn()),
                xml(session.assumedRoleId()), session.credentialsXml(), xml(claims.issuer()), UUID.randomUUID());
    }

    /** Session credentials just issued and accepted by the API, for the role's response. */
    record Session(AccessKey key, String assumedRoleArn, String assumedRoleId) {
        /** The {@code <Credentials>} element of AssumeRole's and AssumeRoleWithWebIdentity's results. */
        String credentialsXml() {
            return """
                        <Credentials>
                          <AccessKeyId>%s</AccessKeyId>
                          <SecretAccessKey>%s</SecretAccessKey>
                          <SessionToken>%s</SessionToken>
                          <Expiration>%s</Expiration>
                        </Credentials>
                    """.formatted(key.accessKeyId(), xml(key.secretKey()), xml(key.sessionToken()), key.expiration());
        }
    }

    /**
     * Issues session credentials for a role and registers them with the API: they last {@code durationSeconds},
     * or the test's {@link #sessionLifetime} when one is set.
     */
    Session issue(String account, String roleName, String sessionName, int durationSeconds) {
        String accessKeyId = "ASIA" + randomText(16);
        String secret = Base64.getEncoder().encodeToString(bytes(30));
        String sessionToken = "IQoJb3JpZ2luX2VjE" + Base64.getEncoder().encodeToString(bytes(180));
        Duration lifetime = sessionLifetime != null ? sessionLifetime : Duration.ofSeconds(durationSeconds);
        Instant expiration = clock.instant().plus(lifetime).truncatedTo(ChronoUnit.SECONDS);
        String assumedRoleArn = "arn:aws:sts::" + account + ":assumed-role/" + roleName + "/" + sessionName;
        AccessKey key = new AccessKey(accessKeyId, secret, sessionToken, expiration, assumedRoleArn);
        identities.add(key);
        issuedSessions.add(key);
        return new Session(key, assumedRoleArn, "AROA" + randomText(17) + ":" + sessionName);
    }

    /**
     * A test mode: sessions last this long whatever DurationSeconds asks (STS's own minimum is 15 minutes), so that
     * a test build can outlast them. Null: STS's rule.
     */
    void sessionLifetime(Duration lifetime) {
        this.sessionLifetime = lifetime;
    }

    /** Every session issued so far, oldest first. */
    List<AccessKey> issuedSessions() {
        return List.copyOf(issuedSessions);
    }

    static String errorXml(String code, String message, int status) {
        return """
                <ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
                  <Error>
                    <Type>%s</Type>
                    <Code>%s</Code>
                    <Message>%s</Message>
                  </Error>
                  <RequestId>%s</RequestId>
                </ErrorResponse>
                """.formatted(status >= 500 ? "Receiver" : "Sender", xml(code), xml(message), UUID.randomUUID());
    }

    private static String required(Map<String, String> form, String name) {
        String value = form.get(name);
        if (value == null || value.isEmpty()) {
            String member = Character.toLowerCase(name.charAt(0)) + name.substring(1);
            throw validation("Value null at '" + member + "' failed to satisfy constraint: Member must not be null");
        }
        return value;
    }

    static StsError validation(String detail) {
        return new StsError("ValidationError", "1 validation error detected: " + detail, 400);
    }

    static String xml(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                .replace("\"", "&quot;").replace("'", "&apos;");
    }

    private byte[] bytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    private String randomText(int n) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < n; i++) {
            s.append(ALPHANUMERIC.charAt(random.nextInt(ALPHANUMERIC.length())));
        }
        return s.toString();
    }
}
