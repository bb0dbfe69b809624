package org.ecrpushpipe.standin;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The API's HTTP side: one endpoint for ECR (AWS JSON 1.1, SigV4-signed) and STS (Query protocol: unsigned
 * AssumeRoleWithWebIdentity, SigV4-signed AssumeRole), told apart by content type. Every request waits out the
 * API's {@link Latency}; then faults are injected, signatures verified, and ECR's and STS's answers and error
 * shapes written; each request is logged with its times just before its answer goes out.
 */
final class ApiHandler implements HttpHandler {
    private static final String JSON_TYPE = "application/x-amz-json-1.1";
    private static final String XML_TYPE = "text/xml";

    /** What a request gets: its log entry, and a response (none for a dropped connection). */
    private record Answer(ApiCall call, int status, String contentType, byte[] body) {
        static Answer dropped(String operation, String accessKeyId) {
            return new Answer(new ApiCall(operation, accessKeyId, "DroppedConnection"), 0, null, null);
        }

        static Answer ecrError(String operation, String accessKeyId, EcrError error) {
            var body = EcrJson.object().put("__type", error.code());
            if (error.getMessage() != null) {
                body.put("message", error.getMessage());
            }
            return new Answer(new ApiCall(operation, accessKeyId, error.code()), error.status(), JSON_TYPE,
                    body.toString().getBytes(StandardCharsets.UTF_8));
        }

        static Answer stsError(String action, StsService.StsError e) {
            return new Answer(new ApiCall(action, null, e.code), e.status, XML_TYPE,
                    StsService.errorXml(e.code, e.getMessage(), e.status).getBytes(StandardCharsets.UTF_8));
        }
    }

    private final EcrControlPlane ecr;
    private final StsService sts;
    private final SigV4Verifier verifier;
    private final StsAssumeRole assumeRole;
    private final SigV4Verifier stsVerifier;
    private final Faults faults;
    private final RequestLog log;
    private final StrictMode strict;
    private final Latency latency;
    private final AccountBoundary boundary;

    ApiHandler(EcrControlPlane ecr, StsService sts, SigV4Verifier verifier, StsAssumeRole assumeRole,
               SigV4Verifier stsVerifier, Faults faults, RequestLog log, StrictMode strict, Latency latency,
               AccountBoundary boundary) {
        this.boundary = boundary;
        this.strict = strict;
        this.ecr = ecr;
        this.sts = sts;
        this.verifier = verifier;
        this.assumeRole = assumeRole;
        this.stsVerifier = stsVerifier;
        this.faults = faults;
        this.log = log;
        this.latency = latency;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        long start = System.nanoTime();
        try (exchange) {
            latency.await();
            byte[] body = exchange.getRequestBody().readAllBytes();
            String contentType = Optional.ofNullable(exchange.getRequestHeaders().getFirst("Content-Type")).orElse("");
            Answer answer = contentType.startsWith("application/x-www-form-urlencoded")
                    ? sts(exchange, form(new String(body, StandardCharsets.UTF_8)), body) : ecr(exchange, body);
            // logged before it is sent, so that a client that has its answer finds the request in the log
            log.record(answer.call(), start, System.nanoTime());
            if (answer.body() == null) {
                return; // a dropped connection: closing the exchange before any response closes the socket
            }
            exchange.getResponseHeaders().set("Content-Type", answer.contentType());
            exchange.getResponseHeaders().set("x-amzn-RequestId", UUID.randomUUID().toString());
            exchange.sendResponseHeaders(answer.status(), answer.body().length == 0 ? -1 : answer.body().length);
            exchange.getResponseBody().write(answer.body());
        }
    }

    private Answer ecr(HttpExchange exchange, byte[] body) {
        String method = exchange.getRequestMethod();
        String target = Optional.ofNullable(exchange.getRequestHeaders().getFirst("X-Amz-Target")).orElse("");
        String operation = target.startsWith(EcrControlPlane.TARGET_PREFIX)
                ? target.substring(EcrControlPlane.TARGET_PREFIX.length()) : target;
        String accessKeyId = SigV4Verifier.accessKeyIdOf(exchange.getRequestHeaders().getFirst("Authorization"))
                .orElse(null);
        Optional<Fault> fault = faults.take(method, operation);
        if (fault.isPresent() && !faults.passes(fault.get(), method, operation)) {
            return injected(fault.get(), method, operation, accessKeyId);
        }
        try {
            if (!"POST".equals(method) || !target.startsWith(EcrControlPlane.TARGET_PREFIX)) {
                throw new EcrError("UnknownOperationException", null);
            }
            AccessKey caller = verified(verifier, exchange, body);
            JsonNode request;
            try {
                request = body.length == 0 ? EcrJson.object() : EcrJson.MAPPER.readTree(body);
            } catch (IOException e) {
                throw new EcrError("SerializationException", "Malformed JSON request body");
            }
            strict.denyApiCall(caller.principalArn(), operation, request).ifPresent(denial -> {
                throw new EcrError("AccessDeniedException", denial);
            });
            Params params = new Params(request);
            boundary.checkApiCall(operation, caller.principalArn(), params);
            String host = Optional.ofNullable(exchange.getRequestHeaders().getFirst("Host")).orElse("")
                    .replaceFirst(":\\d+$", "");
            byte[] response = EcrJson.MAPPER.writeValueAsBytes(ecr.handle(operation, params, caller.principalArn(),
                    host));
            return new Answer(new ApiCall(operation, accessKeyId, ApiCall.OK), 200, JSON_TYPE, response);
        } catch (EcrError e) {
            return Answer.ecrError(operation, accessKeyId, e);
        } catch (IOException | RuntimeException e) {
            // A bug in the stand-in or a failing registry behind it: answer as AWS does, keep the cause visible.
            e.printStackTrace();
            return Answer.ecrError(operation, accessKeyId, EcrError.server("The ECR stand-in failed: " + e));
        }
    }

    /** The answer of an injected fault that replaces ECR's: a dropped connection, a server error or throttling. */
    private Answer injected(Fault fault, String method, String operation, String accessKeyId) {
        if (fault instanceof Fault.DropConnection || fault instanceof Fault.DropMidBody) {
            faults.record(method, operation, fault instanceof Fault.DropConnection ? "dropped the connection"
                    : "dropped the connection (the API reads the whole request first)");
            return Answer.dropped(operation, accessKeyId);
        }
        if (fault instanceof Fault.Status status && status.status() != 429) {
            faults.record(method, operation, "answered " + status.status());
            return Answer.ecrError(operation, accessKeyId,
                    new EcrError("ServerException", "Injected server error", status.status()));
        }
        // Throttled, or a 429: ECR throttles with 400 ThrottlingException, which the SDK retries.
        faults.record(method, operation, "answered ThrottlingException");
        return Answer.ecrError(operation, accessKeyId, new EcrError("ThrottlingException", "Rate exceeded"));
    }

    private Answer sts(HttpExchange exchange, Map<String, String> form, byte[] body) {
        String method = exchange.getRequestMethod();
        String action = form.getOrDefault("Action", "");
        Optional<Fault> fault = faults.take(method, action);
        try {
            if (fault.isPresent() && !faults.passes(fault.get(), method, action)) {
                faults.record(method, action, "answered with an STS error");
                if (fault.get() instanceof Fault.DropConnection || fault.get() instanceof Fault.DropMidBody) {
                    return Answer.dropped(action, null);
                } else if (fault.get() instanceof Fault.Status status && status.status() != 429) {
                    throw new StsService.StsError("InternalFailure", "Injected server error", status.status());
                }
                throw new StsService.StsError("Throttling", "Rate exceeded", 400);
            }
            if ("AssumeRole".equals(action)) {
                AccessKey caller;
                try {
                    caller = verified(stsVerifier, exchange, body);
                } catch (EcrError refused) {
                    throw StsAssumeRole.signatureRefused(refused.code(), refused.getMessage());
                }
                byte[] xml = assumeRole.assumeRole(form, caller).getBytes(StandardCharsets.UTF_8);
                return new Answer(new ApiCall(action, caller.accessKeyId(), ApiCall.OK), 200, XML_TYPE, xml);
            }
            if (!"AssumeRoleWithWebIdentity".equals(action)) {
                throw new StsService.StsError("InvalidAction",
                        "Could not find operation " + action + " for version " + form.get("Version"), 400);
            }
            byte[] xml = sts.assumeRoleWithWebIdentity(form).getBytes(StandardCharsets.UTF_8);
            return new Answer(new ApiCall(action, null, ApiCall.OK), 200, XML_TYPE, xml);
        } catch (StsService.StsError e) {
            return Answer.stsError(action, e);
        }
    }

    /** The credentials that signed the request; a refused signature throws ECR's error for it. */
    private static AccessKey verified(SigV4Verifier verifier, HttpExchange exchange, byte[] body) {
        var verdict = verifier.verify(new SigV4Verifier.Request(exchange.getRequestMethod(),
                exchange.getRequestURI().getRawPath(), exchange.getRequestURI().getRawQuery(),
                exchange.getRequestHeaders(), body));
        if (verdict instanceof SigV4Verifier.Rejected rejected) {
            throw new EcrError(rejected.code(), rejected.message());
        }
        return ((SigV4Verifier.Accepted) verdict).key();
    }

    private static Map<String, String> form(String body) {
        Map<String, String> form = new HashMap<>();
        for (String pair : body.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            form.put(name, eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return form;
    }
}
