package org.ecrpushpipe.standin;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One API endpoint for the stand-ins of several regions of an account: AWS has one ECR endpoint per region
 * ({@code api.ecr.<region>.amazonaws.com}), but a pipe run points the SDK at the stand-in with ONE override
 * ({@code AWS_ENDPOINT_URL}), and each of its per-region clients signs its requests for its own region. So the
 * request goes to the stand-in of the region in its SigV4 credential scope
 * ({@code Credential=<key>/<date>/<region>/ecr/aws4_request}), which then verifies the signature as it always does.
 * Unsigned requests (STS AssumeRoleWithWebIdentity) go to the first region's. A region no stand-in serves is like a
 * region without an endpoint: the connection is closed without an answer.
 */
public final class RegionalApi implements AutoCloseable {
    private static final Pattern SCOPE_REGION = Pattern.compile("Credential=[^/,\\s]+/\\d{8}/([^/,\\s]+)/");

    private final Map<String, EcrStandIn> regions = new LinkedHashMap<>();
    private final HttpServer server;
    private final ExecutorService threads = EcrStandIn.threads("ecr-stand-in-regional-api");

    /** Serves these stand-ins (one per region), the first also for unsigned requests. */
    public RegionalApi(List<EcrStandIn> standIns) throws IOException {
        for (EcrStandIn standIn : standIns) {
            if (regions.putIfAbsent(standIn.region(), standIn) != null) {
                throw new IllegalArgumentException("two stand-ins for " + standIn.region());
            }
        }
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.setExecutor(threads);
        server.createContext("/", this::handle);
        server.start();
    }

    /** {@code http://127.0.0.1:P}: the endpoint of every region, for AWS_ENDPOINT_URL. */
    public String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        Optional<String> region = Optional.ofNullable(exchange.getRequestHeaders().getFirst("Authorization"))
                .map(SCOPE_REGION::matcher).filter(Matcher::find).map(m -> m.group(1));
        EcrStandIn standIn = region.isEmpty() ? regions.values().iterator().next() : regions.get(region.get());
        if (standIn == null) {
            exchange.close(); // no endpoint for that region
            return;
        }
        standIn.apiHandler().handle(exchange);
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
