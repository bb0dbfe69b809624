package org.ecrpushpipe.standin;

import java.time.Duration;
import java.util.Objects;

/**
 * How far away a server of the stand-in is: every request waits this long before it is answered, each in its own
 * thread, so requests sent together are still answered together (as a region far away answers them). Zero by
 * default; can change while the stand-in runs.
 */
final class Latency {
    private volatile Duration value;

    Latency(Duration value) {
        set(value);
    }

    void set(Duration value) {
        if (Objects.requireNonNull(value, "latency").isNegative()) {
            throw new IllegalArgumentException("a latency cannot be negative: " + value);
        }
        this.value = value;
    }

    Duration get() {
        return value;
    }

    /** Waits out the latency, in the thread of the request. */
    void await() {
        Duration now = value;
        if (!now.isZero()) {
            sleep(now);
        }
    }

    static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
