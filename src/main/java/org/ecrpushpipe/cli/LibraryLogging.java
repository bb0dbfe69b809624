package org.ecrpushpipe.cli;

import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.ecrpushpipe.console.Console;

/**
 * Keeps what libraries log (docker-java logs a stack trace at ERROR when a build fails) out of the user's view,
 * unless DEBUG is on: then their records at INFO and above go through the console, masked like every line.
 * Quarkus' own console log handler is off (application.properties), so this is the only route out.
 */
final class LibraryLogging implements AutoCloseable {
    private final Logger root = Logger.getLogger("");
    private final Handler handler;

    private LibraryLogging(Console console) {
        this.handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (!isLoggable(record)) {
                    return;
                }
                String message = record.getMessage();
                try {
                    if (record.getParameters() != null && message != null) {
                        message = java.text.MessageFormat.format(message, record.getParameters());
                    }
                } catch (IllegalArgumentException e) {
                    // keep the unformatted message
                }
                console.debug("[" + record.getLoggerName() + "] " + message);
                if (record.getThrown() != null) {
                    console.stackTrace(record.getThrown());
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        handler.setLevel(Level.INFO);
    }

    /** Routes library logging to {@code console} when it shows debug lines; otherwise adds nothing. */
    static LibraryLogging route(Console console) {
        LibraryLogging logging = new LibraryLogging(console);
        if (console.debugEnabled()) {
            logging.root.addHandler(logging.handler);
        }
        return logging;
    }

    @Override
    public void close() {
        root.removeHandler(handler);
    }
}
