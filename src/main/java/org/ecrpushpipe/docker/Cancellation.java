package org.ecrpushpipe.docker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Stops work in progress from another thread: an adapter registers how to stop what it is doing (close a
 * connection, end a stream), and whoever decides it is no longer wanted calls {@link #cancel()}. Actions run once,
 * at once if the cancellation came first.
 */
public final class Cancellation {
    private final List<Runnable> actions = new ArrayList<>();
    private boolean cancelled;

    public void onCancel(Runnable action) {
        boolean now;
        synchronized (this) {
            now = cancelled;
            if (!now) {
                actions.add(action);
            }
        }
        if (now) {
            action.run();
        }
    }

    public void cancel() {
        List<Runnable> toRun;
        synchronized (this) {
            if (cancelled) {
                return;
            }
            cancelled = true;
            notifyAll();
            toRun = List.copyOf(actions);
            actions.clear();
        }
        toRun.forEach(Runnable::run);
    }

    public synchronized boolean isCancelled() {
        return cancelled;
    }

    /** Waits for {@code duration}, or less when cancelled meanwhile (then the caller sees {@link #isCancelled()}). */
    public synchronized void sleep(Duration duration) throws InterruptedException {
        long deadline = System.nanoTime() + duration.toNanos();
        for (long left = duration.toNanos(); !cancelled && left > 0; left = deadline - System.nanoTime()) {
            wait(Math.max(1, left / 1_000_000));
        }
    }
}
