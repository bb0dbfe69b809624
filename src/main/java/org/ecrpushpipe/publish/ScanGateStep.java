package org.ecrpushpipe.publish;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

import org.ecrpushpipe.config.ScanSettings;
import org.ecrpushpipe.config.Severity;
import org.ecrpushpipe.config.Tag;
import org.ecrpushpipe.errors.Failures;
import org.ecrpushpipe.errors.PipeException;
import org.ecrpushpipe.registry.Digest;
import org.ecrpushpipe.registry.ImageReference;
import org.ecrpushpipe.registry.ImageScans;
import org.ecrpushpipe.registry.Registry;
import org.ecrpushpipe.registry.Repository;
import org.ecrpushpipe.registry.ScanReport;
import org.ecrpushpipe.registry.ScanStart;
import org.ecrpushpipe.registry.TaggedImage;

/**
 * The scan gate (SCAN_FAIL_ON): the image waits in the repository, under a candidate tag of its own or under the
 * tag it was promoted from, until ECR's scan of it is done; only an image whose findings are all below the threshold
 * (or accepted by SCAN_IGNORE) gets TAGS. The decisions live here: when to start a scan (the repository does not
 * scan on push, or its scan on push never came), how long to wait and how often to ask, which findings stop the
 * release, what the run shows of them.
 *
 * <p>A candidate tag is needed because the Docker engine pushes only under a name and tag, and ECR deletes an image
 * with its last tag: the image is pushed as {@code scan-candidate-<12 digits of its id>}, a name of its own that a
 * re-run of the same image finds again (an immutable candidate tag that already holds the image needs no push). It
 * is removed once the release tags name the image, and left for inspection when the gate stops the release.
 */
final class ScanGateStep {
    static final String CANDIDATE_PREFIX = "scan-candidate-";
    /** The first wait between two looks at the scan; each later one is half as long again, up to {@link #MAX_WAIT}. */
    static final Duration FIRST_WAIT = Duration.ofSeconds(2);
    static final Duration MAX_WAIT = Duration.ofSeconds(10);
    /**
     * How long a repository that scans on push may take to show its scan before the pipe asks for one itself
     * (never more than half of SCAN_TIMEOUT_SECONDS): ECR registers a scan on push moments after the push.
     */
    static final Duration ON_PUSH_GRACE = Duration.ofSeconds(15);
    /** How many of the worst findings the run lists. */
    static final int WORST_SHOWN = 10;

    private final ImageScans scans;
    private final ScanSettings settings;
    private final RunContext context;

    ScanGateStep(ImageScans scans, ScanSettings settings, RunContext context) {
        this.scans = scans;
        this.settings = settings;
        this.context = context;
    }

    /** The candidate tag of an image: {@code scan-candidate-} and the first 12 hex digits of its id. */
    static Tag candidateTag(Digest imageId) {
        String hex = imageId.value().substring(imageId.value().indexOf(':') + 1);
        return new Tag(CANDIDATE_PREFIX + hex.substring(0, Math.min(12, hex.length())));
    }

    /**
     * The run's events for the candidate's push: the candidate is not a release tag, so its push is said as such
     * and not reported as a pushed tag.
     */
    RunContext candidateContext() {
        PublishEvents candidate = new PublishEvents.Forwarding(context.events()) {
            @Override
            public void pushed(PushedTag tag) {
                info("Scan gate: " + tag.reference() + " (" + tag.digest() + ") is "
                        + (tag.alreadyThere() ? "already" : "now") + " in the registry; no tag of TAGS names it yet.");
            }
        };
        return new RunContext(candidate, context.retryPolicy(), context.sleeper(), context.nanoTime(),
                context.background(), context.cancellation());
    }

    /**
     * Before anything is pushed or scanned: an immutable tag of {@code tags} that names another image fails the run
     * now rather than after the scan, which can take minutes.
     *
     * @param same   whether what a tag names is this image (by image id for a build, by digest for a promotion)
     * @param known  what each tag named when the run began, when the registry was asked already
     * @return the immutable tags that name another image, each with the digest it names
     */
    static List<String> heldByOthers(Registry registry, Repository repository, List<Tag> tags,
                                     Optional<Map<Tag, TaggedImage>> known, Predicate<TaggedImage> same) {
        List<String> held = new ArrayList<>();
        for (Tag tag : tags) {
            if (!repository.isImmutable(tag)) {
                continue;
            }
            Optional<TaggedImage> existing = known.map(k -> Optional.ofNullable(k.get(tag)))
                    .orElseGet(() -> registry.image(repository.name(), tag));
            existing.filter(same.negate()).ifPresent(t -> held.add(tag + " (" + t.manifestDigest() + ")"));
        }
        return held;
    }

    /**
     * Waits for ECR's scan of the image and decides: returns when nothing at or above SCAN_FAIL_ON is left once
     * SCAN_IGNORE's ids are accepted; else throws, and no tag is added.
     *
     * @param candidate the candidate tag that names a built image while it waits; empty for a promoted image
     * @throws PipeException.ScanGate       when a finding stops the release
     * @throws PipeException.ScanIncomplete when the scan failed, cannot be made, or did not finish in time
     */
    void check(Repository repository, Digest digest, Optional<ImageReference> candidate) {
        String image = repository.uri() + "@" + digest;
        Optional<String> kept = candidate.map(ImageReference::toString);
        ScanReport report = new Wait(repository, digest, image, kept).result();
        if (!report.done()) {
            throw Failures.scanFailed(image, report.status(), report.description().orElse(""), kept);
        }
        List<ScanReport.Finding> blocking = decide(report, image);
        if (!blocking.isEmpty()) {
            throw Failures.scanGateStopped(image, settings.failOn().name(),
                    blocking.stream().map(f -> f.id() + " (" + f.severity() + f.packageName().map(p -> " in " + p)
                            .orElse("") + ")").toList(), kept);
        }
    }

    /** Removes the candidate tag once the release tags name the image; a failure to do so is only a warning. */
    void removeCandidate(ImageReference candidate) {
        try {
            scans.removeTag(candidate.repository(), candidate.tag());
            context.events().info("Scan gate: removed the candidate tag " + candidate + ".");
        } catch (PipeException.Cancelled stopped) {
            throw stopped;
        } catch (PipeException failure) {
            context.events().warning("Scan gate: could not remove the candidate tag " + candidate + " ("
                    + failure.getMessage() + "); the release tags are in place. Remove it by hand, or let a"
                    + " lifecycle policy expire " + CANDIDATE_PREFIX + "* tags.");
        }
    }

    /** Shows the scan's counts, its worst findings and the accepted ones; returns the findings that stop it. */
    private List<ScanReport.Finding> decide(ScanReport report, String image) {
        PublishEvents events = context.events();
        events.info("Scan gate: ECR's scan of " + image + " found " + counts(report) + ".");
        List<ScanReport.Finding> worst = new ArrayList<>(report.findings());
        worst.sort(Comparator.comparing((ScanReport.Finding f) -> Severity.of(f.severity())
                .map(Severity::ordinal).orElse(-1)).reversed().thenComparing(ScanReport.Finding::id));
        worst.stream().limit(WORST_SHOWN).forEach(f -> events.info("  " + line(f)));
        worst.forEach(f -> events.annotation(annotation(f, settings.accepts(f.id()))));
        if (worst.size() > WORST_SHOWN) {
            events.info("  … and " + (worst.size() - WORST_SHOWN) + " more.");
        }
        List<ScanReport.Finding> blocking = new ArrayList<>();
        for (ScanReport.Finding f : worst) {
            if (settings.accepts(f.id())) {
                events.info("Scan gate: accepted (SCAN_IGNORE): " + line(f) + ".");
            } else if (Severity.of(f.severity()).filter(s -> s.atLeast(settings.failOn())).isPresent()) {
                blocking.add(f);
            }
        }
        settings.ignored().stream().filter(id -> worst.stream().noneMatch(f -> f.id().equalsIgnoreCase(id)))
                .forEach(id -> events.info("Scan gate: SCAN_IGNORE lists " + id + ", which this scan did not find."));
        if (blocking.isEmpty()) {
            events.info("Scan gate passed: nothing at or above " + settings.failOn() + " that SCAN_IGNORE does not"
                    + " accept.");
        }
        return blocking;
    }

    /** The counts per severity, the worst first, with ECR's other severity names (UNDEFINED, UNTRIAGED) after. */
    private static String counts(ScanReport report) {
        List<String> parts = new ArrayList<>();
        for (Severity s : Severity.WORST_FIRST) {
            parts.add(s + " " + report.counts().getOrDefault(s.name(), 0));
        }
        report.counts().forEach((name, n) -> {
            if (Severity.of(name).isEmpty()) {
                parts.add(name + " " + n);
            }
        });
        return String.join(", ", parts);
    }

    /**
     * A finding as an annotation of the run's report on the commit: every finding, the accepted ones said so; ECR's
     * INFORMATIONAL, UNDEFINED and UNTRIAGED are Bitbucket's LOW.
     */
    static ReportAnnotation annotation(ScanReport.Finding f, boolean accepted) {
        ReportAnnotation.Severity severity = switch (f.severity().toUpperCase(Locale.ROOT)) {
            case "CRITICAL" -> ReportAnnotation.Severity.CRITICAL;
            case "HIGH" -> ReportAnnotation.Severity.HIGH;
            case "MEDIUM" -> ReportAnnotation.Severity.MEDIUM;
            default -> ReportAnnotation.Severity.LOW;
        };
        String summary = f.id() + f.packageName().map(p -> " in " + p + f.installedVersion().map(v -> " " + v)
                .orElse("")).orElse("") + f.fixedVersion().map(v -> ", fixed in " + v).orElse("");
        Optional<URI> link = f.id().matches("CVE-\\d{4}-\\d{4,}")
                ? Optional.of(URI.create("https://nvd.nist.gov/vuln/detail/" + f.id())) : Optional.empty();
        return new ReportAnnotation(f.id() + f.packageName().map(p -> " " + p).orElse(""),
                ReportAnnotation.Kind.VULNERABILITY, severity, summary,
                accepted ? Optional.of("Accepted by SCAN_IGNORE: it does not stop the release.") : Optional.empty(),
                link);
    }

    /** One finding: severity, id, package, installed version, and the version that fixes it when ECR names one. */
    private static String line(ScanReport.Finding f) {
        return f.severity() + " " + f.id() + " " + f.packageName().orElse("(no package named)")
                + f.installedVersion().map(v -> " " + v).orElse("")
                + f.fixedVersion().map(v -> " (fixed in " + v + ")").orElse(" (no fixed version named)");
    }

    /** One wait for a scan: started when needed, asked with growing pauses, bounded by SCAN_TIMEOUT_SECONDS. */
    private final class Wait {
        private final Repository repository;
        private final Digest digest;
        private final String image;
        private final Optional<String> candidate;
        private final long start = context.nanoTime().getAsLong();
        /** ECR's answer to StartImageScan; empty until the pipe asked for a scan. */
        private Optional<ScanStart> started = Optional.empty();

        Wait(Repository repository, Digest digest, String image, Optional<String> candidate) {
            this.repository = repository;
            this.digest = digest;
            this.image = image;
            this.candidate = candidate;
        }

        /** The scan once it is no longer running: done, or ended without findings. */
        ScanReport result() {
            if (repository.scanOnPush()) {
                context.events().info("Scan gate: " + repository.name() + " scans on push; waiting for ECR's scan of "
                        + image + " (at most " + settings.timeout().toSeconds() + " s).");
            } else {
                start();
            }
            Duration pause = FIRST_WAIT;
            Optional<String> last = Optional.empty();
            while (true) {
                context.stopIfCancelled("waiting for the scan of " + image);
                Optional<ScanReport> report = scans.scan(repository.name(), digest);
                if (report.isPresent() && !report.get().running()) {
                    return report.get();
                }
                last = report.map(ScanReport::status);
                context.events().debug("Scan gate: " + image + " is " + last.orElse("not scanned yet") + " after "
                        + elapsed().toSeconds() + " s.");
                if (report.isEmpty() && started.isEmpty() && elapsed().compareTo(grace()) >= 0) {
                    start(); // the scan on push never came (a registry rule may leave this repository out)
                }
                Duration left = settings.timeout().minus(elapsed());
                if (left.isNegative() || left.isZero()) {
                    throw Failures.scanTimedOut(image, settings.timeout().toSeconds(), last,
                            started.filter(s -> s.outcome() == ScanStart.Outcome.REFUSED).map(ScanStart::detail),
                            candidate);
                }
                pauseFor(pause.compareTo(left) < 0 ? pause : left);
                pause = Duration.ofMillis(Math.min(pause.toMillis() * 3 / 2, MAX_WAIT.toMillis()));
            }
        }

        private void start() {
            ScanStart answer = scans.startScan(repository.name(), digest);
            started = Optional.of(answer);
            switch (answer.outcome()) {
                case STARTED -> context.events().info("Scan gate: started ECR's scan of " + image + " (at most "
                        + settings.timeout().toSeconds() + " s).");
                case ALREADY_SCANNED -> context.events().info("Scan gate: ECR scanned " + image + " in the last 24"
                        + " hours, or is scanning it; reading that scan.");
                case UNSUPPORTED -> throw Failures.scanFailed(image, "UNSUPPORTED_IMAGE", answer.detail(), candidate);
                case REFUSED -> context.events().warning("Scan gate: ECR started no scan of " + image + " ("
                        + answer.detail() + "); waiting for the scan the registry's scanning rules make.");
            }
        }

        private Duration grace() {
            Duration half = settings.timeout().dividedBy(2);
            return half.compareTo(ON_PUSH_GRACE) < 0 ? half : ON_PUSH_GRACE;
        }

        private Duration elapsed() {
            return context.since(start);
        }

        private void pauseFor(Duration pause) {
            try {
                context.sleeper().sleep(pause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw Failures.interrupted("waiting for the scan of " + image, e);
            }
        }
    }
}
