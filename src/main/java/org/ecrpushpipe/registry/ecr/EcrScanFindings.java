package org.ecrpushpipe.registry.ecr;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.ecrpushpipe.registry.ScanReport;

import software.amazon.awssdk.services.ecr.model.Attribute;
import software.amazon.awssdk.services.ecr.model.DescribeImageScanFindingsResponse;
import software.amazon.awssdk.services.ecr.model.EnhancedImageScanFinding;
import software.amazon.awssdk.services.ecr.model.ImageScanFinding;
import software.amazon.awssdk.services.ecr.model.ImageScanFindings;
import software.amazon.awssdk.services.ecr.model.VulnerablePackage;

/**
 * Reads DescribeImageScanFindings' answer into a {@link ScanReport}: basic scanning's findings (a {@code name}, a
 * {@code severity} and {@code attributes} such as {@code package_name} and {@code package_version}) and enhanced
 * scanning's (Amazon Inspector's {@code enhancedFindings}: the id, the package and its fixed version under
 * {@code packageVulnerabilityDetails}) in one shape.
 */
final class EcrScanFindings {
    /** What Inspector writes as {@code fixedInVersion} when no version fixes the vulnerability yet. */
    private static final String NO_FIX = "NotAvailable";

    private EcrScanFindings() {
    }

    /** The scan's status and counts, with the findings of this page (of every page when {@code findings} holds them). */
    static ScanReport report(DescribeImageScanFindingsResponse page, List<ScanReport.Finding> findings) {
        var status = page.imageScanStatus();
        ImageScanFindings found = page.imageScanFindings();
        return new ScanReport(status == null || status.statusAsString() == null ? "UNKNOWN" : status.statusAsString(),
                Optional.ofNullable(status == null ? null : status.description()).filter(d -> !d.isBlank()),
                found == null ? Map.of() : found.findingSeverityCountsAsStrings(), findings);
    }

    /** The findings of one page, basic and enhanced. */
    static List<ScanReport.Finding> findings(DescribeImageScanFindingsResponse page) {
        List<ScanReport.Finding> findings = new ArrayList<>();
        ImageScanFindings found = page.imageScanFindings();
        if (found == null) {
            return findings;
        }
        found.findings().forEach(f -> findings.add(basic(f)));
        found.enhancedFindings().forEach(f -> findings.add(enhanced(f)));
        return findings;
    }

    private static ScanReport.Finding basic(ImageScanFinding finding) {
        return new ScanReport.Finding(finding.name(), finding.severityAsString(),
                attribute(finding.attributes(), "package_name"), attribute(finding.attributes(), "package_version"),
                Optional.empty());
    }

    private static Optional<String> attribute(List<Attribute> attributes, String key) {
        return attributes.stream().filter(a -> key.equals(a.key())).map(Attribute::value)
                .filter(v -> v != null && !v.isBlank()).findFirst();
    }

    private static ScanReport.Finding enhanced(EnhancedImageScanFinding finding) {
        var details = finding.packageVulnerabilityDetails();
        String id = details != null && details.vulnerabilityId() != null ? details.vulnerabilityId()
                : String.valueOf(finding.title());
        Optional<VulnerablePackage> vulnerable = details == null ? Optional.empty()
                : details.vulnerablePackages().stream().findFirst();
        return new ScanReport.Finding(id, finding.severity(), vulnerable.map(VulnerablePackage::name),
                vulnerable.flatMap(EcrScanFindings::installed),
                vulnerable.map(VulnerablePackage::fixedInVersion)
                        .filter(v -> !v.isBlank() && !v.equals(NO_FIX)));
    }

    /** A package's version as the distribution writes it: {@code epoch:version-release}. */
    private static Optional<String> installed(VulnerablePackage p) {
        if (p.version() == null || p.version().isBlank()) {
            return Optional.empty();
        }
        return Optional.of((p.epoch() != null && p.epoch() > 0 ? p.epoch() + ":" : "") + p.version()
                + (p.release() == null || p.release().isBlank() ? "" : "-" + p.release()));
    }
}
