package org.ecrpushpipe.config;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A finding's severity as ECR ranks it, from the least to the worst: the values SCAN_FAIL_ON takes. ECR's basic
 * scanning also says {@code UNDEFINED} and enhanced scanning (Amazon Inspector) {@code UNTRIAGED}: such findings
 * have no rank here, so they are shown but never stop a release.
 */
public enum Severity {
    INFORMATIONAL, LOW, MEDIUM, HIGH, CRITICAL;

    /** The names, the worst first, as a run lists counts and as the documentation lists the values. */
    public static final List<Severity> WORST_FIRST = List.of(CRITICAL, HIGH, MEDIUM, LOW, INFORMATIONAL);

    /** The severity ECR names {@code name} (in any case); empty for one without a rank (UNDEFINED, UNTRIAGED). */
    public static Optional<Severity> of(String name) {
        if (name == null) {
            return Optional.empty();
        }
        String upper = name.strip().toUpperCase(Locale.ROOT);
        for (Severity s : values()) {
            if (s.name().equals(upper)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    /** Whether this severity is {@code threshold} or worse. */
    public boolean atLeast(Severity threshold) {
        return compareTo(threshold) >= 0;
    }
}
