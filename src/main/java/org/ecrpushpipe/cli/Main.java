package org.ecrpushpipe.cli;

import java.nio.file.Path;
import java.time.Duration;

import org.ecrpushpipe.console.Console;
import org.ecrpushpipe.docker.Cancellation;
import org.ecrpushpipe.errors.ExitCode;

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
     * Runs the pipe. A SIGTERM (Bitbucket stopping the step, {@code docker stop}), Ctrl-C's SIGINT or a SIGHUP starts
     * the JVM's shutdown: a hook ({@link StopOnSignal}) then cancels the run, which abandons the build or push in
     * progress, waits for the run to report that, up to {@link #STOP_GRACE}, and ends the process with the run's
     * exit code, {@link ExitCode#CANCELLED} (143) whichever the signal.
     */
    @Override
    public int run(String... args) {
        Cancellation run = new Cancellation();
        StopOnSignal stop = new StopOnSignal(run, STOP_GRACE, Runtime.getRuntime()::halt);
        Runtime.getRuntime().addShutdownHook(new Thread(stop, "stop-on-signal"));
        int code = ExitCode.UNEXPECTED.code();
        try {
            code = PipeLauncher.launch(args, System.getenv(), Path.of("").toAbsolutePath(), Console.utf8Stdout(), run);
            return code;
        } finally {
            stop.ended(code);
        }
    }
}
