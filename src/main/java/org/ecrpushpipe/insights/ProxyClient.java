package org.ecrpushpipe.insights;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

/**
 * Bitbucket's API through the pipeline's authenticating proxy, with the JDK's HTTP client: plain HTTP to
 * {@code http://api.bitbucket.org/2.0/…}, sent to the proxy (which adds the step's credentials and goes on over
 * HTTPS), as Atlassian's guide for pipes does it ({@code curl --proxy http://host.docker.internal:29418}). Every
 * exchange is bounded as a whole — connecting, the answer's headers and its body — so a proxy that hangs costs a few
 * seconds, never the run. This is the one place that turns what went wrong into the reason the warning gives.
 */
final class ProxyClient {
    /** Where the API is asked for; the proxy forwards it. */
    static final URI API = URI.create("http://api.bitbucket.org/2.0/");
    private static final JsonFactory JSON = new JsonFactory();
    /** How much of Bitbucket's own error message the warning quotes. */
    private static final int MAX_MESSAGE = 200;

    private final URI proxy;
    private final Duration connectTimeout;
    /**
     * The proxy's address and a client for it, made in the background from the start of the run: the JDK's client
     * costs most of a second to make the first time (its classes, the default TLS context), which the report, sent
     * at the end, should not add to the run.
     */
    private final CompletableFuture<Connection> connection;

    /** The proxy's address as looked up, and a client that goes through it (none when the name did not resolve). */
    private record Connection(InetSocketAddress address, HttpClient http) {
    }

    /**
     * @param proxy          {@code http://host:port} of the pipeline's proxy
     * @param connectTimeout how long a connection to it may take
     */
    ProxyClient(URI proxy, Duration connectTimeout) {
        this.proxy = proxy;
        this.connectTimeout = connectTimeout;
        this.connection = CompletableFuture.supplyAsync(this::connection, task -> {
            Thread thread = new Thread(task, "code-insights-client");
            thread.setDaemon(true);
            thread.start();
        });
    }

    private Connection connection() {
        InetSocketAddress address = new InetSocketAddress(proxy.getHost(), proxy.getPort() == -1 ? 80
                : proxy.getPort());
        return new Connection(address, address.isUnresolved() ? null : HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1).proxy(ProxySelector.of(address)).connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER).build());
    }

    /** The report could not be sent; {@link #getMessage()} says why, in a few words. */
    static final class NotSent extends Exception {
        NotSent(String reason) {
            super(reason, null, false, false);
        }
    }

    /**
     * Sends {@code json} with {@code method} to {@code path} (relative to {@link #API}) and returns once the API
     * answered 2xx.
     *
     * @param within how long the whole exchange may take, the client's making (if still under way) included
     * @throws NotSent when the proxy cannot be reached, does not answer in time, or the API refuses
     */
    void send(String method, String path, String json, Duration within) throws NotSent {
        long deadline = System.nanoTime() + within.toNanos();
        Connection ready = ready(within);
        if (ready.http() == null) {
            throw new NotSent("the pipeline's proxy " + proxy + " cannot be reached: the name " + proxy.getHost()
                    + " does not resolve here");
        }
        Duration left = Duration.ofNanos(Math.max(1, deadline - System.nanoTime()));
        HttpRequest request = HttpRequest.newBuilder(API.resolve(path)).timeout(left)
                .header("Content-Type", "application/json").header("Accept", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8)).build();
        CompletableFuture<HttpResponse<byte[]>> exchange = ready.http().sendAsync(request,
                HttpResponse.BodyHandlers.ofByteArray());
        HttpResponse<byte[]> answer;
        try {
            answer = exchange.get(left.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            exchange.cancel(true);
            throw new NotSent(noAnswer(within));
        } catch (InterruptedException e) {
            exchange.cancel(true);
            Thread.currentThread().interrupt();
            throw new NotSent("the run was interrupted while sending it");
        } catch (ExecutionException e) {
            throw new NotSent(reason(e.getCause(), within));
        }
        int status = answer.statusCode();
        if (status / 100 != 2) {
            throw new NotSent(refused(status, answer.body()));
        }
    }

    /** The connection made in the background, waited for within the exchange's time: a resolver may hang. */
    private Connection ready(Duration within) throws NotSent {
        try {
            return connection.get(within.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new NotSent("the pipeline's proxy " + proxy + " cannot be reached: looking up " + proxy.getHost()
                    + " and preparing the connection took longer than " + seconds(within));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NotSent("the run was interrupted while sending it");
        } catch (ExecutionException e) {
            throw new NotSent(reason(e.getCause(), within));
        }
    }

    private String noAnswer(Duration within) {
        return "the pipeline's proxy " + proxy + " gave no answer within " + seconds(within);
    }

    /** Why the exchange failed, in the words of the warning. */
    private String reason(Throwable failure, Duration within) {
        if (failure instanceof HttpConnectTimeoutException) {
            return "the pipeline's proxy " + proxy + " cannot be reached: no connection within "
                    + seconds(connectTimeout);
        }
        if (failure instanceof HttpTimeoutException) {
            return noAnswer(within);
        }
        if (failure instanceof ConnectException) {
            return "the pipeline's proxy " + proxy + " cannot be reached (connection refused)";
        }
        if (failure instanceof IOException) {
            String message = failure.getMessage();
            return "the connection to the pipeline's proxy " + proxy + " failed ("
                    + (message == null || message.isBlank() ? failure.getClass().getSimpleName() : message) + ")";
        }
        return "the report could not be sent (" + failure + ")";
    }

    /**
     * What a refusal says: the status, and Bitbucket's own message ({@code message} of the reports service's
     * answer, or {@code error.message} of the API's), never more than a line.
     */
    private String refused(int status, byte[] body) {
        String message = message(body).replaceAll("\\p{Cntrl}+", " ").strip();
        if (message.length() > MAX_MESSAGE) {
            message = message.substring(0, MAX_MESSAGE - 1) + "…";
        }
        String who = status == 407 ? "the pipeline's proxy " + proxy : "Bitbucket";
        return who + " answered HTTP " + status + (message.isEmpty() ? "" : ": " + message);
    }

    /** {@code message}, or {@code error.message}, of a JSON answer; empty when there is none. */
    private static String message(byte[] body) {
        try (JsonParser parser = JSON.createParser(body)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return "";
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if (field.equals("message") && value == JsonToken.VALUE_STRING) {
                    return parser.getText();
                }
                if (field.equals("error") && value == JsonToken.START_OBJECT) {
                    String inner = message(parser);
                    if (!inner.isEmpty()) {
                        return inner;
                    }
                } else {
                    parser.skipChildren();
                }
            }
        } catch (IOException e) {
            // not JSON: the status says enough
        }
        return "";
    }

    /** The {@code message} field of the object the parser is in. */
    private static String message(JsonParser parser) throws IOException {
        String found = "";
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            JsonToken value = parser.nextToken();
            if (field.equals("message") && value == JsonToken.VALUE_STRING) {
                found = parser.getText();
            } else {
                parser.skipChildren();
            }
        }
        return found;
    }

    private static String seconds(Duration duration) {
        return String.format(Locale.ROOT, "%d s", Math.max(1, duration.toSeconds()));
    }
}
