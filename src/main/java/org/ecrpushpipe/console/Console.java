package org.ecrpushpipe.console;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The only code that prints. Lines look like Bitbucket's own pipes ({@code INFO:}, {@code WARNING:},
 * {@code ✔ …}, {@code ✖ …}), with ANSI colours unless turned off, and every line passes through a mask that
 * replaces any known secret value with {@code ****} — a last line of defence behind {@code Secret}.
 * The stream is UTF-8 whatever the locale, so {@code ✔}/{@code ✖} survive a container without {@code LANG}.
 */
public final class Console {
    private static final String BLUE = "\u001b[0;34m";
    private static final String YELLOW = "\u001b[0;33m";
    private static final String GREEN = "\u001b[0;32m";
    private static final String RED = "\u001b[0;31m";
    private static final String GREY = "\u001b[0;90m";
    private static final String RESET = "\u001b[0m";
    private static final int MIN_SECRET_LENGTH = 4;

    private final PrintStream out;
    private final boolean color;
    private final boolean debug;
    private final List<String> secrets = new CopyOnWriteArrayList<>();

    /**
     * @param out   a UTF-8 stream (see {@link #utf8Stdout()})
     * @param color whether to colour lines
     * @param debug whether {@code DEBUG:} lines and stack traces are shown
     */
    public Console(PrintStream out, boolean color, boolean debug) {
        this.out = out;
        this.color = color;
        this.debug = debug;
    }

    /** Standard output as UTF-8, whatever {@code LANG} says. */
    public static PrintStream utf8Stdout() {
        return new PrintStream(new FileOutputStream(FileDescriptor.out), true,
                StandardCharsets.UTF_8);
    }

    /** Never show {@code value}: every later line has it replaced by {@code ****}. */
    public void addSecret(String value) {
        if (value != null && value.length() >= MIN_SECRET_LENGTH && !secrets.contains(value)) {
            secrets.add(value);
            // longest first, so a secret containing another is masked whole
            secrets.sort((a, b) -> Integer.compare(b.length(), a.length()));
        }
    }

    public boolean debugEnabled() {
        return debug;
    }

    public void info(String message) {
        line(BLUE, "INFO: " + message);
    }

    public void debug(String message) {
        if (debug) {
            line(GREY, "DEBUG: " + message);
        }
    }

    public void warning(String message) {
        line(YELLOW, "WARNING: " + message);
    }

    public void success(String message) {
        line(GREEN, "✔ " + message);
    }

    /** A failure: {@code ✖ cause}, then the hint on a line of its own. */
    public void failure(String cause, String hint) {
        line(RED, "✖ " + cause);
        if (hint != null && !hint.isBlank()) {
            line(RED, "  Hint: " + hint);
        }
    }

    /** A further line of a failure, such as one problem of a list. */
    public void failureDetail(String text) {
        line(RED, text);
    }

    /** Output of another program (the image build), shown as it is, masked. */
    public void plain(String text) {
        line(null, text);
    }

    /** A stack trace, only when debugging. */
    public void stackTrace(Throwable error) {
        if (debug) {
            StringWriter trace = new StringWriter();
            error.printStackTrace(new PrintWriter(trace));
            line(GREY, trace.toString().stripTrailing());
        }
    }

    /** A writer for help and version text, masked like every other line. */
    public PrintWriter writer() {
        return new PrintWriter(new Writer() {
            private final StringBuilder pending = new StringBuilder();

            @Override
            public void write(char[] buffer, int offset, int length) {
                pending.append(buffer, offset, length);
                int newline;
                while ((newline = pending.indexOf("\n")) >= 0) {
                    plain(pending.substring(0, newline));
                    pending.delete(0, newline + 1);
                }
            }

            @Override
            public void flush() {
                if (!pending.isEmpty()) {
                    plain(pending.toString());
                    pending.setLength(0);
                }
            }

            @Override
            public void close() {
                flush();
            }
        }, true);
    }

    /** Replaces every known secret in {@code text} with {@code ****}. */
    public String mask(String text) {
        String masked = text;
        for (String secret : secrets) {
            masked = masked.replace(secret, "****");
        }
        return masked;
    }

    private synchronized void line(String colour, String text) {
        String masked = mask(text);
        if (color && colour != null) {
            out.println(colour + masked + RESET);
        } else {
            out.println(masked);
        }
        out.flush();
    }
}
