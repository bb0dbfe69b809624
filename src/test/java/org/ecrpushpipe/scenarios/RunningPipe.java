package org.ecrpushpipe.scenarios;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A pipe run started in the background, for tests that stop it the way Bitbucket stops a step: its output is read
 * as it comes, so a test can wait for a line (the build's RUN step started, {@code Pushing …}) and then
 * {@link #terminate() send SIGTERM} (or Ctrl-C's {@link #interrupt() SIGINT}). Closing it kills what is still running of it — only this run's own process or
 * container, never anything else.
 */
public final class RunningPipe implements AutoCloseable {
    /** How a launcher delivers a signal to its run: the process itself, or the container it started. */
    interface Signals {
        /** Sends the signal named {@code name} ({@code TERM}, {@code INT}); returns once it was delivered. */
        void send(Process process, String name);

        /** Ends the run at once (SIGKILL) and removes what it left, when a test gives up on it. */
        void kill(Process process);
    }

    private final String name;
    private final Process process;
    private final Signals signals;
    private final StringBuilder output = new StringBuilder();
    private final Thread reader;

    private RunningPipe(String name, Process process, Signals signals) {
        this.name = name;
        this.process = process;
        this.signals = signals;
        this.reader = new Thread(this::readOutput, "output of " + name);
        this.reader.setDaemon(true);
        this.reader.start();
    }

    /** Starts {@code command} with exactly {@code env} in {@code directory}, stdout and stderr together. */
    static RunningPipe start(String name, List<String> command, Map<String, String> env, Path directory,
                             Signals signals) {
        ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true);
        builder.environment().clear();
        builder.environment().putAll(env);
        try {
            return new RunningPipe(name, builder.start(), signals);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + command, e);
        }
    }

    private void readOutput() {
        char[] buffer = new char[8192];
        try (Reader in = new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)) {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                synchronized (output) {
                    output.append(buffer, 0, n);
                    output.notifyAll();
                }
            }
        } catch (IOException e) {
            // the process is gone; what it printed so far is kept
        }
    }

    /** Everything printed so far. */
    public String output() {
        synchronized (output) {
            return output.toString();
        }
    }

    /**
     * Waits until the output matches {@code pattern} (anywhere, multi-line) and returns the match; fails the test
     * with the output so far when the run ends first or {@code timeout} passes.
     */
    public Matcher awaitOutput(Pattern pattern, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (output) {
            while (true) {
                Matcher matcher = pattern.matcher(output);
                if (matcher.find()) {
                    return matcher;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0 || (!reader.isAlive())) {
                    throw new AssertionError(name + (reader.isAlive() ? " printed nothing matching " : " ended without"
                            + " printing ") + pattern + " within " + timeout + ":\n" + output);
                }
                try {
                    output.wait(Math.max(1, Math.min(left / 1_000_000, 200)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError("interrupted while waiting for " + pattern, e);
                }
            }
        }
    }

    /** Whether the run is still going. */
    public boolean isAlive() {
        return process.isAlive();
    }

    /** Sends SIGTERM, the way Bitbucket (and {@code docker stop}) stops a step; returns once it was delivered. */
    public void terminate() {
        signals.send(process, "TERM");
    }

    /** Sends SIGINT, what Ctrl-C sends a run in a terminal; returns once it was delivered. */
    public void interrupt() {
        signals.send(process, "INT");
    }

    /**
     * Waits up to {@code timeout} for the run to end, and for its output to be read to the end; empty when it is
     * still running then.
     */
    public OptionalInt awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
            return OptionalInt.empty();
        }
        reader.join(TimeUnit.SECONDS.toMillis(10));
        return OptionalInt.of(process.exitValue());
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            signals.kill(process);
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }
}
