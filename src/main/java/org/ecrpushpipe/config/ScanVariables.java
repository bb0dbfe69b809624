package org.ecrpushpipe.config;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** Reads SCAN_FAIL_ON, SCAN_IGNORE and SCAN_TIMEOUT_SECONDS into the {@link ScanSettings} of the scan gate. */
final class ScanVariables {
    static final int MIN_TIMEOUT = 1;
    static final int MAX_TIMEOUT = 3600;
    /** A CVE id: the year, then at least four digits (CVE's own numbering rule since 2014). */
    private static final Pattern CVE = Pattern.compile("CVE-\\d{4}-\\d{4,}", Pattern.CASE_INSENSITIVE);
    /** A GitHub security advisory: three groups of four letters of GitHub's own alphabet. */
    private static final Pattern GHSA = Pattern.compile("GHSA(-[23456789cfghjmpqrvwx]{4}){3}",
            Pattern.CASE_INSENSITIVE);
    /** Another advisory as Amazon Inspector names them (ALAS2-2024-2500, DSA-5000-1, RHSA-2024:1234, USN-6000-1). */
    private static final Pattern ADVISORY = Pattern.compile("[A-Z][A-Z0-9]{1,15}(-[A-Z0-9][A-Z0-9.:_]*)+",
            Pattern.CASE_INSENSITIVE);
    private static final int MAX_ID = 128;

    private final VariableReader reader;

    ScanVariables(VariableReader reader) {
        this.reader = reader;
    }

    /**
     * @param otherRegistryHost the registry IMAGE names when it is not ECR: the gate needs ECR's scanning
     * @return the gate; empty when SCAN_FAIL_ON is not set (or not usable: reported)
     */
    Optional<ScanSettings> read(Optional<String> otherRegistryHost) {
        Optional<String> written = reader.value(Variable.SCAN_FAIL_ON);
        Set<String> ignored = ignored();
        int timeout = reader.wholeNumber(Variable.SCAN_TIMEOUT_SECONDS, MIN_TIMEOUT, MAX_TIMEOUT);
        if (written.isEmpty()) {
            for (Variable needsGate : List.of(Variable.SCAN_IGNORE, Variable.SCAN_TIMEOUT_SECONDS)) {
                if (reader.isSet(needsGate)) {
                    reader.problem(needsGate, "is set, but SCAN_FAIL_ON is not: without it nothing is scanned;"
                            + " set SCAN_FAIL_ON (like 'HIGH'), or remove " + needsGate.name());
                }
            }
            return Optional.empty();
        }
        if (otherRegistryHost.isPresent()) {
            reader.problem(Variable.SCAN_FAIL_ON, "works with Amazon ECR only, but IMAGE is on "
                    + otherRegistryHost.get() + ", another registry; remove SCAN_FAIL_ON from this step");
            return Optional.empty();
        }
        if (reader.isSet(Variable.PLATFORM_TAGS)) {
            // ECR scans each platform's image, not the index made of them: a gate here would let it through unseen
            reader.problem(Variable.SCAN_FAIL_ON, "set together with PLATFORM_TAGS, but ECR scans each platform's"
                    + " image, not the multi-platform image made of them; set SCAN_FAIL_ON in the steps that push"
                    + " the platform images, and remove it from this step");
            return Optional.empty();
        }
        Optional<Severity> failOn = Severity.of(written.get());
        if (failOn.isEmpty()) {
            reader.problem(Variable.SCAN_FAIL_ON, "'" + written.get() + "' is not a severity; use one of "
                    + String.join(", ", Severity.WORST_FIRST.stream().map(Enum::name).toList())
                    + " (the least severity that stops the release)");
            return Optional.empty();
        }
        return Optional.of(new ScanSettings(failOn.get(), ignored, Duration.ofSeconds(timeout)));
    }

    /** SCAN_IGNORE's ids, each checked; the valid ones. */
    private Set<String> ignored() {
        Set<String> ids = new LinkedHashSet<>();
        for (String id : reader.list(Variable.SCAN_IGNORE).orElse(List.of())) {
            if (isFindingId(id)) {
                ids.add(id.toUpperCase(Locale.ROOT));
            } else {
                reader.problem(Variable.SCAN_IGNORE, "'" + id + "' is not a finding id: a CVE id (CVE-2024-12345),"
                        + " a GitHub advisory (GHSA-xxxx-xxxx-xxxx) or another advisory as ECR's findings name it"
                        + " (ALAS2-2024-2500, DSA-5000-1); separate ids with spaces");
            }
        }
        return ids;
    }

    /** Whether {@code id} is written as ECR's findings name a vulnerability (basic: CVE; enhanced: also others). */
    static boolean isFindingId(String id) {
        if (id.length() > MAX_ID) {
            return false;
        }
        String upper = id.toUpperCase(Locale.ROOT);
        if (upper.startsWith("CVE-")) {
            return CVE.matcher(id).matches();
        }
        if (upper.startsWith("GHSA-")) {
            return GHSA.matcher(id).matches();
        }
        return ADVISORY.matcher(id).matches() && id.chars().anyMatch(Character::isDigit);
    }
}
