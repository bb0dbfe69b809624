package org.ecrpushpipe.docker.engine;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/** The last lines a build step printed, so that a failed step can show them with its failure. */
final class StepOutput {
    /** How many of a failed step's last lines its failure shows. */
    static final int LINES = 10;

    private final Deque<String> lines = new ArrayDeque<>();

    /** A new step began: the previous step's lines no longer matter. */
    void newStep() {
        lines.clear();
    }

    void add(String line) {
        String text = line.stripTrailing();
        if (text.isBlank() || text.startsWith(" ---> ") || text.startsWith("Removing intermediate container ")) {
            return; // the engine's own bookkeeping (" ---> Running in …"), not the command's output
        }
        if (lines.size() == LINES) {
            lines.removeFirst();
        }
        lines.addLast(text);
    }

    /** The step's last lines, oldest first. */
    List<String> lastLines() {
        return List.copyOf(lines);
    }
}
