package org.ecrpushpipe.cli;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

import org.ecrpushpipe.docker.Cancellation;
import org.ecrpushpipe.errors.ExitCode;

/**
 * The JVM shutdown hook that turns a stop signal into a cancelled run. A SIGTERM (Bitbucket stopping the step,
 * {@code docker stop}), SIGINT (Ctrl-C) or SIGHUP starts the JVM's shutdown; this hook then cancels the run, waits
 * up to a grace period for it to report (its {@code ✖} line), and ends the process with the exit code the run
 * returned — {@link ExitCode#CANCELLED} for a cancelled run, whichever signal it was. Without that last step the
 * JVM would end with its own status for the signal: 143 after SIGTERM, but 130 after Ctrl-C and 129 after SIGHUP,
 * not the one code docs/errors.md documents. A run that does not report within the grace is left to the JVM (the signal's
 * status, no {@code ✖} line); a run that had already ended needs nothing.
 */
final class StopOnSignal implements Runnable {
    private final Cancellation run;
    private final Duration grace;
    private final IntConsumer halt;
    private final CountDownLatch ended = new CountDownLatch(1);
    private volatile int exitCode = ExitCode.UNEXPECTED.code();

    /**
     * @param run   cancelled when the hook runs while the run is still going
     * @param grace how long the hook waits for the run to report
     * @param halt  ends the process with an exit code, skipping the other hooks ({@code Runtime::halt}: the JVM is
     *              already shutting down, and {@code System.exit} would block)
     */
    StopOnSignal(Cancellation run, Duration grace, IntConsumer halt) {
        this.run = run;
        this.grace = grace;
        this.halt = halt;
    }

    /** Says the run has ended (its output is written) with {@code code}. */
    void ended(int code) {
        exitCode = code;
        ended.countDown();
    }

    @Override
    public void run() {
        if (ended.getCount() == 0) {
            return; // the run ended by itself and the JVM is exiting with its code
        }
        run.cancel();
        try {
            if (!ended.await(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        System.out.flush();
        System.err.flush();
        halt.accept(exitCode);
    }
}
