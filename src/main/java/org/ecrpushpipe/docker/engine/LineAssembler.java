package org.ecrpushpipe.docker.engine;

import java.util.function.Consumer;

/**
 * Turns the engine's stream chunks (partial lines, newlines sent as chunks of their own) into whole lines.
 */
final class LineAssembler {
    private final StringBuilder pending = new StringBuilder();
    private final Consumer<String> lines;

    LineAssembler(Consumer<String> lines) {
        this.lines = lines;
    }

    synchronized void accept(String chunk) {
        if (chunk == null) {
            return;
        }
        pending.append(chunk);
        int newline;
        while ((newline = pending.indexOf("\n")) >= 0) {
            String line = pending.substring(0, newline).stripTrailing();
            pending.delete(0, newline + 1);
            lines.accept(line);
        }
    }

    synchronized void flush() {
        if (!pending.isEmpty()) {
            lines.accept(pending.toString().stripTrailing());
            pending.setLength(0);
        }
    }
}
