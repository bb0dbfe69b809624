package org.ecrpushpipe.docker.engine;

import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

import org.ecrpushpipe.docker.engine.buildkit.Vertex;
import org.ecrpushpipe.docker.engine.buildkit.VertexLog;
import org.ecrpushpipe.docker.engine.buildkit.VertexStatus;

import com.google.protobuf.Timestamp;

/**
 * One vertex of a BuildKit build as {@link BuildKitProgress} shows it: its latest state, its number once printed,
 * and what it has not printed yet (task lines, warnings, whole lines of output); the last lines of its output stay
 * for a failure.
 */
final class BuildKitVertex {
    /** A task line is shown again only after this share of its total or this many seconds (progressui's rule). */
    private static final double MIN_PROGRESS = 0.05;
    private static final double MIN_SECONDS = 5;

    private final String digest;
    private Vertex vertex;
    /** The last state sent with a start time: a repeat of it is no news. */
    private Vertex lastStarted;
    private int number;
    private boolean counted;
    private final Map<String, VertexStatus> tasks = new HashMap<>();
    /** The tasks that have started, in that order: only those are shown. */
    private final Set<String> taskOrder = new LinkedHashSet<>();
    private final Set<String> changedTasks = new LinkedHashSet<>();
    /** Per task, the progress and time it was last shown with. */
    private final Map<String, double[]> shownTasks = new LinkedHashMap<>();
    private final List<String> warnings = new ArrayList<>();
    /** Whole lines not printed yet: the seconds since the start, a space, the text. */
    private final Deque<String> pending = new ArrayDeque<>();
    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
    private double partialAt;
    private final StepOutput lastLines = new StepOutput();

    BuildKitVertex(String digest) {
        this.digest = digest;
    }

    /** Takes a new state of the vertex; whether it is news (progressui's {@code triggerVertexEvent}). */
    boolean update(Vertex next) {
        boolean wasStarted = vertex != null && vertex.hasStarted();
        boolean news = false;
        if (next.hasStarted()) {
            Vertex old = lastStarted == null ? Vertex.getDefaultInstance() : lastStarted;
            news = !next.getName().equals(old.getName()) || !next.getStarted().equals(old.getStarted())
                    || next.hasCompleted() && !next.getCompleted().equals(old.getCompleted())
                    || next.getCached() != old.getCached() || !next.getError().equals(old.getError());
            lastStarted = next;
        }
        if (!(wasStarted && !next.hasStarted())) {
            vertex = next;
        }
        return news;
    }

    void task(VertexStatus task) {
        VertexStatus before = tasks.get(task.getID());
        if (task.hasStarted() && (before == null || !before.hasStarted())) {
            taskOrder.add(task.getID());
        }
        tasks.put(task.getID(), task);
        changedTasks.add(task.getID());
    }

    void warning(String text) {
        warnings.add(text);
    }

    /** A chunk of the command's output: whole lines wait to be printed, a partial line waits for its end. */
    void log(VertexLog log) {
        byte[] data = log.getMsg().toByteArray();
        int from = 0;
        while (from < data.length) {
            if (partial.size() == 0) {
                partialAt = vertex.hasStarted() ? seconds(log.getTimestamp()) - seconds(vertex.getStarted()) : 0;
            }
            int newline = indexOf(data, from, (byte) '\n');
            int end = newline < 0 ? data.length : newline;
            int take = Math.min(end - from, BuildKitProgress.MAX_LINE - partial.size());
            partial.write(data, from, take);
            from += take;
            if (from == newline) {
                endLine();
                from++;
            } else if (partial.size() >= BuildKitProgress.MAX_LINE) {
                endLine(); // a line without end is handed on in pieces, so memory stays bounded
            }
        }
    }

    private void endLine() {
        String text = partial.toString(StandardCharsets.UTF_8);
        partial.reset();
        pending.add(String.format(Locale.ROOT, "%." + precision(partialAt) + "f ", partialAt) + text);
        lastLines.add(text);
    }

    /** progressui: three decimals below 10 s, two below 100 s, else one. */
    private static int precision(double seconds) {
        return seconds < 10 ? 3 : seconds < 100 ? 2 : 1;
    }

    /** Prints what is new: task lines (throttled), warnings, whole lines of output. */
    void printNews(Consumer<String> output) {
        for (String id : taskOrder) {
            if (changedTasks.contains(id)) {
                taskLine(tasks.get(id)).ifPresent(output);
            }
        }
        changedTasks.clear();
        warnings.forEach(w -> output.accept("#" + number + " WARN: " + w));
        warnings.clear();
        while (!pending.isEmpty()) {
            output.accept("#" + number + " " + pending.removeFirst());
        }
    }

    /** progressui's task line: {@code #7 ID[ current / total][ 1.2s][ done]}, unless shown a moment ago. */
    private Optional<String> taskLine(VertexStatus task) {
        double at = seconds(task.getTimestamp());
        double[] shown = shownTasks.get(task.getID());
        if (shown != null && !task.hasCompleted()) {
            double progress = task.getTotal() > 0 ? (task.getCurrent() - shown[0]) / task.getTotal() : 0;
            if (progress < MIN_PROGRESS && at - shown[1] < MIN_SECONDS) {
                return Optional.empty();
            }
        }
        shownTasks.put(task.getID(), new double[] {task.getCurrent(), at});
        StringBuilder line = new StringBuilder("#").append(number).append(' ').append(task.getID());
        if (task.getTotal() != 0) {
            line.append(' ').append(units(task.getCurrent())).append(" / ").append(units(task.getTotal()));
        } else if (task.getCurrent() != 0) {
            line.append(' ').append(units(task.getCurrent()));
        }
        if (task.hasStarted()) {
            double end = task.hasCompleted() ? seconds(task.getCompleted()) : at;
            double took = end - seconds(task.getStarted());
            if (took > 0.01) {
                line.append(String.format(Locale.ROOT, " %.1fs", took));
            }
        }
        return Optional.of(task.hasCompleted() ? line.append(" done").toString() : line.toString());
    }

    /** The block's last lines: an unfinished line of output, then DONE, CACHED, ERROR or CANCELED. */
    void printEnd(Consumer<String> output) {
        if (partial.size() > 0) {
            endLine();
        }
        printNews(output);
        if (cancelled()) {
            output.accept("#" + number + " CANCELED");
        } else if (failed()) {
            String[] lines = error().split("\n");
            output.accept("#" + number + " ERROR: " + lines[0]);
            for (int i = 1; i < lines.length; i++) {
                output.accept(lines[i]);
            }
        } else if (cached()) {
            output.accept("#" + number + " CACHED");
        } else {
            String took = vertex.hasStarted() ? String.format(Locale.ROOT, " %.1fs",
                    seconds(vertex.getCompleted()) - seconds(vertex.getStarted())) : "";
            output.accept("#" + number + " DONE" + took);
        }
    }

    /** tonistiigi/units' {@code %.2f} of a byte count, as progressui prints sizes: decimal units, bytes below 1 kB. */
    static String units(long bytes) {
        String[] units = {"B", "kB", "MB", "GB", "TB", "PB", "EB"};
        if (bytes < 1000) {
            return bytes + "B";
        }
        double value = bytes;
        int unit = 0;
        while (value >= 1000 && unit < units.length - 1) {
            value /= 1000;
            unit++;
        }
        return new BigDecimal(value).setScale(2, RoundingMode.HALF_EVEN).toPlainString() + units[unit];
    }

    private static double seconds(Timestamp time) {
        return time.getSeconds() + time.getNanos() / 1e9;
    }

    private static int indexOf(byte[] data, int from, byte wanted) {
        for (int i = from; i < data.length; i++) {
            if (data[i] == wanted) {
                return i;
            }
        }
        return -1;
    }

    String digest() {
        return digest;
    }

    /** Whether its state arrived (a task or a log of a vertex never announced is not shown). */
    boolean known() {
        return vertex != null;
    }

    String name() {
        return vertex.getName();
    }

    String error() {
        return vertex.getError();
    }

    int number() {
        return number;
    }

    void number(int given) {
        number = given;
    }

    boolean running() {
        return vertex != null && vertex.hasStarted() && !vertex.hasCompleted();
    }

    boolean completed() {
        return vertex.hasCompleted();
    }

    double completedAt() {
        return seconds(vertex.getCompleted());
    }

    boolean failed() {
        return !vertex.getError().isEmpty();
    }

    /** Stopped because the build ended otherwise (another step failed, the client went): BuildKit's own word. */
    boolean cancelled() {
        return vertex.getError().endsWith("context canceled");
    }

    boolean cached() {
        return vertex.getCached();
    }

    boolean counted() {
        return counted;
    }

    void count() {
        counted = true;
    }

    int pendingLines() {
        return pending.size();
    }

    List<String> lastLines() {
        return lastLines.lastLines();
    }
}
