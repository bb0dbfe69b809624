package org.ecrpushpipe.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.ecrpushpipe.console.Console;
import org.ecrpushpipe.docker.Cancellation;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusApplication;
import io.quarkus.runtime.annotations.QuarkusMain;

/**
 * The entry point, and the only code that reads the process environment: it hands the environment, the working
 * directory and a UTF-8 standard output to {@link PipeLauncher}.
 */
@QuarkusMain
public class Main implements QuarkusApplication {

    /**
     * Starts Quarkus with its own output switched off. Quarkus also reads its settings from a {@code .env} file in
     * the working directory, which for a pipe is the user's clone; system properties outrank that file, so no
     * banner, log line or log file of the framework's can appear whatever the clone holds.
     */
    public static void main(String... args) {
        System.setProperty("quarkus.banner.enabled", "false");
        System.setProperty("quarkus.log.console.enable", "false");
        System.setProperty("quarkus.log.file.enable", "false");
        System.setProperty("quarkus.log.syslog.enable", "false");
        Quarkus.run(Main.class, args);
    }

    /** How long a SIGTERM waits for the run to stop and say so, before the process ends anyway. */
    static final Duration STOP_GRACE = Duration.ofSeconds(10);

    /**
     * Runs the pipe. A SIGTERM (Bitbucket stopping the step, {@code docker stop}, Ctrl-C's SIGINT alike) starts the
     * JVM's shutdown: a hook then cancels the run, which abandons the build or push in progress, and waits for the
     * run to report that, up to {@link #STOP_GRACE}; the process then ends with the signal's status (143 for
     * SIGTERM), which is {@link org.ecrpushpipe.errors.ExitCode#CANCELLED}.
     */
    @Override
    public int run(String... args) {
        Cancellation run = new Cancellation();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            run.cancel();
            try {
                stopped.await(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "stop-on-signal"));
        try {
            return PipeLauncher.launch(args, System.getenv(), Path.of("").toAbsolutePath(), Console.utf8Stdout(),
                    run);
        } finally {
            stopped.countDown();
        }
    }
}
