package org.ecrpushpipe.standin;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;

/**
 * One API endpoint for the stand-ins of several regions and accounts of one AWS: AWS has one ECR endpoint per region
 * ({@code api.ecr.<region>.amazonaws.com}) that serves every account, but a pipe run points the SDK at the stand-in
 * with ONE override ({@code AWS_ENDPOINT_URL}), and each of its per-region clients signs its requests for its own
 * region. So a request goes to the stand-in of the region in its SigV4 credential scope
 * ({@code Credential=<key>/<date>/<region>/ecr/aws4_request}) and of the account whose registry it names: its
 * {@code registryId} (or the first of GetAuthorizationToken's {@code registryIds}), else the caller's own, as ECR
 * defaults to it; that stand-in then verifies the signature as it always does, and refuses what crosses into another
 * account ({@link AccountBoundary}). A registry no stand-in holds is answered by the caller's account's stand-in
 * (refusing it as another account's). Unsigned requests (STS AssumeRoleWithWebIdentity) and STS's AssumeRole go to
 * the region's first stand-in: STS spans accounts ({@link EcrStandIn.Builder#sameAwsAs}). A region no stand-in serves
 * is like a region without an endpoint: the connection is closed without an answer.
 *
 * <p>Also served, when given, over HTTPS at an address where a JVM resolves AWS's real API host names
 * ({@link #RegionalApi(List, InetSocketAddress, SSLContext)}): the AWS SDK then picks its endpoint by its own rules,
 * without any override, and {@link #hostHeaders()} shows which host name it picked for each call.
 */
public final class RegionalApi implements AutoCloseable {
    private static final Pattern SCOPE_REGION = Pattern.compile("Credential=([^/,\\s]+)/\\d{8}/([^/,\\s]+)/");
    private static final Pattern STS_ACTION = Pattern.compile("(?:^|&)Action=([A-Za-z]+)");

    private final List<EcrStandIn> standIns;
    private final HttpServer server;
    private final HttpsServer awsHosts;
    private final ExecutorService threads = EcrStandIn.threads("ecr-stand-in-regional-api");
    private final List<String> hostHeaders = new CopyOnWriteArrayList<>();

    /** Serves these stand-ins (one per region and account), on loopback; a region's first also for unsigned requests. */
    public RegionalApi(List<EcrStandIn> standIns) throws IOException {
        this(standIns, null, null);
    }

    /**
     * Serves these stand-ins on loopback, and over HTTPS with {@code tls} at {@code awsHostsAddress} (port 443),
     * where a client resolves the real API host names.
     */
    public RegionalApi(List<EcrStandIn> standIns, InetSocketAddress awsHostsAddress, SSLContext tls) throws IOException {
        List<String> seen = new ArrayList<>();
        for (EcrStandIn standIn : standIns) {
            String key = standIn.region() + "/" + standIn.accountId();
            if (seen.contains(key)) {
                throw new IllegalArgumentException("two stand-ins for " + key);
            }
            seen.add(key);
        }
        this.standIns = List.copyOf(standIns);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.setExecutor(threads);
        server.createContext("/", this::handle);
        if (awsHostsAddress != null) {
            try {
                awsHosts = HttpsServer.create(awsHostsAddress, 64);
            } catch (IOException e) {
                server.stop(0);
                throw new IOException("could not listen on " + awsHostsAddress + " for AWS's API host names (port 443"
                        + " needs root): " + e.getMessage(), e);
            }
            awsHosts.setHttpsConfigurator(new HttpsConfigurator(tls));
            awsHosts.setExecutor(threads);
            awsHosts.createContext("/", this::handle);
            awsHosts.start();
        } else {
            awsHosts = null;
        }
        server.start();
    }

    /** {@code http://127.0.0.1:P}: the endpoint of every region, for AWS_ENDPOINT_URL. */
    public String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /**
     * The {@code Host} header of every request received so far, oldest first, with its kind: {@code "<host> ECR
     * <operation>"} or {@code "<host> STS <action>"} (the action as far as the body names it).
     */
    public List<String> hostHeaders() {
        return List.copyOf(hostHeaders);
    }

    /** Forgets the host headers seen so far. */
    public void clearHostHeaders() {
        hostHeaders.clear();
    }

    private void handle(HttpExchange exchange) throws IOException {
        byte[] body = exchange.getRequestBody().readAllBytes();
        exchange.setStreams(new ByteArrayInputStream(body), null);
        String contentType = Optional.ofNullable(exchange.getRequestHeaders().getFirst("Content-Type")).orElse("");
        boolean sts = contentType.startsWith("application/x-www-form-urlencoded");
        String target = Optional.ofNullable(exchange.getRequestHeaders().getFirst("X-Amz-Target")).orElse("");
        String what = sts ? "STS " + action(body) : "ECR " + target.substring(target.indexOf('.') + 1);
        hostHeaders.add(Optional.ofNullable(exchange.getRequestHeaders().getFirst("Host")).orElse("") + " " + what);

        Matcher scope = Optional.ofNullable(exchange.getRequestHeaders().getFirst("Authorization"))
                .map(SCOPE_REGION::matcher).filter(Matcher::find).orElse(null);
        List<EcrStandIn> region = scope == null ? standIns.subList(0, 1)
                : standIns.stream().filter(s -> s.region().equals(scope.group(2))).toList();
        if (region.isEmpty()) {
            exchange.close(); // no endpoint for that region
            return;
        }
        EcrStandIn standIn = region.get(0);
        if (!sts && scope != null) {
            Optional<String> caller = standIn.principalOf(scope.group(1)).flatMap(AccountBoundary::accountOf);
            Optional<String> named = registryNamed(body);
            standIn = named.flatMap(account -> inAccount(region, account))
                    .or(() -> caller.flatMap(account -> inAccount(region, account)))
                    .orElse(standIn);
        }
        standIn.apiHandler().handle(exchange);
    }

    private static Optional<EcrStandIn> inAccount(List<EcrStandIn> region, String account) {
        return region.stream().filter(s -> s.accountId().equals(account)).findFirst();
    }

    /** The registry an ECR request names: {@code registryId}, or the first of {@code registryIds}. */
    private static Optional<String> registryNamed(byte[] body) {
        try {
            JsonNode request = body.length == 0 ? EcrJson.object() : EcrJson.MAPPER.readTree(body);
            JsonNode id = request.path("registryId").isTextual() ? request.path("registryId")
                    : request.path("registryIds").path(0);
            return id.isTextual() ? Optional.of(id.asText()) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty(); // the stand-in answers the malformed body itself
        }
    }

    private static String action(byte[] body) {
        Matcher m = STS_ACTION.matcher(new String(body, StandardCharsets.UTF_8));
        return m.find() ? m.group(1) : "";
    }

    @Override
    public void close() {
        server.stop(0);
        if (awsHosts != null) {
            awsHosts.stop(0);
        }
        threads.shutdownNow();
    }
}
