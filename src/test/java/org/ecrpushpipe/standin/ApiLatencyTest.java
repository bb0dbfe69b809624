package org.ecrpushpipe.standin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.ecrpushpipe.testbed.StandInExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.services.ecr.EcrClient;

/**
 * The stand-in far away: every API request waits out a latency before its answer, requests sent together are
 * answered together, and the log counts a client's requests and its sequential round trips, for tests (in Java)
 * and for benchmarks (on the API's port, {@code /_standin/}).
 */
@ExtendWith(StandInExtension.class)
class ApiLatencyTest {
    /** Long enough that two requests sent together surely arrive within it, even on a busy machine. */
    private static final Duration FAR = Duration.ofMillis(1000);

    private final EcrStandIn standIn;
    private final HttpClient http = HttpClient.newHttpClient();

    ApiLatencyTest(EcrStandIn standIn) {
        this.standIn = standIn;
        standIn.addAccessKey(EcrApiTest.KEY, EcrApiTest.SECRET);
        standIn.requests().clear();
    }

    @AfterEach
    void nearAgain() {
        standIn.apiLatency(Duration.ZERO);
        standIn.registryLatency(Duration.ZERO);
    }

    private EcrClient ecr() {
        return EcrApiTest.ecr(standIn, AwsBasicCredentials.create(EcrApiTest.KEY, EcrApiTest.SECRET));
    }

    @Test
    void callsOneAfterTheOtherAreARoundTripEachAndEachWaitsTheLatency() {
        standIn.apiLatency(FAR);
        try (EcrClient ecr = ecr()) {
            ecr.getAuthorizationToken();
            ecr.describeRepositories(r -> { });
        }
        assertEquals(List.of("GetAuthorizationToken", "DescribeRepositories"), standIn.requests().operations());
        assertEquals(2, standIn.requests().sequentialRoundTrips());
        for (RequestLog.Timed request : standIn.requests().timed()) {
            assertTrue(request.endNanos() - request.startNanos() >= FAR.toNanos(), "answered after the latency");
        }
    }

    @Test
    void callsSentTogetherAreAnsweredTogether() throws Exception {
        standIn.apiLatency(FAR);
        ExecutorService threads = Executors.newFixedThreadPool(3);
        try (EcrClient ecr = ecr()) {
            ecr.describeRepositories(r -> { }); // the client's first call (connection, signer) before the race
            standIn.requests().clear();
            CountDownLatch go = new CountDownLatch(1);
            List<CompletableFuture<?>> calls = List.of(
                    CompletableFuture.runAsync(() -> await(go, () -> ecr.getAuthorizationToken()), threads),
                    CompletableFuture.runAsync(() -> await(go, () -> ecr.describeRepositories(r -> { })), threads),
                    CompletableFuture.runAsync(() -> await(go, () -> ecr.describeRepositories(r -> { })), threads));
            go.countDown();
            CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get();
        } finally {
            threads.shutdownNow();
        }
        assertEquals(3, standIn.requests().all().size());
        assertEquals(1, standIn.requests().sequentialRoundTrips(), "three requests under way together, one round trip");
    }

    @Test
    void theRegistryFacadeWaitsItsOwnLatency() throws Exception {
        standIn.registryLatency(FAR);
        HttpClient tls = HttpClient.newBuilder().sslContext(standIn.registryClientTls()).build();
        long start = System.nanoTime();
        HttpResponse<String> response = tls.send(HttpRequest.newBuilder(URI.create("https://"
                + standIn.registryHost() + "/v2/")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(401, response.statusCode(), "answered as usual");
        assertTrue(System.nanoTime() - start >= FAR.toNanos(), "after the latency");
        assertEquals(List.of(), standIn.requests().all(), "registry requests are not API requests");
    }

    @Test
    void theApiPortServesTheLogAndTheLatencyToLoopbackClients() throws Exception {
        try (EcrClient ecr = ecr()) {
            ecr.getAuthorizationToken();
            ecr.describeRepositories(r -> { });
        }
        JsonNode log = admin("GET", "requests", 200);
        assertEquals(2, log.path("count").asInt());
        assertEquals(2, log.path("sequentialRoundTrips").asInt());
        assertEquals("DescribeRepositories", log.path("requests").get(1).path("action").asText());
        assertEquals("OK", log.path("requests").get(1).path("outcome").asText());
        assertTrue(log.path("requests").get(1).path("startMs").asDouble()
                >= log.path("requests").get(0).path("endMs").asDouble(), log.toString());
        assertEquals(2, standIn.requests().all().size(), "its own requests are not logged");

        assertEquals(0, admin("DELETE", "requests", 200).path("count").asInt());
        assertEquals(List.of(), standIn.requests().all());

        assertEquals(150, admin("PUT", "latency?api-ms=150&registry-ms=20", 200).path("apiMs").asInt());
        JsonNode latency = admin("GET", "latency", 200);
        assertEquals(150, latency.path("apiMs").asInt());
        assertEquals(20, latency.path("registryMs").asInt());
        assertTrue(admin("PUT", "latency?api-ms=-1", 400).path("message").isTextual());
        assertTrue(admin("PUT", "latency?api-ms=5&sts-ms=5", 400).path("message").isTextual());
        assertEquals(150, admin("GET", "latency", 200).path("apiMs").asInt(), "a refused change changes nothing");
        admin("GET", "nothing-here", 404);
        admin("POST", "requests", 405);

        // ECR's own requests are untouched: still answered (now after the latency)
        try (EcrClient ecr = ecr()) {
            assertEquals(1, ecr.getAuthorizationToken().authorizationData().size());
        }
        assertEquals(List.of(new ApiCall("GetAuthorizationToken", EcrApiTest.KEY, ApiCall.OK)),
                standIn.requests().all());
    }

    private JsonNode admin(String method, String what, int status) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(standIn.apiEndpoint()
                + "/_standin/" + what)).method(method, HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(status, response.statusCode(), response.body());
        return EcrJson.MAPPER.readTree(response.body());
    }

    private static void await(CountDownLatch go, Runnable call) {
        try {
            go.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        call.run();
    }
}
