package org.ecrpushpipe.standin;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The API requests (ECR and STS) the stand-in received, in the order they were answered, each with when it arrived
 * and when its answer was ready (latency included): enough to count a client's round trips to AWS. Thread-safe.
 */
public final class RequestLog {
    /** One request and its times, in {@link System#nanoTime()}. */
    public record Timed(ApiCall call, long startNanos, long endNanos) {
        public Timed {
            if (endNanos < startNanos) {
                throw new IllegalArgumentException("a request cannot end before it starts");
            }
        }
    }

    private final List<Timed> requests = new CopyOnWriteArrayList<>();

    void record(ApiCall call, long startNanos, long endNanos) {
        requests.add(new Timed(call, startNanos, endNanos));
    }

    /** A snapshot of every call so far. */
    public List<ApiCall> all() {
        return requests.stream().map(Timed::call).toList();
    }

    /** A snapshot of the calls of one operation, e.g. {@code "GetAuthorizationToken"}. */
    public List<ApiCall> of(String operation) {
        return all().stream().filter(c -> c.operation().equals(operation)).toList();
    }

    /** The operation names, in the order answered. */
    public List<String> operations() {
        return all().stream().map(ApiCall::operation).toList();
    }

    /** A snapshot of every request so far, with its times. */
    public List<Timed> timed() {
        return List.copyOf(requests);
    }

    /** The sequential round trips of the requests so far: see {@link #sequentialRoundTrips(List)}. */
    public int sequentialRoundTrips() {
        return sequentialRoundTrips(timed());
    }

    public void clear() {
        requests.clear();
    }

    /**
     * The longest chain of requests each of which started after the one before it in the chain had been answered:
     * the round trips a client waited for one after the other; requests under way at the same time count once.
     * (The longest such chain is the largest set of requests no two of which overlap; taking, by earliest end,
     * each request that starts after the last one taken ended finds one.)
     */
    static int sequentialRoundTrips(List<Timed> requests) {
        int chain = 0;
        long lastEnd = Long.MIN_VALUE;
        for (Timed request : requests.stream().sorted(Comparator.comparingLong(Timed::endNanos)).toList()) {
            if (chain == 0 || request.startNanos() >= lastEnd) {
                chain++;
                lastEnd = request.endNanos();
            }
        }
        return chain;
    }

    /**
     * The log as JSON: {@code count}, {@code sequentialRoundTrips}, and each request's action, outcome, and start
     * and end in milliseconds since the first request started.
     */
    ObjectNode json() {
        List<Timed> snapshot = timed();
        long origin = snapshot.stream().mapToLong(Timed::startNanos).min().orElse(0);
        ObjectNode json = EcrJson.object().put("count", snapshot.size())
                .put("sequentialRoundTrips", sequentialRoundTrips(snapshot));
        ArrayNode array = json.putArray("requests");
        for (Timed t : snapshot) {
            array.addObject().put("action", t.call().operation()).put("outcome", t.call().outcome())
                    .put("startMs", millis(t.startNanos() - origin)).put("endMs", millis(t.endNanos() - origin));
        }
        return json;
    }

    private static BigDecimal millis(long nanos) {
        return BigDecimal.valueOf(nanos / 1000, 3);
    }
}
