package org.ecrpushpipe.config;

import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * The scan gate (SCAN_FAIL_ON, SCAN_IGNORE, SCAN_TIMEOUT_SECONDS): the image is scanned in ECR before any tag of
 * TAGS names it, and a finding at or above {@code failOn} that is not accepted stops the release.
 *
 * @param failOn  the least severity that stops the release
 * @param ignored finding ids accepted (SCAN_IGNORE), upper case, as {@link #accepts} compares them
 * @param timeout how long the run waits for the scan (SCAN_TIMEOUT_SECONDS)
 */
public record ScanSettings(Severity failOn, Set<String> ignored, Duration timeout) {
    public ScanSettings {
        TreeSet<String> upper = new TreeSet<>();
        ignored.forEach(id -> upper.add(id.toUpperCase(Locale.ROOT)));
        ignored = Set.copyOf(upper);
    }

    /** Whether SCAN_IGNORE accepts the finding {@code id} (ids compare in any case: ECR writes CVE ids in upper case). */
    public boolean accepts(String id) {
        return id != null && ignored.contains(id.toUpperCase(Locale.ROOT));
    }
}
