package org.ecrpushpipe.scenarios;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.ecrpushpipe.standin.ScanResult;
import org.ecrpushpipe.testbed.EcrBed;
import org.ecrpushpipe.testbed.EcrBedExtension;
import org.ecrpushpipe.testbed.TestImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scan gate (SCAN_FAIL_ON) end to end on the bed: the real engine builds and pushes the candidate, the stand-in
 * scans it with the findings each test sets, and the real registry behind it is read afterwards — which tags name
 * which image, whether the candidate stayed. Each subclass names the {@link Launcher}: in-process and the packaged jar.
 */
@ExtendWith(EcrBedExtension.class)
abstract class ScanGateScenarios {
    private static final Pattern BUILT = Pattern.compile("INFO: Built image (sha256:[0-9a-f]{64})\\.");
    private static final ScanResult.Finding CRITICAL = new ScanResult.Finding("CVE-2024-24790", "CRITICAL", "glibc",
            "2.36-9+deb12u4", null);
    private static final ScanResult.Finding LOW = new ScanResult.Finding("CVE-2011-3374", "LOW", "apt", "2.6.1", null);

    @TempDir
    Path work;

    protected final EcrBed bed;

    ScanGateScenarios(EcrBed bed) {
        this.bed = bed;
    }

    /** How this class runs the pipe. */
    protected abstract Launcher launcher();

    /** A new image's clone, a repository for it that scans what the test says, and a gated run's variables. */
    private Map<String, String> gated(String repository, ScanResult scan, String failOn) {
        bed.standIn().createRepository(repository);
        bed.standIn().scanResult(repository, scan);
        Map<String, String> env = bed.pipeEnv(bed.repositoryUri(repository));
        env.put("TAGS", "1.0 latest");
        env.put("SCAN_FAIL_ON", failOn);
        env.put("CACHE", "false");
        return env;
    }

    private Path clone(String name) {
        return TestImages.busybox(work.resolve(name)).line("LABEL run=" + UUID.randomUUID()).write();
    }

    private static String builtImage(Launcher.PipeRun run) {
        return run.lines().stream().map(BUILT::matcher).filter(Matcher::matches).map(m -> m.group(1)).findFirst()
                .orElseThrow(() -> new AssertionError("no 'Built image' line:\n" + run.output()));
    }

    private static String candidate(String imageId) {
        return "scan-candidate-" + imageId.substring("sha256:".length(), "sha256:".length() + 12);
    }

    /** The release tags the real registry holds for the repository, each with its digest (empty when absent). */
    private Map<String, Optional<String>> releaseTags(String repository) {
        return Map.of("1.0", bed.manifestDigest(repository, "1.0"), "latest", bed.manifestDigest(repository,
                "latest"));
    }

    @Test
    void aCleanImageGetsItsTagsOnlyAfterTheScanAndTheCandidateGoes() {
        String repository = "gate/clean";
        Map<String, String> env = gated(repository, ScanResult.basic(LOW), "HIGH");
        bed.standIn().requests().clear();
        Launcher.PipeRun run = launcher().run(env, Map.of(), clone("clean"));

        assertEquals(0, run.exitCode(), run.output());
        String image = builtImage(run);
        Optional<String> digest = bed.manifestDigest(repository, "1.0");
        assertTrue(digest.isPresent(), run.output());
        assertEquals(Map.of("1.0", digest, "latest", digest), releaseTags(repository));
        assertEquals(Optional.of(image), bed.imageIdOf(repository, "1.0"), "the tags name this build");
        assertEquals(Optional.empty(), bed.manifestDigest(repository, candidate(image)), "the candidate tag is gone");
        assertTrue(run.output().contains("INFO: Scan gate: ECR's scan of " + bed.repositoryUri(repository) + "@"
                + digest.get() + " found CRITICAL 0, HIGH 0, MEDIUM 0, LOW 1, INFORMATIONAL 0."), run.output());
        assertTrue(run.output().contains("INFO:   LOW CVE-2011-3374 apt 2.6.1 (no fixed version named)"), run.output());
        assertTrue(run.output().contains("INFO: Scan gate passed: nothing at or above HIGH that SCAN_IGNORE does not"
                + " accept."), run.output());

        List<String> operations = bed.standIn().requests().operations();
        assertEquals(1, operations.stream().filter("StartImageScan"::equals).count(), operations.toString());
        int lastLook = operations.lastIndexOf("DescribeImageScanFindings");
        int firstTag = operations.indexOf("PutImage");
        assertTrue(lastLook >= 0 && firstTag > lastLook, "no tag before the scan's findings: " + operations);
        assertTrue(operations.contains("BatchDeleteImage"), operations.toString());
        int passed = run.output().indexOf("Scan gate passed");
        assertTrue(passed < run.output().indexOf("✔ Successfully pushed " + bed.repositoryUri(repository) + ":1.0"),
                "the tags are added after the gate said yes:\n" + run.output());
    }

    @Test
    void aVulnerableImageGetsNoTagKeepsItsCandidateAndExitsWithSeven() {
        String repository = "gate/vulnerable";
        Map<String, String> env = gated(repository, ScanResult.basic(LOW, CRITICAL), "HIGH");
        Launcher.PipeRun run = launcher().run(env, Map.of(), clone("vulnerable"));

        assertEquals(7, run.exitCode(), run.output());
        String image = builtImage(run);
        assertEquals(Map.of("1.0", Optional.empty(), "latest", Optional.empty()), releaseTags(repository),
                "no release tag names the image");
        String candidate = bed.repositoryUri(repository) + ":" + candidate(image);
        assertEquals(Optional.of(image), bed.imageIdOf(repository, candidate(image)), "the candidate stays");
        String digest = bed.manifestDigest(repository, candidate(image)).orElseThrow();
        assertEquals("✖ The scan gate stopped the release: 1 finding at or above HIGH in "
                + bed.repositoryUri(repository) + "@" + digest + ": CVE-2024-24790 (CRITICAL in glibc); no tag of"
                + " TAGS was added.", run.failureLine());
        assertTrue(run.output().contains("  Hint: the image stays as " + candidate + " for inspection; update the"
                + " packages listed above"), run.output());
        assertTrue(run.output().contains("INFO:   CRITICAL CVE-2024-24790 glibc 2.36-9+deb12u4 (no fixed version"
                + " named)"), run.output());
        assertFalse(run.output().contains("✔ Successfully pushed"), run.output());
    }

    @Test
    void anAcceptedFindingIsSaidAndLetsTheImageThrough() {
        String repository = "gate/accepted";
        Map<String, String> env = gated(repository, ScanResult.basic(CRITICAL, LOW), "LOW");
        env.put("SCAN_IGNORE", "cve-2024-24790 CVE-2011-3374 CVE-2099-0001");
        Launcher.PipeRun run = launcher().run(env, Map.of(), clone("accepted"));

        assertEquals(0, run.exitCode(), run.output());
        assertTrue(bed.manifestDigest(repository, "latest").isPresent(), run.output());
        assertTrue(run.output().contains("INFO: Scan gate: accepted (SCAN_IGNORE): CRITICAL CVE-2024-24790 glibc"
                + " 2.36-9+deb12u4 (no fixed version named)."), run.output());
        assertTrue(run.output().contains("INFO: Scan gate: accepted (SCAN_IGNORE): LOW CVE-2011-3374 apt 2.6.1"),
                run.output());
        assertTrue(run.output().contains("INFO: Scan gate: SCAN_IGNORE lists CVE-2099-0001, which this scan did not"
                + " find."), run.output());
    }

    @Test
    void aRepositoryThatScansOnPushIsNotAskedToScan() {
        String repository = "gate/on-push";
        Map<String, String> env = gated(repository, ScanResult.basic(LOW), "CRITICAL");
        bed.standIn().scanOnPush(repository, true);
        bed.standIn().requests().clear();
        Launcher.PipeRun run = launcher().run(env, Map.of(), clone("on-push"));

        assertEquals(0, run.exitCode(), run.output());
        assertTrue(bed.manifestDigest(repository, "1.0").isPresent(), run.output());
        assertFalse(bed.standIn().requests().operations().contains("StartImageScan"),
                bed.standIn().requests().operations().toString());
        assertEquals(1, bed.standIn().scanCount(repository), "the scan on push of the candidate, and no other");
        assertTrue(run.output().contains("INFO: Scan gate: " + repository + " scans on push; waiting for ECR's scan"
                + " of "), run.output());
    }

    @Test
    void enhancedFindingsStopTheReleaseNamingTheFixedVersion() {
        String repository = "gate/enhanced";
        Map<String, String> env = gated(repository, ScanResult.enhanced(new ScanResult.Finding("CVE-2021-44228",
                "CRITICAL", "log4j-core", "2.14.1", "2.15.0"), new ScanResult.Finding("CVE-2024-0001", "HIGH", "bash",
                "5.1", null)), "CRITICAL");
        Launcher.PipeRun run = launcher().run(env, Map.of(), clone("enhanced"));

        assertEquals(7, run.exitCode(), run.output());
        assertTrue(run.failureLine().contains(": CVE-2021-44228 (CRITICAL in log4j-core); no tag of TAGS was added."),
                run.output());
        assertTrue(run.output().contains("INFO:   CRITICAL CVE-2021-44228 log4j-core 2.14.1 (fixed in 2.15.0)"),
                run.output());
        assertTrue(run.output().contains("INFO:   HIGH CVE-2024-0001 bash 5.1 (no fixed version named)"),
                run.output());
        assertEquals(Map.of("1.0", Optional.empty(), "latest", Optional.empty()), releaseTags(repository));
    }

    @Test
    void aScanThatDoesNotFinishInTimeFailsWithEight() {
        String repository = "gate/timeout";
        Map<String, String> env = gated(repository, ScanResult.basic().neverEnding(), "HIGH");
        env.put("SCAN_TIMEOUT_SECONDS", "3");
        Instant start = Instant.now();
        Launcher.PipeRun run = launcher().run(env, Map.of(), clone("timeout"));

        assertEquals(8, run.exitCode(), run.output());
        String image = builtImage(run);
        String digest = bed.manifestDigest(repository, candidate(image)).orElseThrow();
        assertEquals("✖ The scan of " + bed.repositoryUri(repository) + "@" + digest + " did not finish within 3 s"
                + " (SCAN_TIMEOUT_SECONDS; it was still IN_PROGRESS); no tag of TAGS was added.", run.failureLine());
        assertTrue(run.output().contains("Hint: the image stays as " + bed.repositoryUri(repository) + ":"
                + candidate(image) + " for inspection; raise SCAN_TIMEOUT_SECONDS"), run.output());
        assertEquals(Map.of("1.0", Optional.empty(), "latest", Optional.empty()), releaseTags(repository));
        assertTrue(Duration.between(start, Instant.now()).compareTo(Duration.ofSeconds(120)) < 0,
                "the wait is bounded");
    }

    @Test
    void aScanThatCannotReadTheImageFailsWithEightAndAHint() {
        String repository = "gate/unsupported";
        Map<String, String> env = gated(repository, ScanResult.unsupportedImage(), "HIGH");
        Launcher.PipeRun run = launcher().run(env, Map.of(), clone("unsupported"));

        assertEquals(8, run.exitCode(), run.output());
        assertTrue(run.failureLine().endsWith(" ended UNSUPPORTED_IMAGE (UnsupportedImageError: The operating system"
                + " and/or package manager are not supported.), with no findings to decide on; no tag of TAGS was"
                + " added."), run.output());
        assertTrue(run.output().contains("turn on enhanced scanning (Amazon Inspector) for the registry, or remove"
                + " SCAN_FAIL_ON for this image"), run.output());
        assertEquals(Map.of("1.0", Optional.empty(), "latest", Optional.empty()), releaseTags(repository));
    }

    @Test
    void aFailedScanFailsWithEight() {
        String repository = "gate/failed";
        Map<String, String> env = gated(repository, ScanResult.failed("The scan failed: internal error."), "HIGH");
        Launcher.PipeRun run = launcher().run(env, Map.of(), clone("failed"));

        assertEquals(8, run.exitCode(), run.output());
        assertTrue(run.failureLine().contains(" ended FAILED (The scan failed: internal error.)"), run.output());
        assertEquals(Map.of("1.0", Optional.empty(), "latest", Optional.empty()), releaseTags(repository));
    }

    @Test
    void aPromotionIsGatedBeforeAnyTagAndARerunReadsTheSameScan() {
        String repository = "gate/promote";
        bed.standIn().createRepository(repository);
        Map<String, String> push = bed.pipeEnv(bed.repositoryUri(repository));
        push.put("TAGS", "build-7");
        push.put("CACHE", "false");
        assertEquals(0, launcher().run(push, Map.of(), clone("promote")).exitCode());
        String tested = bed.manifestDigest(repository, "build-7").orElseThrow();
        bed.standIn().scanResult(repository, ScanResult.basic(CRITICAL));

        Map<String, String> env = bed.pipeEnv(bed.repositoryUri(repository));
        env.put("SOURCE_TAG", "build-7");
        env.put("TAGS", "1.0 latest");
        env.put("SCAN_FAIL_ON", "CRITICAL");
        Launcher.PipeRun run = launcher().run(env, Map.of(), work);
        assertEquals(7, run.exitCode(), run.output());
        assertTrue(run.failureLine().contains(" in " + bed.repositoryUri(repository) + "@" + tested + ": "),
                run.output());
        assertEquals(Map.of("1.0", Optional.empty(), "latest", Optional.empty()), releaseTags(repository));
        assertEquals(Optional.of(tested), bed.manifestDigest(repository, "build-7"), "the source keeps its tag");

        env.put("SCAN_IGNORE", "CVE-2024-24790");
        Launcher.PipeRun again = launcher().run(env, Map.of(), work);
        assertEquals(0, again.exitCode(), again.output());
        assertTrue(again.output().contains("INFO: Scan gate: ECR scanned " + bed.repositoryUri(repository) + "@"
                + tested + " in the last 24 hours, or is scanning it; reading that scan."), again.output());
        assertEquals(Map.of("1.0", Optional.of(tested), "latest", Optional.of(tested)), releaseTags(repository));
        assertEquals(1, bed.standIn().scanCount(repository), "one scan a day");
    }
}
