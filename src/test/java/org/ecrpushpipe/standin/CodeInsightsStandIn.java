package org.ecrpushpipe.standin;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A stand-in for a Bitbucket pipeline's authenticating proxy ({@code localhost:29418} in a step,
 * {@code host.docker.internal:29418} from a pipe's container) and the Code Insights reports API behind it, as
 * Atlassian documents them:
 * <ul>
 * <li>the proxy: a forward HTTP proxy, asked for {@code http://api.bitbucket.org/2.0/…} in absolute form (as
 * {@code curl --proxy} and any HTTP client configured with a proxy ask); anything else — a request for the proxy's
 * own path, another host, {@code https} — is refused with 400, as this proxy forwards only Bitbucket's API;</li>
 * <li>{@code PUT /2.0/repositories/{workspace}/{repo_slug}/commit/{commit}/reports/{reportId}}: title, details,
 * report_type (SECURITY, COVERAGE, TEST, BUG), reporter, result (PASSED, FAILED, PENDING), link, logo_url,
 * remote_link_enabled, external_id, and at most 10 data fields, each a title, a type (BOOLEAN, DATE, DURATION, LINK,
 * NUMBER, PERCENTAGE, TEXT) and a value of that type; details of at most 2000 characters (Bitbucket's own
 * refusal, words included);</li>
 * <li>{@code POST …/reports/{reportId}/annotations}: an array of 1 to 100 annotations, each with a unique
 * external_id, an annotation_type (VULNERABILITY, CODE_SMELL, BUG), a summary of at most 450 characters, and
 * optionally severity (CRITICAL, HIGH, MEDIUM, LOW), result, details, path, line, link; at most 1000 per report.</li>
 * </ul>
 * Checked strictly: an unknown field, a wrong type or value is a 400 in the reports service's shape
 * ({@code {"key": "report-service.general.bad-request", "message": …, "arguments": {}}}); an unknown repository or
 * commit is a 404 in the API's shape. A test can make it answer an error, or never answer, and reads what it holds.
 */
public final class CodeInsightsStandIn implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern REPORT = Pattern.compile(
            "/2\\.0/repositories/([^/]+)/([^/]+)/commit/([^/]+)/reports/([^/]+)(/annotations)?");
    private static final Set<String> REPORT_FIELDS = Set.of("title", "details", "external_id", "reporter", "link",
            "remote_link_enabled", "logo_url", "report_type", "result", "data");
    private static final Set<String> REPORT_TYPES = Set.of("SECURITY", "COVERAGE", "TEST", "BUG");
    private static final Set<String> RESULTS = Set.of("PASSED", "FAILED", "PENDING");
    private static final Set<String> DATA_TYPES = Set.of("BOOLEAN", "DATE", "DURATION", "LINK", "NUMBER",
            "PERCENTAGE", "TEXT");
    private static final Set<String> ANNOTATION_FIELDS = Set.of("external_id", "title", "annotation_type", "summary",
            "details", "result", "severity", "path", "line", "link");
    private static final Set<String> ANNOTATION_TYPES = Set.of("VULNERABILITY", "CODE_SMELL", "BUG");
    private static final Set<String> SEVERITIES = Set.of("CRITICAL", "HIGH", "MEDIUM", "LOW");
    private static final Set<String> ANNOTATION_RESULTS = Set.of("PASSED", "FAILED", "SKIPPED", "IGNORED");

    /** One request as the proxy received it. */
    public record Request(String method, String target, Map<String, List<String>> headers, String body) {
        /** The first value of a header, or null. */
        public String header(String name) {
            for (Map.Entry<String, List<String>> h : headers.entrySet()) {
                if (h.getKey().equalsIgnoreCase(name) && !h.getValue().isEmpty()) {
                    return h.getValue().get(0);
                }
            }
            return null;
        }
    }

    /** A report as the API holds it: the last body put, and its annotations by external_id, in arrival order. */
    public record Held(ObjectNode report, Map<String, ObjectNode> annotations) {
    }

    /** An answer the next requests get instead of the API's. */
    private record Fault(int status, String body) {
    }

    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "code-insights-stand-in");
        t.setDaemon(true);
        return t;
    });
    private final Set<String> commits = ConcurrentHashMap.newKeySet();
    private final Map<String, Held> reports = new ConcurrentHashMap<>();
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final List<Fault> faults = new CopyOnWriteArrayList<>();
    private final AtomicBoolean hanging = new AtomicBoolean();
    private volatile Fault annotationsRefusal;
    private final CountDownLatch closed = new CountDownLatch(1);

    private CodeInsightsStandIn(HttpServer server) {
        this.server = server;
    }

    /** A proxy on a free port of 127.0.0.1. */
    public static CodeInsightsStandIn start() {
        return start(InetAddress.getLoopbackAddress(), 0);
    }

    /** A proxy on {@code address:port} (port 0: any free one). */
    public static CodeInsightsStandIn start(InetAddress address, int port) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(address, port), 16);
            CodeInsightsStandIn standIn = new CodeInsightsStandIn(server);
            server.createContext("/", standIn::handle);
            server.setExecutor(standIn.threads);
            server.start();
            return standIn;
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the Code Insights stand-in on " + address + ":" + port, e);
        }
    }

    /** {@code http://host:port}: what REPORT_PROXY names. */
    public String proxyUrl() {
        InetSocketAddress address = server.getAddress();
        return "http://" + address.getAddress().getHostAddress() + ":" + address.getPort();
    }

    /** Lets the API know a commit of a repository ({@code workspace/slug}); reports on others are 404. */
    public CodeInsightsStandIn commit(String repositoryFullName, String commit) {
        commits.add(repositoryFullName + "@" + commit);
        return this;
    }

    /** The next {@code times} requests are answered {@code status} with {@code body} (JSON, or any text). */
    public void failNext(int times, int status, String body) {
        for (int i = 0; i < times; i++) {
            faults.add(new Fault(status, body));
        }
    }

    /** From now on, every annotations request is answered {@code status} with {@code body}. */
    public void refuseAnnotations(int status, String body) {
        annotationsRefusal = new Fault(status, body);
    }

    /** From now on, requests are read and never answered (until {@link #close()}). */
    public void hang() {
        hanging.set(true);
    }

    /** Every request received, in order. */
    public List<Request> requests() {
        return List.copyOf(requests);
    }

    /** The reports held, by {@code workspace/slug@commit/reportId}. */
    public Map<String, Held> reports() {
        return Map.copyOf(reports);
    }

    /** The one report held on a commit; fails when there is none or more than one. */
    public Held onlyReport(String repositoryFullName, String commit) {
        List<Held> on = reports.entrySet().stream()
                .filter(e -> e.getKey().startsWith(repositoryFullName + "@" + commit + "/"))
                .map(Map.Entry::getValue).toList();
        if (on.size() != 1) {
            throw new AssertionError(on.size() + " reports on " + repositoryFullName + "@" + commit + ": "
                    + reports.keySet() + "; requests: " + requests);
        }
        return on.get(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String body;
            try (InputStream in = exchange.getRequestBody()) {
                body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            Map<String, List<String>> headers = new LinkedHashMap<>();
            exchange.getRequestHeaders().forEach((k, v) -> headers.put(k, List.copyOf(v)));
            requests.add(new Request(exchange.getRequestMethod(), exchange.getRequestURI().toString(), headers, body));
            if (hanging.get()) {
                try {
                    closed.await(10, TimeUnit.MINUTES);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return;
            }
            Fault refusal = exchange.getRequestMethod().equals("POST") ? annotationsRefusal : null;
            if (!faults.isEmpty() || refusal != null) {
                Fault fault = refusal != null ? refusal : faults.remove(0);
                send(exchange, fault.status(), fault.body());
                return;
            }
            Answer answer = answer(exchange.getRequestMethod(), exchange.getRequestURI(),
                    exchange.getRequestHeaders().getFirst("Host"), exchange.getRequestHeaders().getFirst("Content-Type"),
                    body);
            send(exchange, answer.status(), answer.body());
        }
    }

    private record Answer(int status, String body) {
    }

    private Answer answer(String method, URI target, String host, String contentType, String body) {
        // the proxy: only Bitbucket's API, asked for in absolute form over plain http
        if (!target.isAbsolute() || !"http".equals(target.getScheme())
                || !"api.bitbucket.org".equals(target.getHost()) || target.getPort() != -1) {
            return new Answer(400, "This proxy forwards requests for http://api.bitbucket.org/ only, in absolute"
                    + " form; got " + method + " " + target);
        }
        if (!"api.bitbucket.org".equals(host)) {
            return new Answer(400, "The Host header is " + host + ", not api.bitbucket.org");
        }
        Matcher route = REPORT.matcher(target.getRawPath());
        if (!route.matches() || target.getRawQuery() != null) {
            return apiError(404, "Resource not found");
        }
        String repository = decode(route.group(1)) + "/" + decode(route.group(2));
        String commit = decode(route.group(3));
        if (!commits.contains(repository + "@" + commit)) {
            return apiError(404, "Commit not found");
        }
        String key = repository + "@" + commit + "/" + decode(route.group(4));
        boolean annotations = route.group(5) != null;
        if (!method.equals(annotations ? "POST" : "PUT")) {
            return apiError(405, "Method not allowed");
        }
        if (contentType == null || !contentType.toLowerCase().startsWith("application/json")) {
            return badRequest("The request's Content-Type must be application/json, not " + contentType);
        }
        JsonNode json;
        try {
            json = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            return badRequest("The request body is not valid JSON");
        }
        if (json == null) {
            return badRequest("The request body is empty");
        }
        return annotations ? annotations(key, json) : report(key, json);
    }

    private Answer report(String key, JsonNode json) {
        if (!json.isObject()) {
            return badRequest("A report is a JSON object");
        }
        String problem = reportProblem((ObjectNode) json);
        if (problem != null) {
            return badRequest(problem);
        }
        ObjectNode report = (ObjectNode) json;
        reports.compute(key, (k, held) -> new Held(report.deepCopy(),
                held == null ? Collections.synchronizedMap(new LinkedHashMap<>()) : held.annotations()));
        ObjectNode answer = report.deepCopy();
        answer.put("type", "report");
        answer.put("uuid", "{" + UUID.nameUUIDFromBytes(key.getBytes(StandardCharsets.UTF_8)) + "}");
        return new Answer(200, answer.toString());
    }

    private static String reportProblem(ObjectNode report) {
        for (Iterator<String> names = report.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!REPORT_FIELDS.contains(name)) {
                return "Unrecognized field '" + name + "'";
            }
        }
        for (String required : List.of("title", "details", "report_type")) {
            if (!report.path(required).isTextual() || report.path(required).asText().isBlank()) {
                return "The " + required + " field is required";
            }
        }
        if (report.path("details").asText().length() > 2000) {
            return "The details field cannot contain more than 2000 characters.";
        }
        if (!REPORT_TYPES.contains(report.path("report_type").asText())) {
            return "report_type must be one of " + REPORT_TYPES;
        }
        if (report.has("result") && !RESULTS.contains(report.path("result").asText())) {
            return "result must be one of " + RESULTS;
        }
        for (String text : List.of("reporter", "external_id", "link", "logo_url")) {
            if (report.has(text) && !report.get(text).isTextual()) {
                return "The " + text + " field must be a string";
            }
        }
        if (report.has("remote_link_enabled") && !report.get("remote_link_enabled").isBoolean()) {
            return "The remote_link_enabled field must be a boolean";
        }
        if (report.has("data")) {
            JsonNode data = report.get("data");
            if (!data.isArray()) {
                return "The data field must be an array";
            }
            if (data.size() > 10) {
                return "A report cannot contain more than 10 data fields.";
            }
            for (JsonNode field : data) {
                String problem = dataProblem(field);
                if (problem != null) {
                    return problem;
                }
            }
        }
        return null;
    }

    private static String dataProblem(JsonNode field) {
        if (!field.isObject()) {
            return "A data field is a JSON object";
        }
        for (Iterator<String> names = field.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!Set.of("title", "type", "value").contains(name)) {
                return "Unrecognized field '" + name + "' in a data field";
            }
        }
        if (!field.path("title").isTextual() || field.path("title").asText().isBlank()) {
            return "A data field needs a title";
        }
        JsonNode value = field.get("value");
        if (value == null || value.isNull()) {
            return "The data field '" + field.path("title").asText() + "' has no value";
        }
        if (!field.has("type")) {
            return value.isContainerNode() ? "A data field without a type holds a number, string or boolean" : null;
        }
        String type = field.path("type").asText();
        if (!DATA_TYPES.contains(type)) {
            return "A data field's type must be one of " + DATA_TYPES;
        }
        boolean ok = switch (type) {
            case "BOOLEAN" -> value.isBoolean();
            case "DATE" -> value.isIntegralNumber();
            case "DURATION" -> value.isNumber() && value.asDouble() >= 0;
            case "LINK" -> value.isObject() && value.path("text").isTextual() && value.path("href").isTextual()
                    && value.size() == 2 && isUri(value.path("href").asText());
            case "NUMBER" -> value.isNumber();
            case "PERCENTAGE" -> value.isNumber() && value.asDouble() >= 0 && value.asDouble() <= 100;
            default -> value.isTextual(); // TEXT
        };
        return ok ? null : "The data field '" + field.path("title").asText() + "' does not hold a " + type + " value";
    }

    private static boolean isUri(String text) {
        try {
            return new URI(text).isAbsolute();
        } catch (URISyntaxException e) {
            return false;
        }
    }

    private Answer annotations(String key, JsonNode json) {
        Held held = reports.get(key);
        if (held == null) {
            return apiError(404, "Report not found");
        }
        if (!json.isArray() || json.isEmpty()) {
            return badRequest("Annotations are a JSON array of at least one annotation");
        }
        if (json.size() > 100) {
            return badRequest("You cannot create more than 100 annotations per request.");
        }
        Map<String, ObjectNode> incoming = new LinkedHashMap<>();
        for (JsonNode annotation : json) {
            String problem = annotationProblem(annotation);
            if (problem != null) {
                return badRequest(problem);
            }
            String id = annotation.get("external_id").asText();
            if (incoming.put(id, (ObjectNode) annotation.deepCopy()) != null) {
                return badRequest("The external_id " + id + " is given twice");
            }
        }
        synchronized (held) {
            long total = held.annotations().size() + incoming.keySet().stream()
                    .filter(id -> !held.annotations().containsKey(id)).count();
            if (total > 1000) {
                return badRequest("A report cannot contain more than 1000 annotations.");
            }
            held.annotations().putAll(incoming);
        }
        ArrayNode answer = JSON.createArrayNode();
        incoming.values().forEach(a -> answer.add(a.deepCopy().put("type", "report_annotation")));
        return new Answer(200, answer.toString());
    }

    private static String annotationProblem(JsonNode annotation) {
        if (!annotation.isObject()) {
            return "An annotation is a JSON object";
        }
        for (Iterator<String> names = annotation.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!ANNOTATION_FIELDS.contains(name)) {
                return "Unrecognized field '" + name + "' in an annotation";
            }
        }
        if (!annotation.path("external_id").isTextual() || annotation.path("external_id").asText().isBlank()) {
            return "The external_id field is required";
        }
        if (!ANNOTATION_TYPES.contains(annotation.path("annotation_type").asText())) {
            return "annotation_type must be one of " + ANNOTATION_TYPES;
        }
        if (!annotation.path("summary").isTextual() || annotation.path("summary").asText().isBlank()) {
            return "The summary field is required";
        }
        if (annotation.path("summary").asText().length() > 450) {
            return "The summary field cannot contain more than 450 characters.";
        }
        if (annotation.has("details") && (!annotation.get("details").isTextual()
                || annotation.get("details").asText().length() > 2000)) {
            return "The details field cannot contain more than 2000 characters.";
        }
        if (annotation.has("severity") && !SEVERITIES.contains(annotation.get("severity").asText())) {
            return "severity must be one of " + SEVERITIES;
        }
        if (annotation.has("result") && !ANNOTATION_RESULTS.contains(annotation.get("result").asText())) {
            return "result must be one of " + ANNOTATION_RESULTS;
        }
        if (annotation.has("line") && !(annotation.get("line").isIntegralNumber() && annotation.get("line").asInt() > 0)) {
            return "line must be a positive whole number";
        }
        if (annotation.has("link") && !(annotation.get("link").isTextual() && isUri(annotation.get("link").asText()))) {
            return "link must be a URL";
        }
        return null;
    }

    private static Answer badRequest(String message) {
        ObjectNode error = JSON.createObjectNode();
        error.put("key", "report-service.general.bad-request");
        error.put("message", message);
        error.putObject("arguments");
        return new Answer(400, error.toString());
    }

    private static Answer apiError(int status, String message) {
        ObjectNode error = JSON.createObjectNode();
        error.put("type", "error");
        error.putObject("error").put("message", message);
        return new Answer(status, error.toString());
    }

    private static String decode(String segment) {
        return java.net.URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static void send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", body.startsWith("{") || body.startsWith("[")
                ? "application/json" : "text/plain");
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** Every body the proxy received, for a scan for secrets. */
    public List<String> bodies() {
        List<String> bodies = new ArrayList<>();
        requests.forEach(r -> bodies.add(r.body()));
        return bodies;
    }

    @Override
    public void close() {
        closed.countDown();
        server.stop(0);
        threads.shutdownNow();
    }
}
