package org.ecrpushpipe.registry.ecr;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;

import org.ecrpushpipe.errors.Failures;
import org.ecrpushpipe.errors.RootCause;
import org.ecrpushpipe.registry.Digest;

/**
 * One GET of a pre-signed URL of ECR's layer storage, for a small blob (an image's configuration): the blob is read
 * whole, at most {@value #MAX_BYTES} bytes, and checked against its digest. The URL grants access to whoever holds
 * it, so no message names more of it than its host.
 */
final class BlobDownload {
    /** The most a blob read this way may hold: an image configuration is a few kilobytes. */
    static final int MAX_BYTES = 4 * 1024 * 1024;

    private final HttpClient http;
    private final Duration timeout;

    BlobDownload(Duration connectTimeout, Duration timeout) {
        this.http = HttpClient.newBuilder().connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NORMAL).build();
        this.timeout = timeout;
    }

    /** The blob's bytes, checked against {@code digest}. */
    byte[] read(String url, Digest digest, String repository) {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw Failures.blobUnreadable(digest.value(), repository, "ECR named no valid download address", e);
        }
        String host = String.valueOf(uri.getHost());
        HttpResponse<InputStream> answer;
        try {
            answer = http.send(HttpRequest.newBuilder(uri).timeout(timeout).GET().build(),
                    HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw Failures.blobUnreadable(digest.value(), repository, "its download from " + host + " failed: "
                    + RootCause.message(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw Failures.interrupted("reading the blob " + digest, e);
        }
        try (InputStream body = answer.body()) {
            if (answer.statusCode() != 200) {
                throw Failures.blobUnreadable(digest.value(), repository, host + " answered HTTP "
                        + answer.statusCode(), null);
            }
            return checked(body.readNBytes(MAX_BYTES + 1), digest, repository, host);
        } catch (IOException e) {
            throw Failures.blobUnreadable(digest.value(), repository, "its download from " + host + " broke off: "
                    + RootCause.message(e), e);
        }
    }

    /** The blob's bytes, when they are no more than a configuration's and are the digest's. */
    private static byte[] checked(byte[] bytes, Digest digest, String repository, String host) {
        if (bytes.length > MAX_BYTES) {
            throw Failures.blobUnreadable(digest.value(), repository, "it is larger than " + MAX_BYTES
                    + " bytes, too large for an image configuration", null);
        }
        String actual;
        try {
            actual = "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
        if (!actual.equals(digest.value())) {
            throw Failures.blobUnreadable(digest.value(), repository, host + " served content of another"
                    + " digest (" + actual + ")", null);
        }
        return bytes;
    }
}
