package org.ecrpushpipe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.ecrpushpipe.docker.Cancellation;
import org.ecrpushpipe.errors.ExitCode;
import org.junit.jupiter.api.Test;

/** The shutdown hook that turns a stop signal into a cancelled run and its exit code. */
class StopOnSignalTest {
    private final Cancellation run = new Cancellation();
    private final List<Integer> halted = new CopyOnWriteArrayList<>();

    @Test
    void aSignalDuringTheRunCancelsItAndEndsWithTheCodeItReports() throws Exception {
        StopOnSignal hook = new StopOnSignal(run, Duration.ofSeconds(30), halted::add);
        // the run: stops when cancelled, reports, and returns the cancelled run's code
        Thread pipe = new Thread(() -> {
            while (!run.isCancelled()) {
                Thread.onSpinWait();
            }
            hook.ended(ExitCode.CANCELLED.code());
        });
        pipe.start();

        hook.run();

        assertTrue(run.isCancelled());
        assertEquals(List.of(143), halted, "143 whatever the signal: the JVM alone would say 130 after Ctrl-C");
        pipe.join();
    }

    @Test
    void theRunsOwnCodeWinsWhenItFailedOtherwiseMeanwhile() {
        StopOnSignal hook = new StopOnSignal(run, Duration.ofSeconds(30), halted::add);
        run.onCancel(() -> hook.ended(ExitCode.PUSH.code()));

        hook.run();

        assertEquals(List.of(6), halted, "the exit code matches the ✖ line the run printed");
    }

    @Test
    void aRunThatHadEndedIsLeftAlone() {
        StopOnSignal hook = new StopOnSignal(run, Duration.ofSeconds(30), halted::add);
        hook.ended(0);

        hook.run(); // as when the JVM exits normally: the hook runs too

        assertFalse(run.isCancelled());
        assertEquals(List.of(), halted, "the JVM exits with the code the run returned");
    }

    @Test
    void aRunThatDoesNotReportWithinTheGraceIsLeftToTheJvm() {
        StopOnSignal hook = new StopOnSignal(run, Duration.ofMillis(100), halted::add);
        long started = System.nanoTime();

        hook.run();

        assertTrue(run.isCancelled());
        assertEquals(List.of(), halted, "no code is made up for a run that did not end");
        assertTrue(System.nanoTime() - started >= Duration.ofMillis(100).toNanos(), "it waited for the grace");
    }
}
