package org.ecrpushpipe.insights;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.UnaryOperator;

import org.ecrpushpipe.config.ReportSettings;
import org.ecrpushpipe.config.Tag;
import org.ecrpushpipe.publish.ImageFacts;
import org.ecrpushpipe.publish.PublishResult;
import org.ecrpushpipe.publish.PushedTag;
import org.ecrpushpipe.publish.RegionOutcome;
import org.ecrpushpipe.publish.ReportAnnotation;
import org.ecrpushpipe.publish.RunOutcome;
import org.ecrpushpipe.publish.RunReport;
import org.ecrpushpipe.registry.Digest;
import org.ecrpushpipe.registry.ImageReference;
import org.ecrpushpipe.standin.CodeInsightsStandIn;
import org.ecrpushpipe.testbed.SilentServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The report adapter against the stand-in of the pipeline's proxy and the reports API (which checks every request
 * against the documented shapes): what it sends for a successful and a failed run, its annotations in batches, and
 * what it says when the proxy refuses, cannot be reached, or never answers.
 */
class CodeInsightsReportTest {
    private static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";
    private static final String HOST = "123456789012.dkr.ecr.ap-southeast-1.amazonaws.com";
    private static final Digest DIGEST = Digest.of("sha256:" + "ab".repeat(32));
    private static final Digest IMAGE_ID = Digest.of("sha256:" + "cd".repeat(32));
    /** Short limits, so that a proxy that never answers costs this test a second, not the run's five. */
    private static final CodeInsightsReport.Limits QUICK = new CodeInsightsReport.Limits(Duration.ofSeconds(1),
            Duration.ofSeconds(1), Duration.ofSeconds(3));

    private final CodeInsightsStandIn proxy = CodeInsightsStandIn.start().commit("acme/app", COMMIT);

    /**
     * Makes the JDK's HTTP client once (its classes, the default TLS context), as a run does in the background from
     * its start: the tests of the limits construct the report just before sending it, and on a busy machine the
     * first client alone can take longer than their one-second limits.
     */
    @BeforeAll
    static void warmTheHttpClient() {
        HttpClient.newBuilder().build();
    }

    @AfterEach
    void stop() {
        proxy.close();
    }

    private static ReportSettings.Target target(String proxyUrl) {
        return new ReportSettings.Target("acme", "app", COMMIT, URI.create(proxyUrl), "ecr-push-pipe-0011223344556677",
                Optional.of(HOST + "/team/app"), List.of("1.4.0", "latest"));
    }

    private static RunReport report(String proxyUrl) {
        return report(proxyUrl, UnaryOperator.identity());
    }

    private static RunReport report(String proxyUrl, UnaryOperator<String> mask) {
        return new CodeInsightsReport(target(proxyUrl), mask, CodeInsightsReport.Limits.DEFAULT, System::nanoTime);
    }

    private static PushedTag pushed(String tag) {
        return new PushedTag(new ImageReference(HOST, "team/app", new Tag(tag)), DIGEST, false);
    }

    private static RunOutcome.Succeeded succeeded(List<ReportAnnotation> annotations) {
        PublishResult result = new PublishResult(HOST + "/team/app", IMAGE_ID, List.of(pushed("1.4.0"),
                pushed("latest")), Duration.ofMillis(31_200), Duration.ofMillis(4_000), List.of(
                new RegionOutcome("ap-southeast-1", HOST + "/team/app", Optional.of(DIGEST), List.of(),
                        RegionOutcome.Status.PUSHED, Optional.empty()),
                new RegionOutcome("eu-west-1", "x/team/app", Optional.of(DIGEST), List.of(),
                        RegionOutcome.Status.PUSHED, Optional.empty())), List.of(),
                new ImageFacts(OptionalLong.of(12_345_678), Optional.of(new ImageFacts.BuildSteps(7, 5))));
        return new RunOutcome.Succeeded(result, false, annotations);
    }

    private static List<ReportAnnotation> findings(int n) {
        List<ReportAnnotation> found = new ArrayList<>();
        ReportAnnotation.Severity[] severities = ReportAnnotation.Severity.values();
        for (int i = 0; i < n; i++) {
            found.add(new ReportAnnotation("CVE-2024-" + i + " openssl", ReportAnnotation.Kind.VULNERABILITY,
                    severities[(n - i) % severities.length], "CVE-2024-" + i + " in openssl 3.0.2, fixed in 3.0.13",
                    Optional.of("installed 3.0.2"), Optional.of(URI.create("https://nvd.nist.gov/vuln/detail/CVE-2024-"
                    + i))));
        }
        return found;
    }

    /** The data fields of a report, by title: {type, value}. */
    private static List<String> data(ObjectNode report) {
        List<String> fields = new ArrayList<>();
        report.path("data").forEach(f -> fields.add(f.path("title").asText() + " " + f.path("type").asText() + " "
                + f.path("value")));
        return fields;
    }

    @Test
    void aSuccessfulRunIsAPassedReportWithTypedFields() {
        RunReport.Delivery delivery = report(proxy.proxyUrl()).send(succeeded(List.of()));

        assertEquals(List.of("Code Insights report 'Image team/app:1.4.0' sent to commit 0123456789ab."),
                delivery.notes());
        assertEquals(List.of(), delivery.warnings());
        CodeInsightsStandIn.Request put = proxy.requests().get(0);
        assertEquals("PUT", put.method());
        assertEquals("http://api.bitbucket.org/2.0/repositories/acme/app/commit/" + COMMIT
                + "/reports/ecr-push-pipe-0011223344556677", put.target(), "absolute form, to the proxy");
        assertEquals("api.bitbucket.org", put.header("Host"));
        assertNull(put.header("Authorization"), "the proxy authenticates; the pipe holds no Bitbucket credential");
        assertEquals(1, proxy.requests().size(), "no annotations, no POST");

        ObjectNode held = proxy.onlyReport("acme/app", COMMIT).report();
        assertEquals("Image team/app:1.4.0", held.path("title").asText());
        assertEquals("PASSED", held.path("result").asText());
        assertEquals("TEST", held.path("report_type").asText());
        assertEquals("ecr-push-pipe", held.path("reporter").asText());
        assertEquals("Pushed " + HOST + "/team/app (" + DIGEST + ") as 1.4.0, latest; every tag verified in the"
                + " registry, in 2 regions.", held.path("details").asText());
        assertEquals(List.of("Image TEXT \"" + HOST + "/team/app\"", "Digest TEXT \"" + DIGEST + "\"",
                "Tags TEXT \"1.4.0, latest\"", "Image size TEXT \"12.3 MB\"", "Build time DURATION 31200",
                "Push time DURATION 4000", "Build steps from cache TEXT \"5 of 7\"",
                "Mirror regions TEXT \"eu-west-1\""), data(held));
    }

    @Test
    void aFailedRunIsAFailedReportWithTheFailureAndItsHint() {
        RunReport.Delivery delivery = report(proxy.proxyUrl()).send(new RunOutcome.Failed("The repository 'team/app'"
                + " does not exist in " + HOST + ".", "create it in ECR (region ap-southeast-1)", 6, List.of()));

        assertEquals(1, delivery.notes().size(), delivery.toString());
        ObjectNode held = proxy.onlyReport("acme/app", COMMIT).report();
        assertEquals("FAILED", held.path("result").asText());
        assertEquals("✖ The repository 'team/app' does not exist in " + HOST + ".\nHint: create it in ECR (region"
                + " ap-southeast-1)", held.path("details").asText());
        assertEquals(List.of("Exit code NUMBER 6", "Image TEXT \"" + HOST + "/team/app\""), data(held));
    }

    @Test
    void everyTextPassesTheConsolesMask() {
        String secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
        report(proxy.proxyUrl(), text -> text.replace(secret, "****")).send(new RunOutcome.Failed(
                "AWS said " + secret, "check " + secret, 3, List.of(new ReportAnnotation("x",
                        ReportAnnotation.Kind.BUG, ReportAnnotation.Severity.LOW, "found " + secret,
                        Optional.of(secret), Optional.empty()))));
        assertEquals(2, proxy.requests().size());
        for (String body : proxy.bodies()) {
            assertFalse(body.contains(secret), body);
        }
        assertTrue(proxy.bodies().get(0).contains("AWS said ****"), proxy.bodies().get(0));
    }

    @Test
    void annotationsGoAHundredToARequestTheMostSevereFirst() {
        RunReport.Delivery delivery = report(proxy.proxyUrl()).send(succeeded(findings(250)));

        assertEquals(List.of("Code Insights report 'Image team/app:1.4.0' sent to commit 0123456789ab, with 250"
                + " annotations."), delivery.notes());
        List<CodeInsightsStandIn.Request> posts = proxy.requests().stream().filter(r -> r.method().equals("POST"))
                .toList();
        assertEquals(3, posts.size());
        assertTrue(posts.get(0).target().endsWith("/reports/ecr-push-pipe-0011223344556677/annotations"));
        CodeInsightsStandIn.Held held = proxy.onlyReport("acme/app", COMMIT);
        assertEquals(250, held.annotations().size());
        assertEquals("SECURITY", held.report().path("report_type").asText());
        assertTrue(data(held.report()).contains("Findings NUMBER 250"), data(held.report()).toString());
        List<String> order = held.annotations().values().stream().map(a -> a.path("severity").asText()).toList();
        assertEquals("CRITICAL", order.get(0));
        assertEquals("LOW", order.get(order.size() - 1));
        JsonNode first = held.annotations().values().iterator().next();
        assertEquals("VULNERABILITY", first.path("annotation_type").asText());
        assertTrue(first.path("external_id").asText().startsWith("ecr-push-pipe-0011223344556677-CVE-2024-"),
                first.toString());
    }

    @Test
    void aReportKeepsAThousandAnnotationsAndSaysHowManyAreLeftOut() {
        report(proxy.proxyUrl()).send(succeeded(findings(1200)));
        CodeInsightsStandIn.Held held = proxy.onlyReport("acme/app", COMMIT);
        assertEquals(1000, held.annotations().size());
        assertTrue(held.report().path("details").asText().startsWith("200 findings are not attached (a report holds"
                + " 1000). "), held.report().toString());
        assertTrue(data(held.report()).contains("Findings NUMBER 1200"));
        assertEquals(300, held.annotations().values().stream().filter(a -> a.path("severity").asText()
                .equals("CRITICAL")).count());
        assertEquals(100, held.annotations().values().stream().filter(a -> a.path("severity").asText()
                .equals("LOW")).count(), "the least severe are left out");
    }

    @Test
    void aRefusalIsOneWarningWithBitbucketsOwnWords() {
        proxy.failNext(1, 403, "{\"type\": \"error\", \"error\": {\"message\": \"Access denied\"}}");
        RunReport.Delivery forbidden = report(proxy.proxyUrl()).send(succeeded(List.of()));
        assertEquals(List.of("The Code Insights report on commit 0123456789ab was not sent: Bitbucket answered HTTP"
                + " 403: Access denied. The run's outcome does not depend on it."), forbidden.warnings());
        assertEquals(List.of(), forbidden.notes());

        proxy.failNext(1, 500, "<html>Internal Server Error</html>");
        assertEquals(List.of("The Code Insights report on commit 0123456789ab was not sent: Bitbucket answered HTTP"
                + " 500. The run's outcome does not depend on it."), report(proxy.proxyUrl()).send(succeeded(
                List.of())).warnings());

        RunReport.Delivery unknownCommit = new CodeInsightsReport(new ReportSettings.Target("acme", "app",
                "fedcba9876543210fedcba9876543210fedcba98", URI.create(proxy.proxyUrl()), "ecr-push-pipe-1",
                Optional.empty(), List.of()), UnaryOperator.identity()).send(succeeded(List.of()));
        assertEquals(List.of("The Code Insights report on commit fedcba987654 was not sent: Bitbucket answered HTTP"
                + " 404: Commit not found. The run's outcome does not depend on it."), unknownCommit.warnings());
    }

    @Test
    void annotationsRefusedAfterTheReportSaySoInTheWarning() {
        proxy.refuseAnnotations(400, "{\"key\": \"report-service.general.bad-request\", \"message\": \"Too"
                + " many\", \"arguments\": {}}");
        RunReport.Delivery delivery = report(proxy.proxyUrl()).send(succeeded(findings(150)));
        assertEquals(List.of("The Code Insights report on commit 0123456789ab was sent, but 0 of its 150 annotations"
                + " only: Bitbucket answered HTTP 400: Too many."), delivery.warnings());
        assertEquals("PASSED", proxy.onlyReport("acme/app", COMMIT).report().path("result").asText());
    }

    @Test
    void theProxyNotListeningIsOneWarning() throws IOException {
        int closed;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = socket.getLocalPort();
        }
        RunReport.Delivery delivery = report("http://127.0.0.1:" + closed).send(succeeded(List.of()));
        assertEquals(List.of("The Code Insights report on commit 0123456789ab was not sent: the pipeline's proxy"
                + " http://127.0.0.1:" + closed + " cannot be reached (connection refused). The run's outcome does"
                + " not depend on it."), delivery.warnings());
    }

    @Test
    void aProxyThatNeverAnswersCostsTheLimitNotTheRun() throws IOException {
        try (SilentServer silent = SilentServer.start()) {
            long start = System.nanoTime();
            RunReport.Delivery delivery = new CodeInsightsReport(target(silent.httpUrl()), UnaryOperator.identity(),
                    QUICK, System::nanoTime).send(succeeded(findings(3)));
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertEquals(List.of("The Code Insights report on commit 0123456789ab was not sent: the pipeline's proxy "
                    + silent.httpUrl() + " gave no answer within 1 s. The run's outcome does not depend on it."),
                    delivery.warnings());
            assertTrue(took.compareTo(Duration.ofSeconds(3)) < 0, "bounded by the request's limit: " + took);
            assertEquals(1, silent.connectionsAccepted(), "nothing more is tried once the report itself failed");
        }
    }

    @Test
    void theReportsTimeIsBoundedAsAWhole() {
        proxy.hang();
        long start = System.nanoTime();
        RunReport.Delivery delivery = new CodeInsightsReport(target(proxy.proxyUrl()), UnaryOperator.identity(),
                new CodeInsightsReport.Limits(Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofMillis(1500)),
                System::nanoTime).send(succeeded(List.of()));
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertEquals(List.of("The Code Insights report on commit 0123456789ab was not sent: the pipeline's proxy "
                + proxy.proxyUrl() + " gave no answer within 1 s. The run's outcome does not depend on it."),
                delivery.warnings());
        assertTrue(took.compareTo(Duration.ofMillis(2500)) < 0, "the report's whole limit, not the request's: " + took);
    }

    @Test
    void aProxyNameThatDoesNotResolveIsOneWarning() {
        RunReport.Delivery delivery = report("http://no-such-proxy.invalid:29418").send(succeeded(List.of()));
        assertEquals(List.of("The Code Insights report on commit 0123456789ab was not sent: the pipeline's proxy"
                + " http://no-such-proxy.invalid:29418 cannot be reached: the name no-such-proxy.invalid does not"
                + " resolve here. The run's outcome does not depend on it."), delivery.warnings());
    }

    @Test
    void sizesReadAsDockerWritesThem() {
        assertEquals("999 B", ReportDocument.size(999));
        assertEquals("1.00 kB", ReportDocument.size(1000));
        assertEquals("12.3 MB", ReportDocument.size(12_345_678));
        assertEquals("123 MB", ReportDocument.size(123_456_789));
        assertEquals("1.50 GB", ReportDocument.size(1_500_000_000L));
    }
}
