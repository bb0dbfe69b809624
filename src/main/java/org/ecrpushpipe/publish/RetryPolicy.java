package org.ecrpushpipe.publish;

import java.time.Duration;
import java.util.Objects;
import java.util.function.DoubleSupplier;

/**
 * How often a push that failed transiently is tried again, and how long to wait first: capped exponential backoff
 * with full jitter (AWS Architecture Blog, "Exponential Backoff And Jitter"). The wait before attempt {@code n + 1}
 * is a random part of {@code min(maxWait, 2 s × 2^(n-1))}: up to 2, 4, 8, 16 s… and never more than
 * {@code maxWait}. The randomness spreads the retries of many pipelines that failed at the same moment (a registry
 * hiccup, throttling) instead of sending them back together.
 *
 * <p>Only the pipe's own push attempts count here; the Docker engine retries each layer upload itself within
 * every attempt, and the AWS SDK retries ECR API calls under its own strategy.
 */
public final class RetryPolicy {
    /** The ceiling of the first wait; each later one doubles it, up to the cap. */
    static final Duration FIRST_WAIT_CEILING = Duration.ofSeconds(2);

    private final int retries;
    private final Duration maxWait;
    private final DoubleSupplier random;

    /**
     * @param retries attempts after the first (RETRIES), 0 or more
     * @param maxWait the longest single wait (RETRY_MAX_SECONDS), positive
     * @param random  uniform in [0, 1), e.g. {@code Math::random}; a seam so tests choose the jitter
     */
    public RetryPolicy(int retries, Duration maxWait, DoubleSupplier random) {
        if (retries < 0) {
            throw new IllegalArgumentException("retries must not be negative: " + retries);
        }
        if (maxWait.isNegative() || maxWait.isZero()) {
            throw new IllegalArgumentException("the longest wait must be positive: " + maxWait);
        }
        this.retries = retries;
        this.maxWait = maxWait;
        this.random = Objects.requireNonNull(random, "random");
    }

    /** All attempts, the first included. */
    public int attempts() {
        return retries + 1;
    }

    /** Whether another attempt may follow attempt {@code attempt} (counted from 1) that failed transiently. */
    public boolean mayRetryAfter(int attempt) {
        return attempt >= 1 && attempt <= retries;
    }

    /** The longest the wait after failed attempt {@code attempt} (from 1) can be: the backoff, capped. */
    public Duration ceilingAfter(int attempt) {
        if (attempt < 1) {
            throw new IllegalArgumentException("attempts count from 1: " + attempt);
        }
        // 2 s × 2^(attempt-1), without overflow: past 2^20 s every cap the pipe allows is smaller anyway
        long ceilingMillis = FIRST_WAIT_CEILING.toMillis() << Math.min(attempt - 1, 20);
        return Duration.ofMillis(Math.min(ceilingMillis, maxWait.toMillis()));
    }

    /** How long to wait after failed attempt {@code attempt} (from 1): a random part of {@link #ceilingAfter}. */
    public Duration waitAfter(int attempt) {
        double fraction = random.getAsDouble();
        if (!(fraction >= 0 && fraction < 1)) {
            throw new IllegalStateException("the random source must give a number in [0, 1), not " + fraction);
        }
        return Duration.ofMillis((long) (ceilingAfter(attempt).toMillis() * fraction));
    }
}
