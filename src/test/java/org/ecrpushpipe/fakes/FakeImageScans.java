package org.ecrpushpipe.fakes;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.ecrpushpipe.config.Tag;
import org.ecrpushpipe.errors.PipeException;
import org.ecrpushpipe.registry.Digest;
import org.ecrpushpipe.registry.ImageScans;
import org.ecrpushpipe.registry.ScanReport;
import org.ecrpushpipe.registry.ScanStart;

/**
 * ECR's image scanning in memory, for the use case's tests: a test queues what successive looks at the scan answer
 * (the last answer repeats), says how a request to start one is answered, and reads what was asked of it.
 */
public class FakeImageScans implements ImageScans {
    /** What successive {@link #scan} calls answer; the last one answers every later call too. */
    public final Deque<Optional<ScanReport>> answers = new ArrayDeque<>();
    /** How StartImageScan is answered. */
    public ScanStart start = ScanStart.STARTED;
    /** When set, removing a tag fails with it. */
    public PipeException removeFailure;
    /** What was asked, in order: {@code start <digest>}, {@code scan <digest>}, {@code remove <tag>}. */
    public final List<String> calls = new ArrayList<>();

    /** A scan in progress. */
    public static Optional<ScanReport> running() {
        return Optional.of(new ScanReport("IN_PROGRESS", Optional.empty(), Map.of(), List.of()));
    }

    /** A finished basic scan with these findings, counted per severity as ECR counts them. */
    public static Optional<ScanReport> complete(ScanReport.Finding... findings) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (ScanReport.Finding f : findings) {
            counts.merge(f.severity(), 1, Integer::sum);
        }
        return Optional.of(new ScanReport("COMPLETE", Optional.of("The scan was completed successfully."), counts,
                List.of(findings)));
    }

    /** A finding of a package, without a fixed version (as basic scanning gives them). */
    public static ScanReport.Finding finding(String id, String severity, String packageName, String version) {
        return new ScanReport.Finding(id, severity, Optional.of(packageName), Optional.of(version), Optional.empty());
    }

    /** Queues answers to the next looks at the scan. */
    public FakeImageScans answering(List<Optional<ScanReport>> reports) {
        answers.addAll(reports);
        return this;
    }

    @Override
    public ScanStart startScan(String repository, Digest manifestDigest) {
        calls.add("start " + manifestDigest);
        return start;
    }

    @Override
    public Optional<ScanReport> scan(String repository, Digest manifestDigest) {
        calls.add("scan " + manifestDigest);
        if (answers.isEmpty()) {
            throw new AssertionError("the test queued no answer for the scan of " + manifestDigest);
        }
        return answers.size() > 1 ? answers.poll() : answers.peek();
    }

    @Override
    public void removeTag(String repository, Tag tag) {
        calls.add("remove " + tag);
        if (removeFailure != null) {
            throw removeFailure;
        }
    }
}
