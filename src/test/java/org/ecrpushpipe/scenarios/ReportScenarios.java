package org.ecrpushpipe.scenarios;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.ecrpushpipe.standin.CodeInsightsStandIn;
import org.ecrpushpipe.standin.ScanResult;
import org.ecrpushpipe.testbed.EcrBed;
import org.ecrpushpipe.testbed.EcrBedExtension;
import org.ecrpushpipe.testbed.SecretScanner;
import org.ecrpushpipe.testbed.TestImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The Code Insights report on the commit, end to end, one set for every way the pipe runs: a run in a pipeline
 * (BITBUCKET_REPO_FULL_NAME and BITBUCKET_COMMIT set) builds and pushes on the bed, then reports to the stand-in of
 * the pipeline's proxy and the reports API, which checks each request against the documented shapes. Each subclass
 * names its launcher and where its pipe finds the proxy.
 */
@ExtendWith(EcrBedExtension.class)
public abstract class ReportScenarios {
    /** The repository and the commit of the scenarios' pipeline. */
    protected static final String REPOSITORY = "acme/app";
    protected static final String COMMIT = "5eed0123456789abcdef0123456789abcdef0123";

    @TempDir
    Path work;

    protected final EcrBed bed;

    protected ReportScenarios(EcrBed bed) {
        this.bed = bed;
    }

    /** How this class runs the pipe. */
    protected abstract Launcher launcher();

    /** A stand-in of the pipeline's proxy where this class's pipe can reach it, knowing the scenarios' commit. */
    protected CodeInsightsStandIn startProxy() {
        return CodeInsightsStandIn.start().commit(REPOSITORY, COMMIT);
    }

    /** Points the run at the proxy (REPORT_PROXY), unless the pipe finds it where Bitbucket puts it. */
    protected void pointAt(CodeInsightsStandIn proxy, Map<String, String> env) {
        env.put("REPORT_PROXY", proxy.proxyUrl());
    }

    /**
     * What REPORT_PROXY names for a run that reaches no proxy: an address nothing listens on; empty when, without
     * REPORT_PROXY, the pipe finds nothing where Bitbucket puts the proxy.
     */
    protected Optional<String> noProxy() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return Optional.of("http://127.0.0.1:" + socket.getLocalPort());
        }
    }

    private Launcher.PipeRun run(Map<String, String> env, Path clone) {
        return new SecretScanningLauncher(launcher(), bed, false).run(env, Map.of(), clone);
    }

    /** A run of a step in a pipeline, pushing {@code repository}. */
    private Map<String, String> inPipeline(String repository, String tags) {
        Map<String, String> env = bed.pipeEnv(bed.repositoryUri(repository));
        env.put("TAGS", tags);
        env.put("BITBUCKET_REPO_FULL_NAME", REPOSITORY);
        env.put("BITBUCKET_COMMIT", COMMIT);
        env.put("BITBUCKET_BRANCH", "main");
        return env;
    }

    private Path clone(String name) {
        return TestImages.busybox(work.resolve(name)).uniqueFile().line("RUN echo built > /built.txt").write();
    }

    /** No secret of the run in anything the proxy received. */
    private void assertNoSecretIn(CodeInsightsStandIn proxy) {
        SecretScanner scanner = new SecretScanner().secret("the bed's AWS secret", bed.secretKey())
                .secret("BITBUCKET_STEP_OIDC_TOKEN", SecretScanningLauncher.OIDC_TOKEN)
                .registryPasswords(bed.standIn().issuedRegistryPasswords());
        for (CodeInsightsStandIn.Request request : proxy.requests()) {
            scanner.assertNoneIn("a request to the proxy", request.body());
            assertNull(request.header("Authorization"), "the proxy authenticates the step; the pipe sends no credential");
        }
    }

    private static List<String> data(JsonNode report) {
        List<String> fields = new ArrayList<>();
        report.path("data").forEach(f -> fields.add(f.path("title").asText() + " " + f.path("type").asText() + " "
                + f.path("value")));
        return fields;
    }

    private static String field(JsonNode report, String title) {
        for (JsonNode f : report.path("data")) {
            if (f.path("title").asText().equals(title)) {
                return f.path("type").asText() + " " + (f.path("value").isTextual() ? f.path("value").asText()
                        : f.path("value").toString());
            }
        }
        return "(no field " + title + ")";
    }

    private static long count(Launcher.PipeRun run, String prefix) {
        return run.lines().stream().filter(l -> l.startsWith(prefix)).count();
    }

    @Test
    void aSuccessfulRunLeavesAPassedReportOnItsCommit() {
        bed.standIn().createRepository("report/ok");
        try (CodeInsightsStandIn proxy = startProxy()) {
            Map<String, String> env = inPipeline("report/ok", "1.0 latest");
            pointAt(proxy, env);
            Launcher.PipeRun run = run(env, clone("ok"));

            assertEquals(0, run.exitCode(), run.output());
            String digest = bed.manifestDigest("report/ok", "1.0").orElseThrow();
            List<String> lines = run.lines();
            assertEquals("INFO: Code Insights report 'Image report/ok:1.0' sent to commit 5eed01234567.",
                    lines.get(lines.size() - 1), "the report's line ends the run: " + run.output());
            assertEquals(0, count(run, "WARNING:"), run.output());

            CodeInsightsStandIn.Request put = proxy.requests().get(0);
            assertEquals("PUT", put.method());
            assertTrue(put.target().matches("http://api\\.bitbucket\\.org/2\\.0/repositories/acme/app/commit/"
                    + COMMIT + "/reports/ecr-push-pipe-[0-9a-f]{16}"), put.target());
            JsonNode report = proxy.onlyReport(REPOSITORY, COMMIT).report();
            assertEquals("PASSED", report.path("result").asText());
            assertEquals("Image report/ok:1.0", report.path("title").asText());
            assertEquals("TEXT " + bed.registryHost() + "/report/ok", field(report, "Image"), data(report).toString());
            assertEquals("TEXT " + digest, field(report, "Digest"), "the digest the registry holds");
            assertEquals("TEXT 1.0, latest", field(report, "Tags"));
            assertTrue(field(report, "Image size").matches("TEXT [0-9.]+ (B|kB|MB)"), data(report).toString());
            assertTrue(field(report, "Build time").matches("DURATION \\d+"), data(report).toString());
            assertTrue(field(report, "Push time").matches("DURATION \\d+"), data(report).toString());
            assertTrue(field(report, "Build steps from cache").matches("TEXT \\d+ of [1-9]\\d*"),
                    data(report).toString());
            assertEquals("Pushed " + bed.registryHost() + "/report/ok (" + digest + ") as 1.0, latest; every tag"
                    + " verified in the registry.", report.path("details").asText());
            assertNoSecretIn(proxy);
        }
    }

    @Test
    void theScanGatesFindingsAreTheReportsAnnotationsTheAcceptedOnesSaidSo() {
        bed.standIn().createRepository("report/scanned");
        bed.standIn().scanResult("report/scanned", ScanResult.basic(
                new ScanResult.Finding("CVE-2024-24790", "HIGH", "glibc", "2.36-9+deb12u4", null),
                new ScanResult.Finding("CVE-2011-3374", "LOW", "apt", "2.6.1", null)));
        try (CodeInsightsStandIn proxy = startProxy()) {
            Map<String, String> env = inPipeline("report/scanned", "1.0");
            env.put("SCAN_FAIL_ON", "HIGH");
            env.put("SCAN_IGNORE", "CVE-2024-24790");
            env.put("CACHE", "false");
            pointAt(proxy, env);
            Launcher.PipeRun run = run(env, clone("scanned"));

            assertEquals(0, run.exitCode(), run.output());
            CodeInsightsStandIn.Held held = proxy.onlyReport(REPOSITORY, COMMIT);
            assertEquals("PASSED", held.report().path("result").asText());
            List<String> annotations = held.annotations().values().stream().map(a -> a.path("annotation_type")
                    .asText() + " " + a.path("severity").asText() + " " + a.path("summary").asText() + " | "
                    + a.path("details").asText("-") + " | " + a.path("link").asText("-")).sorted().toList();
            assertEquals(List.of(
                    "VULNERABILITY HIGH CVE-2024-24790 in glibc 2.36-9+deb12u4 | Accepted by SCAN_IGNORE: it does not"
                            + " stop the release. | https://nvd.nist.gov/vuln/detail/CVE-2024-24790",
                    "VULNERABILITY LOW CVE-2011-3374 in apt 2.6.1 | - | https://nvd.nist.gov/vuln/detail/CVE-2011-3374"),
                    annotations, "every finding of ECR's scan, as the run listed them");
            assertNoSecretIn(proxy);
        }
    }

    @Test
    void aFailedRunLeavesAFailedReportAndTheLogStillEndsWithItsFailure() {
        try (CodeInsightsStandIn proxy = startProxy()) {
            Map<String, String> env = inPipeline("report/never-created", "1.0");
            pointAt(proxy, env);
            Launcher.PipeRun run = run(env, clone("missing"));

            assertEquals(6, run.exitCode(), run.output());
            List<String> lines = run.lines();
            String failure = run.failureLine();
            assertTrue(failure.startsWith("✖ The repository 'report/never-created' does not exist"), run.output());
            assertTrue(lines.get(lines.size() - 1).startsWith("  Hint: "), "the hint ends the log: " + run.output());
            int reported = lines.indexOf("INFO: Code Insights report 'Image report/never-created:1.0' sent to commit"
                    + " 5eed01234567.");
            assertTrue(reported >= 0 && reported < lines.indexOf(failure), "the report's line before the ✖ line: "
                    + run.output());

            JsonNode report = proxy.onlyReport(REPOSITORY, COMMIT).report();
            assertEquals("FAILED", report.path("result").asText());
            assertEquals(failure + "\nHint: " + lines.get(lines.size() - 1).substring("  Hint: ".length()),
                    report.path("details").asText(), "the ✖ line and the hint, as the log shows them");
            assertEquals("NUMBER 6", field(report, "Exit code"));
            assertNoSecretIn(proxy);
        }
    }

    @Test
    void aProxyThatRefusesIsOneWarningAndTheRunSucceeds() {
        bed.standIn().createRepository("report/refused");
        try (CodeInsightsStandIn proxy = startProxy()) {
            proxy.failNext(1, 500, "{\"type\": \"error\", \"error\": {\"message\": \"Something went wrong\"}}");
            Map<String, String> env = inPipeline("report/refused", "1.0");
            pointAt(proxy, env);
            Launcher.PipeRun run = run(env, clone("refused"));

            assertEquals(0, run.exitCode(), run.output());
            assertTrue(bed.manifestDigest("report/refused", "1.0").isPresent());
            assertEquals(List.of("WARNING: The Code Insights report on commit 5eed01234567 was not sent: Bitbucket"
                    + " answered HTTP 500: Something went wrong. The run's outcome does not depend on it."),
                    run.lines().stream().filter(l -> l.startsWith("WARNING:")).toList(), run.output());
            assertEquals(1, proxy.requests().size(), "no second try: the report is not worth a slower run");
        }
    }

    @Test
    void aProxyThatNeverAnswersCostsSecondsNotTheRun() {
        bed.standIn().createRepository("report/hung");
        try (CodeInsightsStandIn proxy = startProxy()) {
            proxy.hang();
            Map<String, String> env = inPipeline("report/hung", "1.0");
            pointAt(proxy, env);
            long start = System.nanoTime();
            Launcher.PipeRun run = run(env, clone("hung"));
            Duration took = Duration.ofNanos(System.nanoTime() - start);

            assertEquals(0, run.exitCode(), run.output());
            List<String> warnings = run.lines().stream().filter(l -> l.startsWith("WARNING:")).toList();
            assertEquals(1, warnings.size(), run.output());
            assertTrue(warnings.get(0).matches("WARNING: The Code Insights report on commit 5eed01234567 was not"
                    + " sent: the pipeline's proxy http://\\S+:\\d+ gave no answer within 5 s\\. The run's outcome"
                    + " does not depend on it\\."), run.output());
            assertTrue(took.compareTo(Duration.ofMinutes(2)) < 0, "the run ended: " + took);
        }
    }

    @Test
    void reportFalseSendsNothing() {
        bed.standIn().createRepository("report/off");
        try (CodeInsightsStandIn proxy = startProxy()) {
            Map<String, String> env = inPipeline("report/off", "1.0");
            pointAt(proxy, env);
            env.put("REPORT", "false");
            Launcher.PipeRun run = run(env, clone("off"));

            assertEquals(0, run.exitCode(), run.output());
            assertEquals(List.of(), proxy.requests());
            assertFalse(run.output().contains("Code Insights"), run.output());
        }
    }

    @Test
    void noProxyToReachIsOneWarningBeforeTheValidationErrors() throws Exception {
        Map<String, String> env = inPipeline("report/bad-input", "1.0");
        noProxy().ifPresent(address -> env.put("REPORT_PROXY", address));
        env.put("RETRIES", "many");
        Launcher.PipeRun run = run(env, clone("bad-input"));

        assertEquals(2, run.exitCode(), run.output());
        List<String> lines = run.lines();
        List<String> warnings = lines.stream().filter(l -> l.startsWith("WARNING:")).toList();
        assertEquals(1, warnings.size(), run.output());
        assertTrue(warnings.get(0).matches("WARNING: The Code Insights report on commit 5eed01234567 was not sent:"
                + " the pipeline's proxy http://\\S+:\\d+ cannot be reached \\(connection refused\\)\\. The run's"
                + " outcome does not depend on it\\."), run.output());
        assertTrue(lines.indexOf(warnings.get(0)) < lines.indexOf("✖ Validation errors:"), run.output());
        assertTrue(lines.get(lines.size() - 1).startsWith("  Hint: "), run.output());
    }
}
