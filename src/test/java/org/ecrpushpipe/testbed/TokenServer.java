package org.ecrpushpipe.testbed;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Signature;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.net.ssl.SSLContext;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

/**
 * A registry's token service, as Docker Hub's ({@code auth.docker.io}) and GHCR's work (Docker's token
 * authentication specification): {@code GET /token?service=...&scope=...} with the user's Basic login answers a JWT,
 * signed with RS256 by a key whose certificate rides in the {@code x5c} header and which the registry trusts
 * ({@code rootcertbundle}). It checks the login (a wrong one: 401, Docker Hub's {@code incorrect username or
 * password}) and the scope: the user gets {@code pull} and {@code push} on the repositories of its own namespace
 * ({@code <username>/...}) only, as on Docker Hub; anything else, and an anonymous request, gets a token granting
 * nothing, which the registry then refuses. Each request is recorded, without its credentials.
 */
public final class TokenServer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> GRANTABLE = Set.of("pull", "push");

    /** What the registry is told to trust: the issuer's name, the service's name, the signing certificate. */
    record Issuer(String issuer, String service, PrivateKey key, byte[] certificate) {
    }

    private final HttpServer server;
    private final Issuer issuer;
    private final String username;
    private final String password;
    private final List<String> requests = new CopyOnWriteArrayList<>();

    private TokenServer(HttpServer server, Issuer issuer, String username, String password) {
        this.server = server;
        this.issuer = issuer;
        this.username = username;
        this.password = password;
    }

    /**
     * Starts the service on {@code address}, over TLS when {@code tls} is given, for one user.
     */
    static TokenServer start(InetSocketAddress address, Optional<SSLContext> tls, Issuer issuer, String username,
                             String password) throws IOException {
        HttpServer server;
        if (tls.isPresent()) {
            HttpsServer https = HttpsServer.create(address, 16);
            https.setHttpsConfigurator(new HttpsConfigurator(tls.get()));
            server = https;
        } else {
            server = HttpServer.create(address, 16);
        }
        TokenServer tokens = new TokenServer(server, issuer, username, password);
        server.createContext("/token", tokens::handle);
        server.start();
        return tokens;
    }

    /** The port it listens on. */
    int port() {
        return server.getAddress().getPort();
    }

    /**
     * The requests answered, in order: {@code <login> <service> <scope,...> -> <granted,...>}, the login being the
     * user's name, {@code anonymous} or {@code refused}, a granted scope's actions in alphabetical order.
     */
    public List<String> requests() {
        return requests;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            List<String> scopes = new ArrayList<>();
            String service = "";
            String query = Optional.ofNullable(exchange.getRequestURI().getRawQuery()).orElse("");
            for (String pair : query.split("&")) {
                int eq = pair.indexOf('=');
                String name = eq < 0 ? pair : pair.substring(0, eq);
                String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                if (name.equals("scope")) {
                    scopes.add(value);
                } else if (name.equals("service")) {
                    service = value;
                }
            }
            if (!service.equals(issuer.service())) {
                answer(exchange, 400, "{\"details\":\"unknown service\"}");
                return;
            }
            String login = login(exchange.getRequestHeaders().getFirst("Authorization"));
            if (login.equals("refused")) {
                requests.add("refused " + service + " " + String.join(",", scopes) + " -> ");
                answer(exchange, 401, "{\"details\":\"incorrect username or password\"}");
                return;
            }
            ArrayNode access = JSON.createArrayNode();
            List<String> granted = new ArrayList<>();
            for (String scope : scopes) {
                grant(login, scope).ifPresent(node -> {
                    access.add(node);
                    granted.add(scope.substring(0, scope.lastIndexOf(':') + 1)
                            + String.join(",", JSON.convertValue(node.get("actions"), List.class)));
                });
            }
            requests.add(login + " " + service + " " + String.join(",", scopes) + " -> " + String.join(",", granted));
            String token = mint(login, access);
            answer(exchange, 200, JSON.createObjectNode().put("token", token).put("access_token", token)
                    .put("expires_in", 300).put("issued_at", Instant.now().toString()).toString());
        }
    }

    /** The user's name for a right login, {@code anonymous} for none, {@code refused} for a wrong one. */
    private String login(String authorization) {
        if (authorization == null) {
            return "anonymous";
        }
        if (!authorization.startsWith("Basic ")) {
            return "refused";
        }
        String pair = new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
        byte[] expected = (username + ":" + password).getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(expected, pair.getBytes(StandardCharsets.UTF_8)) ? username : "refused";
    }

    /** The access one scope gets: {@code repository:<name>:<actions>} in the user's namespace, pull and push at most. */
    private Optional<ObjectNode> grant(String login, String scope) {
        String[] parts = scope.split(":");
        if (parts.length != 3 || !parts[0].equals("repository") || !parts[1].startsWith(login + "/")) {
            return Optional.empty();
        }
        Set<String> actions = new TreeSet<>(); // in one order (pull,push), whichever the client asked in
        for (String action : parts[2].split(",")) {
            if (GRANTABLE.contains(action)) {
                actions.add(action);
            }
        }
        ObjectNode node = JSON.createObjectNode().put("type", "repository").put("name", parts[1]);
        actions.forEach(node.putArray("actions")::add);
        return actions.isEmpty() ? Optional.empty() : Optional.of(node);
    }

    /** A JWT for {@code subject} with {@code access}, as the registry verifies it (issuer, audience, time, key). */
    String mint(String subject, ArrayNode access) {
        long now = Instant.now().getEpochSecond();
        ObjectNode header = JSON.createObjectNode().put("typ", "JWT").put("alg", "RS256");
        header.putArray("x5c").add(Base64.getEncoder().encodeToString(issuer.certificate()));
        ObjectNode claims = JSON.createObjectNode().put("iss", issuer.issuer()).put("sub", subject)
                .put("aud", issuer.service()).put("exp", now + 300).put("nbf", now - 10).put("iat", now)
                .put("jti", UUID.randomUUID().toString());
        claims.set("access", access);
        Base64.Encoder url = Base64.getUrlEncoder().withoutPadding();
        String signed = url.encodeToString(header.toString().getBytes(StandardCharsets.UTF_8)) + "."
                + url.encodeToString(claims.toString().getBytes(StandardCharsets.UTF_8));
        try {
            Signature rsa = Signature.getInstance("SHA256withRSA");
            rsa.initSign(issuer.key());
            rsa.update(signed.getBytes(StandardCharsets.US_ASCII));
            return signed + "." + url.encodeToString(rsa.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("could not sign a token", e);
        }
    }

    private static void answer(HttpExchange exchange, int status, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
