package org.ecrpushpipe.standin;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The stand-in's own controls, for a benchmark that runs it as a process, under {@value #PATH} on the API's port
 * (AWS's requests are all {@code POST /}, so they never reach it); unsigned, for loopback clients only:
 * <ul>
 * <li>{@code GET /_standin/requests}: the API requests so far, as JSON ({@code count}, {@code
 * sequentialRoundTrips}, {@code requests}); {@code DELETE} forgets them.</li>
 * <li>{@code GET /_standin/latency}: the API's and the registry's latency ({@code apiMs}, {@code registryMs});
 * {@code PUT /_standin/latency?api-ms=150&registry-ms=0} changes either.</li>
 * </ul>
 */
final class StandInAdmin implements HttpHandler {
    static final String PATH = "/_standin/";

    private final RequestLog log;
    private final Latency api;
    private final Latency registry;

    StandInAdmin(RequestLog log, Latency api, Latency registry) {
        this.log = log;
        this.api = api;
        this.registry = registry;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!exchange.getRemoteAddress().getAddress().isLoopbackAddress()) {
                send(exchange, 403, message("loopback clients only"));
                return;
            }
            String what = exchange.getRequestURI().getPath().substring(PATH.length());
            String method = exchange.getRequestMethod();
            switch (what + " " + method) {
                case "requests GET" -> send(exchange, 200, log.json());
                case "requests DELETE" -> {
                    log.clear();
                    send(exchange, 200, log.json());
                }
                case "latency GET" -> send(exchange, 200, latencies());
                case "latency PUT" -> {
                    try {
                        setLatencies(exchange.getRequestURI().getRawQuery());
                    } catch (IllegalArgumentException e) {
                        send(exchange, 400, message(e.getMessage()));
                        return;
                    }
                    send(exchange, 200, latencies());
                }
                default -> send(exchange, what.equals("requests") || what.equals("latency") ? 405 : 404,
                        message("GET or DELETE " + PATH + "requests; GET or PUT " + PATH
                                + "latency?api-ms=N&registry-ms=N"));
            }
        }
    }

    /** Reads every parameter first, so that a bad one changes nothing. */
    private void setLatencies(String query) {
        Map<Latency, Duration> changes = new LinkedHashMap<>();
        for (String pair : query == null ? new String[0] : query.split("&")) {
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            Latency latency = switch (name) {
                case "api-ms" -> api;
                case "registry-ms" -> registry;
                default -> throw new IllegalArgumentException("unknown parameter " + name + " (api-ms, registry-ms)");
            };
            if (!value.matches("\\d{1,6}")) {
                throw new IllegalArgumentException(name + " must be a whole number of milliseconds, not '" + value + "'");
            }
            changes.put(latency, Duration.ofMillis(Long.parseLong(value)));
        }
        changes.forEach(Latency::set);
    }

    private ObjectNode latencies() {
        return EcrJson.object().put("apiMs", api.get().toMillis()).put("registryMs", registry.get().toMillis());
    }

    private static ObjectNode message(String message) {
        return EcrJson.object().put("message", message);
    }

    private static void send(HttpExchange exchange, int status, ObjectNode json) throws IOException {
        byte[] body = EcrJson.MAPPER.writeValueAsBytes(json);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
    }
}
