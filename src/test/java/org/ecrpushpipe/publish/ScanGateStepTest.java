package org.ecrpushpipe.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.ecrpushpipe.config.ScanSettings;
import org.ecrpushpipe.config.Severity;
import org.ecrpushpipe.config.Tag;
import org.ecrpushpipe.docker.Cancellation;
import org.ecrpushpipe.errors.ExitCode;
import org.ecrpushpipe.errors.PipeException;
import org.ecrpushpipe.fakes.FakeImageScans;
import org.ecrpushpipe.fakes.InMemoryRegistry;
import org.ecrpushpipe.fakes.RecordingEvents;
import org.ecrpushpipe.registry.Digest;
import org.ecrpushpipe.registry.ImageReference;
import org.ecrpushpipe.registry.Repository;
import org.ecrpushpipe.registry.ScanReport;
import org.ecrpushpipe.registry.ScanStart;
import org.ecrpushpipe.registry.TaggedImage;
import org.junit.jupiter.api.Test;

/** The scan gate's decisions, with a fake of ECR's scanning and a clock that the waits move. */
class ScanGateStepTest {
    private static final String HOST = "123456789012.dkr.ecr.ap-southeast-1.amazonaws.com";
    private static final Digest DIGEST = Digest.of("sha256:" + "d".repeat(64));
    private static final Digest IMAGE_ID = Digest.of("sha256:0123456789abcdef" + "0".repeat(48));
    private static final String IMAGE = HOST + "/app@" + DIGEST;
    private static final ImageReference CANDIDATE = new ImageReference(HOST, "app", new Tag("scan-candidate-0123456789ab"));

    private final FakeImageScans scans = new FakeImageScans();
    private final RecordingEvents events = new RecordingEvents();
    private final List<Duration> sleeps = new ArrayList<>();
    private final long[] clock = {0};
    private final Cancellation run = new Cancellation();

    private ScanGateStep gate(Severity failOn, Duration timeout, String... ignored) {
        RunContext context = new RunContext(events, new RetryPolicy(0, Duration.ofSeconds(1), () -> 0.0), d -> {
            sleeps.add(d);
            clock[0] += d.toNanos();
        }, () -> clock[0], Runnable::run, run);
        return new ScanGateStep(scans, new ScanSettings(failOn, Set.of(ignored), timeout), context);
    }

    private static Repository repository(boolean scanOnPush) {
        return new Repository("app", HOST + "/app", "MUTABLE", List.of(), scanOnPush, "AES256", Optional.empty());
    }

    private static ScanReport.Finding finding(String id, String severity, String pkg) {
        return FakeImageScans.finding(id, severity, pkg, "1.0-1");
    }

    @Test
    void theCandidateTagIsTheImagesOwn() {
        assertEquals(new Tag("scan-candidate-0123456789ab"), ScanGateStep.candidateTag(IMAGE_ID));
    }

    @Test
    void aCleanScanLetsTheImageThroughAfterWaitingWithGrowingPauses() {
        scans.answering(List.of(FakeImageScans.running(), FakeImageScans.running(), FakeImageScans.complete(
                finding("CVE-2024-0001", "MEDIUM", "zlib"), finding("CVE-2024-0002", "UNDEFINED", "tar"))));
        gate(Severity.HIGH, Duration.ofSeconds(300)).check(repository(false), DIGEST, Optional.of(CANDIDATE));
        assertEquals(List.of("start " + DIGEST, "scan " + DIGEST, "scan " + DIGEST, "scan " + DIGEST), scans.calls);
        assertEquals(List.of(Duration.ofSeconds(2), Duration.ofSeconds(3)), sleeps);
        List<String> info = events.of("info");
        assertTrue(info.contains("Scan gate: started ECR's scan of " + IMAGE + " (at most 300 s)."), info.toString());
        assertTrue(info.contains("Scan gate: ECR's scan of " + IMAGE + " found CRITICAL 0, HIGH 0, MEDIUM 1, LOW 0,"
                + " INFORMATIONAL 0, UNDEFINED 1."), info.toString());
        assertTrue(info.contains("  MEDIUM CVE-2024-0001 zlib 1.0-1 (no fixed version named)"), info.toString());
        assertTrue(info.indexOf("  MEDIUM CVE-2024-0001 zlib 1.0-1 (no fixed version named)")
                < info.indexOf("  UNDEFINED CVE-2024-0002 tar 1.0-1 (no fixed version named)"), "worst first");
        assertEquals("Scan gate passed: nothing at or above HIGH that SCAN_IGNORE does not accept.",
                info.get(info.size() - 1));
    }

    @Test
    void aFindingAtTheThresholdStopsTheReleaseAndAcceptedOnesAreSaid() {
        scans.answering(List.of(FakeImageScans.complete(finding("CVE-2024-0003", "HIGH", "openssl"),
                finding("CVE-2024-0001", "CRITICAL", "glibc"), finding("CVE-2024-0002", "HIGH", "curl"),
                finding("CVE-2024-0004", "LOW", "bash"))));
        PipeException e = assertThrows(PipeException.ScanGate.class, () -> gate(Severity.HIGH,
                Duration.ofSeconds(300), "CVE-2024-0002", "cve-2099-9999").check(repository(false), DIGEST,
                Optional.of(CANDIDATE)));
        assertEquals(ExitCode.SCAN_GATE, e.exitCode());
        assertEquals(7, e.exitCode().code());
        assertEquals("The scan gate stopped the release: 2 findings at or above HIGH in " + IMAGE + ": CVE-2024-0001"
                + " (CRITICAL in glibc), CVE-2024-0003 (HIGH in openssl); no tag of TAGS was added.", e.getMessage());
        assertTrue(e.hint().startsWith("the image stays as " + CANDIDATE + " for inspection; "), e.hint());
        List<String> info = events.of("info");
        assertTrue(info.contains("Scan gate: accepted (SCAN_IGNORE): HIGH CVE-2024-0002 curl 1.0-1 (no fixed"
                + " version named)."), info.toString());
        assertTrue(info.contains("Scan gate: SCAN_IGNORE lists CVE-2099-9999, which this scan did not find."),
                info.toString());
        assertTrue(info.stream().noneMatch(l -> l.startsWith("Scan gate passed")), info.toString());
    }

    @Test
    void enhancedFindingsNameTheirFixedVersionAndOnlyTheWorstAreListed() {
        List<ScanReport.Finding> many = new ArrayList<>();
        for (int i = 10; i < 25; i++) {
            many.add(new ScanReport.Finding("CVE-2024-00" + i, "LOW", Optional.of("pkg" + i), Optional.of("1"),
                    Optional.of("2")));
        }
        many.add(new ScanReport.Finding("GHSA-jfh8-c2jp-5v3q", "CRITICAL", Optional.of("log4j-core"),
                Optional.of("2.14.1"), Optional.of("2.15.0")));
        scans.answering(List.of(Optional.of(new ScanReport("ACTIVE", Optional.empty(), Map.of("CRITICAL", 1,
                "LOW", 15), many))));
        PipeException e = assertThrows(PipeException.ScanGate.class, () -> gate(Severity.CRITICAL,
                Duration.ofSeconds(300)).check(repository(false), DIGEST, Optional.empty()));
        assertTrue(e.getMessage().contains(": GHSA-jfh8-c2jp-5v3q (CRITICAL in log4j-core); no tag"), e.getMessage());
        assertTrue(e.hint().startsWith("update the packages"), "a promoted image has no candidate: " + e.hint());
        List<String> info = events.of("info");
        assertEquals("  CRITICAL GHSA-jfh8-c2jp-5v3q log4j-core 2.14.1 (fixed in 2.15.0)",
                info.get(info.indexOf("Scan gate: ECR's scan of " + IMAGE + " found CRITICAL 1, HIGH 0, MEDIUM 0,"
                        + " LOW 15, INFORMATIONAL 0.") + 1));
        assertEquals(ScanGateStep.WORST_SHOWN, info.stream().filter(l -> l.startsWith("  ") && !l.startsWith("  …"))
                .count());
        assertTrue(info.contains("  … and 6 more."), info.toString());
    }

    @Test
    void aRepositoryThatScansOnPushIsWaitedForWithoutStartingAScan() {
        scans.answering(List.of(Optional.empty(), FakeImageScans.running(), FakeImageScans.complete()));
        gate(Severity.LOW, Duration.ofSeconds(300)).check(repository(true), DIGEST, Optional.of(CANDIDATE));
        assertTrue(scans.calls.stream().noneMatch(c -> c.startsWith("start")), scans.calls.toString());
        assertTrue(events.of("info").contains("Scan gate: app scans on push; waiting for ECR's scan of " + IMAGE
                + " (at most 300 s)."), events.lines().toString());
    }

    @Test
    void aScanOnPushThatNeverComesIsStartedAfterTheGrace() {
        scans.answering(Collections.nCopies(8, Optional.<ScanReport>empty()));
        scans.answers.add(FakeImageScans.complete());
        gate(Severity.LOW, Duration.ofSeconds(300)).check(repository(true), DIGEST, Optional.of(CANDIDATE));
        assertEquals(1, scans.calls.stream().filter(c -> c.startsWith("start")).count(), scans.calls.toString());
        // 2 + 3 + 4.5 + 6.75 s of waits pass the 15 s of grace: the fifth look finds no scan and starts one
        assertEquals("start " + DIGEST, scans.calls.get(5));
    }

    @Test
    void aScanThatTakesTooLongFailsTheRunAtTheTimeout() {
        scans.answering(List.of(FakeImageScans.running()));
        PipeException e = assertThrows(PipeException.ScanIncomplete.class, () -> gate(Severity.HIGH,
                Duration.ofSeconds(10)).check(repository(false), DIGEST, Optional.of(CANDIDATE)));
        assertEquals(ExitCode.SCAN_INCOMPLETE, e.exitCode());
        assertEquals(8, e.exitCode().code());
        assertEquals("The scan of " + IMAGE + " did not finish within 10 s (SCAN_TIMEOUT_SECONDS; it was still"
                + " IN_PROGRESS); no tag of TAGS was added.", e.getMessage());
        assertTrue(e.hint().contains("raise SCAN_TIMEOUT_SECONDS"), e.hint());
        assertEquals(List.of(Duration.ofSeconds(2), Duration.ofSeconds(3), Duration.ofMillis(4500),
                Duration.ofMillis(500)), sleeps, "never beyond the timeout");
    }

    @Test
    void aFailedOrUnsupportedScanIsItsOwnFailure() {
        scans.answering(List.of(Optional.of(new ScanReport("FAILED", Optional.of("Scan failed"), Map.of(),
                List.of()))));
        PipeException failed = assertThrows(PipeException.ScanIncomplete.class, () -> gate(Severity.HIGH,
                Duration.ofSeconds(60)).check(repository(false), DIGEST, Optional.of(CANDIDATE)));
        assertEquals("ECR's scan of " + IMAGE + " ended FAILED (Scan failed), with no findings to decide on; no tag"
                + " of TAGS was added.", failed.getMessage());

        scans.answers.clear();
        scans.answering(List.of(Optional.of(new ScanReport("UNSUPPORTED_IMAGE", Optional.of("UnsupportedImageError:"
                + " The operating system and/or package manager are not supported."), Map.of(), List.of()))));
        PipeException unsupported = assertThrows(PipeException.ScanIncomplete.class, () -> gate(Severity.HIGH,
                Duration.ofSeconds(60)).check(repository(false), DIGEST, Optional.of(CANDIDATE)));
        assertTrue(unsupported.hint().contains("enhanced scanning (Amazon Inspector)"), unsupported.hint());

        scans.calls.clear();
        scans.start = new ScanStart(ScanStart.Outcome.UNSUPPORTED, "The image is of a type that cannot be scanned.");
        PipeException index = assertThrows(PipeException.ScanIncomplete.class, () -> gate(Severity.HIGH,
                Duration.ofSeconds(60)).check(repository(false), DIGEST, Optional.of(CANDIDATE)));
        assertTrue(index.getMessage().contains("ended UNSUPPORTED_IMAGE (The image is of a type that cannot be"
                + " scanned.)"), index.getMessage());
        assertEquals(List.of("start " + DIGEST), scans.calls, "nothing to wait for");
    }

    @Test
    void aScanAlreadyMadeTodayIsRead() {
        scans.start = new ScanStart(ScanStart.Outcome.ALREADY_SCANNED, "The scan quota per image has been exceeded.");
        scans.answering(List.of(FakeImageScans.complete()));
        gate(Severity.HIGH, Duration.ofSeconds(60)).check(repository(false), DIGEST, Optional.of(CANDIDATE));
        assertTrue(events.of("info").contains("Scan gate: ECR scanned " + IMAGE + " in the last 24 hours, or is"
                + " scanning it; reading that scan."), events.lines().toString());
        assertEquals(List.of(), sleeps);
    }

    @Test
    void aRefusedStartAndNoScanEndsAtTheTimeoutWithEcrsWords() {
        scans.start = new ScanStart(ScanStart.Outcome.REFUSED, "This feature is disabled");
        scans.answering(List.of(Optional.empty()));
        PipeException e = assertThrows(PipeException.ScanIncomplete.class, () -> gate(Severity.HIGH,
                Duration.ofSeconds(5)).check(repository(false), DIGEST, Optional.of(CANDIDATE)));
        assertTrue(e.getMessage().contains("(SCAN_TIMEOUT_SECONDS; ECR reported no scan of it; StartImageScan said:"
                + " This feature is disabled)"), e.getMessage());
        assertTrue(e.hint().contains("scanning configuration"), e.hint());
        assertEquals(1, events.of("warning").size(), events.lines().toString());
    }

    @Test
    void aCancelledRunStopsWaiting() {
        scans.answering(List.of(FakeImageScans.running()));
        ScanGateStep gate = gate(Severity.HIGH, Duration.ofSeconds(300));
        run.cancel();
        PipeException e = assertThrows(PipeException.Cancelled.class, () -> gate.check(repository(false), DIGEST,
                Optional.of(CANDIDATE)));
        assertEquals("Cancelled while waiting for the scan of " + IMAGE + ".", e.getMessage());
    }

    @Test
    void theCandidateIsRemovedOrAWarningSaysWhyNot() {
        ScanGateStep gate = gate(Severity.HIGH, Duration.ofSeconds(60));
        gate.removeCandidate(CANDIDATE);
        assertEquals(List.of("remove " + CANDIDATE.tag()), scans.calls);
        scans.removeFailure = new PipeException.Authentication("Missing permission ecr:BatchDeleteImage on x", "",
                null);
        gate.removeCandidate(CANDIDATE);
        assertEquals(List.of("Scan gate: could not remove the candidate tag " + CANDIDATE + " (Missing permission"
                + " ecr:BatchDeleteImage on x); the release tags are in place. Remove it by hand, or let a lifecycle"
                + " policy expire scan-candidate-* tags."), events.of("warning"));
    }

    @Test
    void immutableTagsNamingAnotherImageAreFoundBeforeAnythingIsPushed() {
        InMemoryRegistry registry = new InMemoryRegistry(HOST);
        Digest other = Digest.of("sha256:" + "e".repeat(64));
        registry.holding(other, Digest.of("sha256:" + "f".repeat(64)), "1.0");
        registry.holding(DIGEST, IMAGE_ID, "0.9");
        Repository immutable = new Repository("app", HOST + "/app", "IMMUTABLE_WITH_EXCLUSION", List.of("latest"));
        List<Tag> tags = List.of(new Tag("1.0"), new Tag("0.9"), new Tag("latest"), new Tag("2.0"));
        assertEquals(List.of("1.0 (" + other + ")"), ScanGateStep.heldByOthers(registry, immutable, tags,
                Optional.empty(), t -> t.imageId().equals(Optional.of(IMAGE_ID))));
        assertEquals(List.of(), ScanGateStep.heldByOthers(registry, immutable, tags,
                Optional.of(Map.of(new Tag("0.9"), new TaggedImage(DIGEST, Optional.of(IMAGE_ID)))),
                t -> t.imageId().equals(Optional.of(IMAGE_ID))), "what the run asked already is not asked again");
    }
}
