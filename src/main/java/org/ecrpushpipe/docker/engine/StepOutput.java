package org.ecrpushpipe.docker.engine;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.regex.Pattern;

/** The last lines a build step printed, so that a failed step can show them with its failure. */
final class StepOutput {
    /** How many of a failed step's last lines its failure shows. */
    static final int LINES = 10;
    /**
     * The colour codes the classic builder wraps a step's stderr in ({@code ESC[91m} … {@code ESC[0m}, the reset
     * at the start of the next line): the pipe's own lines quote the text, not the engine's colours.
     */
    private static final Pattern ANSI_ESCAPE = Pattern.compile("\u001B\\[[0-9;?]*[ -/]*[@-~]");

    private final Deque<String> lines = new ArrayDeque<>();

    /** A new step began: the previous step's lines no longer matter. */
    void newStep() {
        lines.clear();
    }

    void add(String line) {
        String text = ANSI_ESCAPE.matcher(line).replaceAll("").stripTrailing();
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
