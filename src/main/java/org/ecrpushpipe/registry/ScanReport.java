package org.ecrpushpipe.registry;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An image's scan as ECR describes it (DescribeImageScanFindings): basic scanning's findings and enhanced scanning's
 * (Amazon Inspector) in one shape.
 *
 * @param status      ECR's status: IN_PROGRESS or PENDING while it runs; COMPLETE (basic) or ACTIVE (enhanced) when
 *                    its findings are there; FAILED, UNSUPPORTED_IMAGE, FINDINGS_UNAVAILABLE, … when there are none
 * @param description ECR's description of the status, if it gave one
 * @param counts      ECR's count of findings per severity name (findingSeverityCounts), as it gave them
 * @param findings    every finding, once the scan is done; empty while it runs
 */
public record ScanReport(String status, Optional<String> description, Map<String, Integer> counts,
                         List<Finding> findings) {
    public ScanReport {
        counts = Collections.unmodifiableMap(new LinkedHashMap<>(counts));
        findings = List.copyOf(findings);
    }

    /** Whether the scan is still running. */
    public boolean running() {
        return status.equals("IN_PROGRESS") || status.equals("PENDING");
    }

    /** Whether the scan is done and its findings are there. */
    public boolean done() {
        return status.equals("COMPLETE") || status.equals("ACTIVE");
    }

    /**
     * One finding.
     *
     * @param id               the vulnerability's id: basic scanning's {@code name} (CVE-…), enhanced scanning's
     *                         {@code vulnerabilityId} (CVE-…, GHSA-…, ALAS…)
     * @param severity         ECR's severity name (CRITICAL … INFORMATIONAL, UNDEFINED, UNTRIAGED)
     * @param packageName      the package it is in, when ECR names one
     * @param installedVersion the package's version in the image, when given
     * @param fixedVersion     the version that fixes it, when ECR names one (enhanced scanning does; basic does not)
     */
    public record Finding(String id, String severity, Optional<String> packageName,
                          Optional<String> installedVersion, Optional<String> fixedVersion) {
    }
}
