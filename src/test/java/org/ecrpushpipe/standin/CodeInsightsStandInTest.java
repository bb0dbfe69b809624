package org.ecrpushpipe.standin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The stand-in of the pipeline's proxy and the reports API holds clients to the documented shapes: every rule a
 * report or an annotation can break is refused, in Bitbucket's words where Bitbucket's are known.
 */
class CodeInsightsStandInTest {
    private static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";
    private static final String REPORT = "http://api.bitbucket.org/2.0/repositories/acme/app/commit/" + COMMIT
            + "/reports/tool-1";
    private static final String GOOD = "{\"title\": \"t\", \"details\": \"d\", \"report_type\": \"TEST\","
            + " \"reporter\": \"r\", \"result\": \"PASSED\", \"data\": [{\"title\": \"Took\", \"type\": \"DURATION\","
            + " \"value\": 14}, {\"title\": \"Safe?\", \"type\": \"BOOLEAN\", \"value\": false}, {\"title\": \"Site\","
            + " \"type\": \"LINK\", \"value\": {\"text\": \"here\", \"href\": \"https://example.com/r\"}},"
            + " {\"title\": \"Cover\", \"type\": \"PERCENTAGE\", \"value\": 82.5}, {\"title\": \"When\", \"type\":"
            + " \"DATE\", \"value\": 1700000000000}, {\"title\": \"Plain\", \"value\": 3}]}";

    private final CodeInsightsStandIn proxy = CodeInsightsStandIn.start().commit("acme/app", COMMIT);
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .proxy(ProxySelector.of(new InetSocketAddress("127.0.0.1", URI.create(proxy.proxyUrl()).getPort())))
            .build();

    @AfterEach
    void stop() {
        proxy.close();
    }

    private HttpResponse<String> send(String method, String url, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private void refused(int status, String message, String method, String url, String body) throws Exception {
        HttpResponse<String> answer = send(method, url, body);
        assertEquals(status, answer.statusCode(), body + " -> " + answer.body());
        assertTrue(answer.body().contains(message), message + " in " + answer.body());
    }

    @Test
    void aReportOfTheDocumentedShapeIsTakenAndReplacedByTheNextPut() throws Exception {
        HttpResponse<String> answer = send("PUT", REPORT, GOOD);
        assertEquals(200, answer.statusCode(), answer.body());
        assertTrue(answer.body().contains("\"uuid\":\"{"), answer.body());
        assertEquals(200, send("PUT", REPORT, GOOD.replace("\"t\"", "\"second\"")).statusCode());
        assertEquals("second", proxy.onlyReport("acme/app", COMMIT).report().path("title").asText());
    }

    @Test
    void everyBrokenRuleOfAReportIsRefused() throws Exception {
        String bad = "report-service.general.bad-request";
        refused(400, "Unrecognized field 'colour'", "PUT", REPORT, GOOD.replace("{\"title\": \"t\"",
                "{\"colour\": \"red\", \"title\": \"t\""));
        refused(400, "The title field is required", "PUT", REPORT, GOOD.replace("\"title\": \"t\", ", ""));
        refused(400, "report_type must be one of", "PUT", REPORT, GOOD.replace("\"TEST\"", "\"BUILD\""));
        refused(400, "result must be one of", "PUT", REPORT, GOOD.replace("\"PASSED\"", "\"OK\""));
        refused(400, "The details field cannot contain more than 2000 characters.", "PUT", REPORT,
                GOOD.replace("\"d\"", "\"" + "d".repeat(2001) + "\""));
        refused(400, bad, "PUT", REPORT, GOOD.replace("\"value\": 14", "\"value\": \"14 s\""));
        refused(400, "does not hold a BOOLEAN value", "PUT", REPORT, GOOD.replace("\"value\": false",
                "\"value\": \"no\""));
        refused(400, "does not hold a PERCENTAGE value", "PUT", REPORT, GOOD.replace("82.5", "182.5"));
        refused(400, "does not hold a LINK value", "PUT", REPORT, GOOD.replace("\"href\": \"https://example.com/r\"",
                "\"url\": \"https://example.com/r\""));
        refused(400, "does not hold a DATE value", "PUT", REPORT, GOOD.replace("1700000000000", "\"yesterday\""));
        refused(400, "A data field's type must be one of", "PUT", REPORT, GOOD.replace("\"DURATION\"", "\"TIME\""));
        List<String> eleven = new ArrayList<>();
        for (int i = 0; i < 11; i++) {
            eleven.add("{\"title\": \"f" + i + "\", \"type\": \"NUMBER\", \"value\": " + i + "}");
        }
        refused(400, "A report cannot contain more than 10 data fields.", "PUT", REPORT,
                "{\"title\": \"t\", \"details\": \"d\", \"report_type\": \"TEST\", \"data\": [" + String.join(", ",
                        eleven) + "]}");
        refused(400, "not valid JSON", "PUT", REPORT, "{title: t}");
        assertEquals(0, proxy.reports().size(), "nothing refused is held");
    }

    @Test
    void theApiKnowsOnlyItsCommitsAndRoutes() throws Exception {
        refused(404, "Commit not found", "PUT", REPORT.replace(COMMIT, "fedcba9876543210fedcba9876543210fedcba98"),
                GOOD);
        refused(404, "Resource not found", "PUT", "http://api.bitbucket.org/2.0/repositories/acme/app/reports/x",
                GOOD);
        refused(405, "Method not allowed", "POST", REPORT, GOOD);
        refused(404, "Report not found", "POST", REPORT + "/annotations", "[{\"external_id\": \"a\","
                + " \"annotation_type\": \"BUG\", \"summary\": \"s\"}]");
    }

    @Test
    void annotationsComeAHundredAtATimeAThousandAtMost() throws Exception {
        assertEquals(200, send("PUT", REPORT, GOOD).statusCode());
        String annotations = REPORT + "/annotations";
        refused(400, "You cannot create more than 100 annotations per request.", "POST", annotations,
                batch(0, 101));
        for (int from = 0; from < 1000; from += 100) {
            HttpResponse<String> answer = send("POST", annotations, batch(from, 100));
            assertEquals(200, answer.statusCode(), answer.body());
        }
        assertEquals(1000, proxy.onlyReport("acme/app", COMMIT).annotations().size());
        refused(400, "A report cannot contain more than 1000 annotations.", "POST", annotations, batch(1000, 1));
        assertEquals(200, send("POST", annotations, batch(0, 1)).statusCode(), "an annotation is updated by its id");

        refused(400, "annotation_type must be one of", "POST", annotations, "[{\"external_id\": \"a\","
                + " \"annotation_type\": \"ISSUE\", \"summary\": \"s\"}]");
        refused(400, "The summary field cannot contain more than 450 characters.", "POST", annotations,
                "[{\"external_id\": \"a\", \"annotation_type\": \"BUG\", \"summary\": \"" + "s".repeat(451) + "\"}]");
        refused(400, "severity must be one of", "POST", annotations, "[{\"external_id\": \"a\", \"annotation_type\":"
                + " \"BUG\", \"summary\": \"s\", \"severity\": \"INFORMATIONAL\"}]");
        refused(400, "The external_id field is required", "POST", annotations, "[{\"annotation_type\": \"BUG\","
                + " \"summary\": \"s\"}]");
        refused(400, "is given twice", "POST", annotations, "[{\"external_id\": \"a\", \"annotation_type\": \"BUG\","
                + " \"summary\": \"s\"}, {\"external_id\": \"a\", \"annotation_type\": \"BUG\", \"summary\": \"t\"}]");
        refused(400, "Unrecognized field 'file'", "POST", annotations, "[{\"external_id\": \"a\","
                + " \"annotation_type\": \"BUG\", \"summary\": \"s\", \"file\": \"x\"}]");
    }

    private static String batch(int from, int count) {
        List<String> items = new ArrayList<>();
        for (int i = from; i < from + count; i++) {
            items.add("{\"external_id\": \"tool-" + i + "\", \"annotation_type\": \"VULNERABILITY\", \"summary\":"
                    + " \"finding " + i + "\", \"severity\": \"HIGH\", \"link\": \"https://example.com/" + i + "\"}");
        }
        return "[" + String.join(", ", items) + "]";
    }

    @Test
    void asAProxyItForwardsOnlyBitbucketsApiAskedForInAbsoluteForm() throws Exception {
        // a client that took the proxy for the API itself sends the path alone
        String originForm = raw("PUT /2.0/repositories/acme/app/commit/" + COMMIT + "/reports/tool-1 HTTP/1.1\r\n"
                + "Host: api.bitbucket.org\r\nContent-Type: application/json\r\nContent-Length: " + GOOD.length()
                + "\r\nConnection: close\r\n\r\n" + GOOD);
        assertTrue(originForm.startsWith("HTTP/1.1 400"), originForm);
        assertTrue(originForm.contains("forwards requests for http://api.bitbucket.org/ only"), originForm);
        refused(400, "forwards requests for http://api.bitbucket.org/ only", "PUT",
                REPORT.replace("api.bitbucket.org", "example.com"), GOOD);
        assertEquals(0, proxy.reports().size());
    }

    @Test
    void itCanRefuseEverythingOrNeverAnswer() throws Exception {
        proxy.failNext(1, 503, "{\"type\": \"error\", \"error\": {\"message\": \"Try again later\"}}");
        refused(503, "Try again later", "PUT", REPORT, GOOD);
        assertEquals(200, send("PUT", REPORT, GOOD).statusCode(), "only the next request");
        proxy.hang();
        try (Socket socket = new Socket("127.0.0.1", URI.create(proxy.proxyUrl()).getPort())) {
            socket.setSoTimeout(1500);
            socket.getOutputStream().write(("PUT " + REPORT + " HTTP/1.1\r\nHost: api.bitbucket.org\r\nContent-Length:"
                    + " 0\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            assertEquals("timed out", assertReadTimesOut(socket.getInputStream()));
        }
    }

    private static String assertReadTimesOut(InputStream in) throws IOException {
        try {
            int read = in.read();
            return "read " + read;
        } catch (java.net.SocketTimeoutException e) {
            return "timed out";
        }
    }

    private String raw(String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", URI.create(proxy.proxyUrl()).getPort())) {
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.UTF_8));
            out.flush();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
