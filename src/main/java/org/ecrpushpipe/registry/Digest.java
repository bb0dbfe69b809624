package org.ecrpushpipe.registry;

import java.util.regex.Pattern;

/**
 * A content digest as registries and engines write it, {@code <algorithm>:<hex>} (OCI image spec, "Digests"): a
 * manifest's digest, or an image id, which is the digest of the image's configuration.
 *
 * @param value the digest, e.g. {@code sha256:3f5a…}
 */
public record Digest(String value) {
    private static final Pattern FORM = Pattern.compile("[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+");

    public Digest {
        if (value == null || !FORM.matcher(value).matches()) {
            throw new IllegalArgumentException("not a digest: " + value);
        }
    }

    /** Parses a digest a registry or an engine sent. */
    public static Digest of(String value) {
        return new Digest(value);
    }

    @Override
    public String toString() {
        return value;
    }
}
