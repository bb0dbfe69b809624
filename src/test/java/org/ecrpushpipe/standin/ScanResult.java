package org.ecrpushpipe.standin;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What the stand-in's scan of an image comes to, set by a test per repository ({@link EcrStandIn#scanResult}): how
 * long the scan runs, how it ends, and its findings, in basic scanning's shape or in enhanced scanning's (Amazon
 * Inspector's {@code enhancedFindings}).
 *
 * @param kind        which scanning makes the findings: it decides their shape and the statuses (basic: IN_PROGRESS,
 *                    then COMPLETE; enhanced: PENDING, then ACTIVE)
 * @param endStatus   the status once the scan is over: COMPLETE (or ACTIVE), FAILED, UNSUPPORTED_IMAGE, …
 * @param description ECR's description of that status
 * @param findings    the findings of a scan that completes
 * @param duration    how long the scan runs; null for a scan that never ends
 */
public record ScanResult(Kind kind, String endStatus, String description, List<Finding> findings,
                         Duration duration) {
    /** How long a scan runs unless a test says otherwise: long enough that a client sees it running first. */
    public static final Duration DEFAULT_DURATION = Duration.ofSeconds(1);

    public ScanResult {
        Objects.requireNonNull(kind);
        Objects.requireNonNull(endStatus);
        findings = List.copyOf(findings);
    }

    /** Basic scanning (ECR's own) or enhanced scanning (Amazon Inspector). */
    public enum Kind {
        BASIC, ENHANCED
    }

    /**
     * One vulnerability in one package.
     *
     * @param id               CVE-… (basic: the finding's {@code name}; enhanced: its {@code vulnerabilityId})
     * @param severity         CRITICAL, HIGH, MEDIUM, LOW, INFORMATIONAL, UNDEFINED (basic) or UNTRIAGED (enhanced)
     * @param packageName      the package
     * @param installedVersion its version in the image
     * @param fixedVersion     the version that fixes it (enhanced only; basic scanning names none), or null:
     *                         enhanced scanning then says {@code NotAvailable}
     */
    public record Finding(String id, String severity, String packageName, String installedVersion,
                          String fixedVersion) {
    }

    /** A basic scan that completes without a finding: what the stand-in gives a repository no test set. */
    public static ScanResult clean() {
        return basic();
    }

    /** A basic scan that completes with these findings. */
    public static ScanResult basic(Finding... findings) {
        return new ScanResult(Kind.BASIC, "COMPLETE", "The scan was completed successfully.", List.of(findings),
                DEFAULT_DURATION);
    }

    /** An enhanced scan (Amazon Inspector) that becomes ACTIVE with these findings. */
    public static ScanResult enhanced(Finding... findings) {
        return new ScanResult(Kind.ENHANCED, "ACTIVE", "Continuous scan is selected for image.", List.of(findings),
                DEFAULT_DURATION);
    }

    /** A basic scan that fails. */
    public static ScanResult failed(String description) {
        return new ScanResult(Kind.BASIC, "FAILED", description, List.of(), DEFAULT_DURATION);
    }

    /** A basic scan of an image whose operating system basic scanning does not know (an image FROM scratch). */
    public static ScanResult unsupportedImage() {
        return new ScanResult(Kind.BASIC, "UNSUPPORTED_IMAGE",
                "UnsupportedImageError: The operating system and/or package manager are not supported.", List.of(),
                DEFAULT_DURATION);
    }

    /** The same scan, running this long. */
    public ScanResult taking(Duration runs) {
        return new ScanResult(kind, endStatus, description, findings, Objects.requireNonNull(runs));
    }

    /** The same scan, never ending (as a scan stuck in ECR, or one slower than any wait). */
    public ScanResult neverEnding() {
        return new ScanResult(kind, endStatus, description, findings, null);
    }

    /** The status while the scan runs. */
    String runningStatus() {
        return kind == Kind.ENHANCED ? "PENDING" : "IN_PROGRESS";
    }

    /** Whether the scan ends with findings to read. */
    boolean hasFindings() {
        return endStatus.equals("COMPLETE") || endStatus.equals("ACTIVE");
    }
}
