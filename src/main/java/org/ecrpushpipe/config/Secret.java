package org.ecrpushpipe.config;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Objects;

/**
 * A secret value (key, session token, registry password). {@link #toString()} never reveals it, so a secret
 * that ends up in a log line, an exception message or a record's string form shows as {@code ****}.
 */
public final class Secret {
    private final String value;

    private Secret(String value) {
        this.value = Objects.requireNonNull(value, "value");
    }

    public static Secret of(String value) {
        return new Secret(value);
    }

    /**
     * {@code username:password} base64-encoded, as HTTP Basic authentication and a Docker config carry a login: a
     * secret too, since it decodes to the password.
     */
    public static Secret basicCredentials(String username, Secret password) {
        return new Secret(Base64.getEncoder().encodeToString((username + ":" + password.value)
                .getBytes(StandardCharsets.UTF_8)));
    }

    /** The secret itself; only adapters that hand it to a library call this. */
    public String reveal() {
        return value;
    }

    @Override
    public String toString() {
        return "****";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Secret other && MessageDigest.isEqual(value.getBytes(StandardCharsets.UTF_8),
                other.value.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }
}
