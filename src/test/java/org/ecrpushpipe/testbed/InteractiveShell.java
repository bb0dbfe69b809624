package org.ecrpushpipe.testbed;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * An interactive bash on a pseudo-terminal (util-linux {@code script}), typed into one line at a time the way a
 * person types: each line is sent only once the shell shows its prompt again, so a command that reads the terminal
 * never swallows the lines after it. Job control is on, as in any terminal. Everything the terminal showed is kept
 * in {@link #transcript()}.
 */
final class InteractiveShell implements AutoCloseable {
    private static final String PS1 = "<bed-ps1> ";
    private static final String PS2 = "<bed-ps2> ";

    private final Process process;
    private final Path rcFile;
    private final StringBuilder transcript = new StringBuilder();
    private final Thread reader;

    private InteractiveShell(Process process, Path rcFile) {
        this.process = process;
        this.rcFile = rcFile;
        this.reader = new Thread(this::readAll, "interactive-shell-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Starts {@code bash -i} in {@code directory} with exactly {@code environment}, and waits for its first prompt.
     * The shell reads no startup files but one that sets its prompts (and keeps line editing off, so the
     * terminal shows plain text).
     */
    static InteractiveShell start(Path directory, Map<String, String> environment, Duration timeout)
            throws IOException, InterruptedException {
        Path rc = Files.createTempFile("bed-shell-", ".rc");
        Files.writeString(rc, "PS1='" + PS1 + "'\nPS2='" + PS2 + "'\n");
        ProcessBuilder builder = new ProcessBuilder("script", "--quiet", "--flush", "--return", "--command",
                "bash --rcfile " + rc + " --noediting -i", "/dev/null")
                .directory(directory.toFile())
                .redirectErrorStream(true);
        builder.environment().clear();
        builder.environment().putAll(environment);
        InteractiveShell shell;
        try {
            shell = new InteractiveShell(builder.start(), rc);
        } catch (IOException e) {
            Files.deleteIfExists(rc);
            throw new IOException("could not start `script` (util-linux's bsdutils): " + e.getMessage(), e);
        }
        shell.awaitPrompts(1, timeout, "the first prompt");
        return shell;
    }

    /** Types {@code line} and a newline, and waits until the shell prompts again (PS1 or PS2). */
    void type(String line, Duration timeout) throws IOException, InterruptedException {
        int before = prompts();
        send(line);
        awaitPrompts(before + 1, timeout, "the prompt after `" + line + "`");
    }

    /** Types {@code line} (e.g. {@code exit}) and waits until the shell and the terminal have ended. */
    int typeLast(String line, Duration timeout) throws IOException, InterruptedException {
        send(line);
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("the shell did not end within " + timeout + " after `" + line + "`:\n"
                    + transcript());
        }
        reader.join(TimeUnit.SECONDS.toMillis(10));
        return process.exitValue();
    }

    /** Everything the terminal showed so far, without carriage returns. */
    String transcript() {
        synchronized (transcript) {
            return transcript.toString().replace("\r", "");
        }
    }

    private void send(String line) throws IOException {
        Writer in = new java.io.OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        in.write(line + "\n");
        in.flush();
    }

    private int prompts() {
        String text = transcript();
        return count(text, PS1) + count(text, PS2);
    }

    private static int count(String text, String marker) {
        int n = 0;
        for (int i = text.indexOf(marker); i >= 0; i = text.indexOf(marker, i + marker.length())) {
            n++;
        }
        return n;
    }

    private void awaitPrompts(int wanted, Duration timeout, String what) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (prompts() < wanted) {
            if (!process.isAlive()) {
                reader.join(TimeUnit.SECONDS.toMillis(5));
                if (prompts() >= wanted) {
                    return;
                }
                throw new AssertionError("the shell ended (exit " + process.exitValue() + ") while waiting for "
                        + what + ":\n" + transcript());
            }
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("no " + what + " within " + timeout + ":\n" + transcript());
            }
            Thread.sleep(50);
        }
    }

    private void readAll() {
        try (Reader out = new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)) {
            char[] buffer = new char[8192];
            for (int n; (n = out.read(buffer)) >= 0; ) {
                synchronized (transcript) {
                    transcript.append(buffer, 0, n);
                }
            }
        } catch (IOException ended) {
            // the terminal closed
        }
    }

    /** Ends the terminal if it still runs (closing it hangs up the shell, as closing a window does). */
    @Override
    public void close() throws IOException, InterruptedException {
        if (process.isAlive()) {
            process.getOutputStream().close();
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }
        Files.deleteIfExists(rcFile);
    }
}
