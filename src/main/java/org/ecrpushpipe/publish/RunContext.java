package org.ecrpushpipe.publish;

import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;

import org.ecrpushpipe.docker.Cancellation;
import org.ecrpushpipe.errors.Failures;

/**
 * How the use case reports, waits, times and runs work alongside, for one run: seams that tests replace so they
 * need not sleep, read the clock or start threads.
 *
 * @param events      where the run reports what it does
 * @param retryPolicy how often, and after which waits, a push that failed transiently is tried again
 * @param sleeper     waits between retries
 * @param nanoTime    the clock that times the build and the push
 * @param background  runs the registry side of the run while the engine builds (a direct executor runs it first)
 * @param cancellation cancelled when the run must stop (SIGTERM): the build or push in progress is abandoned, and
 *                    nothing further is pushed
 */
public record RunContext(PublishEvents events, RetryPolicy retryPolicy, Sleeper sleeper, LongSupplier nanoTime,
                         Executor background, Cancellation cancellation) {

    /** Waits between retries. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    /** Throws the cancellation failure when the run was cancelled. */
    void stopIfCancelled(String doing) {
        if (cancellation.isCancelled()) {
            throw Failures.cancelled(doing);
        }
    }

    /** The time since {@code start}, a reading of {@link #nanoTime}. */
    Duration since(long start) {
        return Duration.ofNanos(nanoTime.getAsLong() - start);
    }
}
