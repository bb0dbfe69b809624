package org.ecrpushpipe.standin;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The API's HTTP side: one endpoint for ECR (AWS JSON 1.1, SigV4-signed) and STS (Query protocol: unsigned
 * AssumeRoleWithWebIdentity, SigV4-signed AssumeRole), told apart by content type. It injects API faults, verifies signatures, logs every
 * call and writes ECR's and STS's error shapes.
 */
final class ApiHandler implements HttpHandler {
    private static final String JSON_TYPE = "application/x-amz-json-1.1";

    private final EcrControlPlane ecr;
    private final StsService sts;
    private final SigV4Verifier verifier;
    private final StsAssumeRole assumeRole;
    private final SigV4Verifier stsVerifier;
    private final Faults faults;
    private final RequestLog log;
    private final StrictMode strict;
    private final Identities identities;

    ApiHandler(EcrControlPlane ecr, StsService sts, SigV4Verifier verifier, StsAssumeRole assumeRole,
               SigV4Verifier stsVerifier, Faults faults, RequestLog log, StrictMode strict, Identities identities) {
        this.strict = strict;
        this.identities = identities;
        this.ecr = ecr;
        this.sts = sts;
        this.verifier = verifier;
        this.assumeRole = assumeRole;
        this.stsVerifier = stsVerifier;
        this.faults = faults;
        this.log = log;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String contentType = Optional.ofNullable(exchange.getRequestHeaders().getFirst("Content-Type")).orElse("");
            if (contentType.startsWith("application/x-www-form-urlencoded")) {
                handleSts(exchange, form(new String(body, StandardCharsets.UTF_8)), body);
            } else {
                handleEcr(exchange, body);
            }
        }
    }

    private void handleEcr(HttpExchange exchange, byte[] body) throws IOException {
        String target = Optional.ofNullable(exchange.getRequestHeaders().getFirst("X-Amz-Target")).orElse("");
        String operation = target.startsWith(EcrControlPlane.TARGET_PREFIX)
                ? target.substring(EcrControlPlane.TARGET_PREFIX.length()) : target;
        String accessKeyId = SigV4Verifier.accessKeyIdOf(exchange.getRequestHeaders().getFirst("Authorization"))
                .orElse(null);
        Optional<Fault> fault = faults.take(exchange.getRequestMethod(), operation);
        if (fault.isPresent() && !proceeds(fault.get(), exchange.getRequestMethod(), operation)) {
            injectEcr(exchange, fault.get(), operation, accessKeyId);
            return;
        }
        try {
            if (!"POST".equals(exchange.getRequestMethod()) || !target.startsWith(EcrControlPlane.TARGET_PREFIX)) {
                throw new EcrError("UnknownOperationException", null);
            }
            var verdict = verifier.verify(new SigV4Verifier.Request(exchange.getRequestMethod(),
                    exchange.getRequestURI().getRawPath(), exchange.getRequestURI().getRawQuery(),
                    exchange.getRequestHeaders(), body));
            if (verdict instanceof SigV4Verifier.Rejected rejected) {
                throw new EcrError(rejected.code(), rejected.message());
            }
            JsonNode request;
            try {
                request = body.length == 0 ? EcrJson.object() : EcrJson.MAPPER.readTree(body);
            } catch (IOException e) {
                throw new EcrError("SerializationException", "Malformed JSON request body");
            }
            String principal = ((SigV4Verifier.Accepted) verdict).key().principalArn();
            strict.denyApiCall(principal, operation, request).ifPresent(denial -> {
                throw new EcrError("AccessDeniedException", denial);
            });
            byte[] response = EcrJson.MAPPER.writeValueAsBytes(ecr.handle(operation, new Params(request), principal));
            log.record(new ApiCall(operation, accessKeyId, ApiCall.OK));
            send(exchange, 200, JSON_TYPE, response);
        } catch (EcrError e) {
            log.record(new ApiCall(operation, accessKeyId, e.code()));
            sendEcrError(exchange, e);
        } catch (RuntimeException e) {
            // A bug in the stand-in or a failing registry behind it: answer as AWS does, keep the cause visible.
            e.printStackTrace();
            log.record(new ApiCall(operation, accessKeyId, "ServerException"));
            sendEcrError(exchange, EcrError.server("The ECR stand-in failed: " + e));
        }
    }

    /**
     * Applies a fault after which the request is still handled (a delay, an action) and says so; false for the
     * faults that replace the answer.
     */
    private boolean proceeds(Fault fault, String method, String target) {
        if (fault instanceof Fault.Delay delay) {
            faults.record(method, target, "delayed " + delay.duration().toMillis() + " ms");
            sleep(delay.duration());
            return true;
        }
        if (fault instanceof Fault.Action action) {
            faults.record(method, target, action.name());
            action.action().run();
            return true;
        }
        return false;
    }

    private void injectEcr(HttpExchange exchange, Fault fault, String operation, String accessKeyId) throws IOException {
        faults.record(exchange.getRequestMethod(), operation,
                fault instanceof Fault.DropConnection ? "dropped the connection"
                        : fault instanceof Fault.DropMidBody ? "dropped the connection (the API reads the whole request first)"
                        : fault instanceof Fault.Status st && st.status() != 429 ? "answered " + st.status()
                        : "answered ThrottlingException");
        if (fault instanceof Fault.DropConnection || fault instanceof Fault.DropMidBody) {
            log.record(new ApiCall(operation, accessKeyId, "DroppedConnection"));
        } else if (fault instanceof Fault.Status status && status.status() != 429) {
            log.record(new ApiCall(operation, accessKeyId, "ServerException"));
            sendEcrError(exchange, new EcrError("ServerException", "Injected server error", status.status()));
        } else {
            // Throttled, or a 429: ECR throttles with 400 ThrottlingException, which the SDK retries.
            log.record(new ApiCall(operation, accessKeyId, "ThrottlingException"));
            sendEcrError(exchange, new EcrError("ThrottlingException", "Rate exceeded"));
        }
        // A dropped connection: closing the exchange before any response closes the socket.
    }

    private void handleSts(HttpExchange exchange, Map<String, String> form, byte[] body) throws IOException {
        String action = form.getOrDefault("Action", "");
        Optional<Fault> fault = faults.take(exchange.getRequestMethod(), action);
        try {
            if (fault.isPresent() && !proceeds(fault.get(), exchange.getRequestMethod(), action)) {
                Fault f = fault.get();
                faults.record(exchange.getRequestMethod(), action, "answered with an STS error");
                if (f instanceof Fault.DropConnection || f instanceof Fault.DropMidBody) {
                    log.record(new ApiCall(action, null, "DroppedConnection"));
                    return;
                } else if (f instanceof Fault.Status status && status.status() != 429) {
                    throw new StsService.StsError("InternalFailure", "Injected server error", status.status());
                } else {
                    throw new StsService.StsError("Throttling", "Rate exceeded", 400);
                }
            }
            if ("AssumeRole".equals(action)) {
                var verdict = stsVerifier.verify(new SigV4Verifier.Request(exchange.getRequestMethod(),
                        exchange.getRequestURI().getRawPath(), exchange.getRequestURI().getRawQuery(),
                        exchange.getRequestHeaders(), body));
                if (verdict instanceof SigV4Verifier.Rejected rejected) {
                    throw StsAssumeRole.signatureRefused(rejected.code(), rejected.message());
                }
                AccessKey caller = ((SigV4Verifier.Accepted) verdict).key();
                byte[] xml = assumeRole.assumeRole(form, caller).getBytes(StandardCharsets.UTF_8);
                log.record(new ApiCall(action, caller.accessKeyId(), ApiCall.OK));
                send(exchange, 200, "text/xml", xml);
                return;
            }
            if (!"AssumeRoleWithWebIdentity".equals(action)) {
                throw new StsService.StsError("InvalidAction",
                        "Could not find operation " + action + " for version " + form.get("Version"), 400);
            }
            byte[] xml = sts.assumeRoleWithWebIdentity(form).getBytes(StandardCharsets.UTF_8);
            log.record(new ApiCall(action, null, ApiCall.OK));
            send(exchange, 200, "text/xml", xml);
        } catch (StsService.StsError e) {
            log.record(new ApiCall(action, null, e.code));
            send(exchange, e.status, "text/xml",
                    StsService.errorXml(e.code, e.getMessage(), e.status).getBytes(StandardCharsets.UTF_8));
        }
    }

    private static void sendEcrError(HttpExchange exchange, EcrError error) throws IOException {
        var body = EcrJson.object().put("__type", error.code());
        if (error.getMessage() != null) {
            body.put("message", error.getMessage());
        }
        send(exchange, error.status(), JSON_TYPE, EcrJson.MAPPER.writeValueAsBytes(body));
    }

    private static void send(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.getResponseHeaders().set("x-amzn-RequestId", UUID.randomUUID().toString());
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        exchange.getResponseBody().write(body);
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

    static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
