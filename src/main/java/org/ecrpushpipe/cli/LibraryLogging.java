package org.ecrpushpipe.cli;

import java.text.MessageFormat;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.ecrpushpipe.console.Console;

/**
 * Keeps what libraries log (docker-java logs a stack trace at ERROR when a build fails) out of the user's view,
 * unless DEBUG is on: then their records at INFO and above go through the console, masked like every line.
 * Every other handler is detached while the pipe runs: Quarkus reads its logging settings from the
 * environment and from a {@code .env} file in the working directory (the user's clone), so a console or file
 * handler could otherwise be switched back on and print, or write into the build context, what libraries log.
 */
final class LibraryLogging implements AutoCloseable {
    private final Logger root = Logger.getLogger("");
    private final Handler handler;
    private final Map<Logger, Handler[]> detached = new HashMap<>();

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
                        message = MessageFormat.format(message, record.getParameters());
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

    /**
     * Detaches every log handler, and routes library logging to {@code console} when it shows debug lines.
     * {@link #close()} puts things back as they were.
     */
    static LibraryLogging route(Console console) {
        LibraryLogging logging = new LibraryLogging(console);
        LogManager manager = LogManager.getLogManager();
        for (String name : Collections.list(manager.getLoggerNames())) {
            Logger logger = manager.getLogger(name);
            if (logger != null && logger.getHandlers().length > 0) {
                Handler[] handlers = logger.getHandlers();
                logging.detached.put(logger, handlers);
                for (Handler h : handlers) {
                    logger.removeHandler(h);
                }
            }
        }
        if (console.debugEnabled()) {
            logging.root.addHandler(logging.handler);
        }
        return logging;
    }

    @Override
    public void close() {
        root.removeHandler(handler);
        detached.forEach((logger, handlers) -> {
            for (Handler h : handlers) {
                logger.addHandler(h);
            }
        });
    }
}
