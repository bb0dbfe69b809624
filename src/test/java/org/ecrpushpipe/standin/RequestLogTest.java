package org.ecrpushpipe.standin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The sequential round trips of a client's requests: the longest chain of requests each sent after the last answer. */
class RequestLogTest {
    /** Requests as {start, end} pairs, in any order. */
    private static int roundTrips(long[]... intervals) {
        List<RequestLog.Timed> requests = new ArrayList<>();
        for (long[] interval : intervals) {
            requests.add(new RequestLog.Timed(new ApiCall("X", null, ApiCall.OK), interval[0], interval[1]));
        }
        Collections.reverse(requests); // the order of the log does not matter
        return RequestLog.sequentialRoundTrips(requests);
    }

    private static long[] at(long start, long end) {
        return new long[] {start, end};
    }

    @Test
    void noRequestsAreNoRoundTrips() {
        assertEquals(0, roundTrips());
    }

    @Test
    void requestsOneAfterTheOtherAreARoundTripEach() {
        assertEquals(3, roundTrips(at(0, 10), at(10, 20), at(25, 40)), "one may start the instant the last ended");
    }

    @Test
    void requestsUnderWayTogetherCountOnce() {
        assertEquals(1, roundTrips(at(0, 150), at(2, 152), at(5, 149)));
        assertEquals(2, roundTrips(at(0, 150), at(2, 152), at(160, 300), at(161, 310)), "two waves of parallel requests");
    }

    @Test
    void requestsWithinALongOneChainUnderIt() {
        // a long request (a slow call alongside) and two short ones in sequence while it runs: the client waited for
        // the two one after the other; the long one overlaps both
        assertEquals(2, roundTrips(at(0, 100), at(10, 20), at(30, 40)));
        assertEquals(3, roundTrips(at(0, 100), at(10, 20), at(30, 40), at(100, 120)), "and one after the long one");
    }

    @Test
    void overlappingRequestsChainThroughTheEarliestEnd() {
        // B overlaps A and C; A then C is the chain
        assertEquals(2, roundTrips(at(0, 10), at(5, 15), at(12, 20)));
        // a staircase where each overlaps the next: every other one chains
        assertEquals(3, roundTrips(at(0, 10), at(8, 18), at(16, 26), at(24, 34), at(32, 42)));
    }

    @Test
    void aRequestCannotEndBeforeItStarts() {
        assertThrows(IllegalArgumentException.class, () -> roundTrips(at(10, 5)));
    }

    @Test
    void theJsonCarriesBothCountsAndEachRequest() {
        RequestLog log = new RequestLog();
        log.record(new ApiCall("GetAuthorizationToken", "AKIA1", ApiCall.OK), 1_000_000, 151_000_000);
        log.record(new ApiCall("DescribeRepositories", "AKIA1", ApiCall.OK), 152_000_000, 302_500_000);
        log.record(new ApiCall("DescribeImages", "AKIA1", "RepositoryNotFoundException"), 153_000_000, 303_000_000);
        var json = log.json();
        assertEquals(3, json.path("count").asInt());
        assertEquals(2, json.path("sequentialRoundTrips").asInt());
        assertEquals("GetAuthorizationToken", json.path("requests").get(0).path("action").asText());
        assertEquals(0.0, json.path("requests").get(0).path("startMs").asDouble());
        assertEquals(301.5, json.path("requests").get(1).path("endMs").asDouble());
        assertEquals("RepositoryNotFoundException", json.path("requests").get(2).path("outcome").asText());
        log.clear();
        assertEquals(0, log.json().path("count").asInt());
    }
}
