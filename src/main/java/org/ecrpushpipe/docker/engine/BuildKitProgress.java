package org.ecrpushpipe.docker.engine;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;

import org.ecrpushpipe.docker.engine.buildkit.StatusResponse;
import org.ecrpushpipe.docker.engine.buildkit.Vertex;
import org.ecrpushpipe.docker.engine.buildkit.VertexLog;
import org.ecrpushpipe.docker.engine.buildkit.VertexStatus;
import org.ecrpushpipe.docker.engine.buildkit.VertexWarning;

import com.google.protobuf.InvalidProtocolBufferException;

/**
 * Shows a BuildKit build's status as {@code docker build --progress=plain} prints it, line by line as it comes: a
 * block per vertex, {@code #5 [stage-1 2/3] RUN make}, the command's own lines {@code #5 0.123 text} (seconds since
 * the step started), task lines ({@code #7 exporting layers 0.1s done}), and {@code #5 DONE 0.4s}, {@code #5 CACHED},
 * {@code #5 ERROR: …} or {@code #5 CANCELED}; {@code #4 ...} when the output turns to another vertex before one is
 * done, and a blank line between blocks. This follows BuildKit's own plain printer ({@code util/progress/progressui},
 * {@code printer.go}) as the docker CLI 23 and later and buildx use it: vertexes are numbered when first printed,
 * with no digest line (the 20.10 CLI numbers them when first seen, which on newer engines prints the steps out of
 * order). Unlike the CLI it prints after every status message rather than every 100 ms, so a few lines that the
 * CLI's ticker merges show here.
 *
 * <p>It also keeps what a failure needs: the first vertex that failed (not one merely cancelled, nor a cache import
 * that failed, which BuildKit skips) with its last lines. And it counts the Dockerfile's steps as the user sees
 * them: vertexes named {@code [stage n/m] …} (BuildKit's own {@code [internal]} vertexes, the context transfer and
 * the export are not steps), each once, {@code FROM} not included (as {@link org.ecrpushpipe.docker.BuildOutcome.Built}
 * counts), and of those the ones BuildKit reported {@code CACHED}.
 *
 * <p>Memory stays bounded whatever the build prints: a vertex's lines are handed on as they are printed; a line
 * longer than {@value #MAX_LINE} bytes is cut into pieces of that size; a vertex that is not the one being shown is
 * shown anyway once {@value #MAX_PENDING} of its lines are waiting.
 */
final class BuildKitProgress implements Consumer<byte[]> {
    /** A Dockerfile step's vertex: {@code [1/4] COPY …}, {@code [stage-1 2/3] RUN …}, {@code [linux/amd64 base 1/2] …}. */
    private static final Pattern STEP = Pattern.compile("\\[[^\\]]*\\b\\d+/\\d+] .*");
    private static final Pattern FROM_STEP = Pattern.compile("\\[[^\\]]*\\b\\d+/\\d+] FROM .*");
    /** BuildKit goes on without the cache when importing it fails; that error never fails the build. */
    private static final String CACHE_IMPORT = "importing cache manifest from ";
    static final int MAX_LINE = 16 * 1024;
    static final int MAX_PENDING = 200;

    private final Consumer<String> output;
    private final Map<String, BuildKitVertex> vertexes = new LinkedHashMap<>();
    /** Vertexes with something not printed yet, in the order their news came. */
    private final Set<String> updated = new LinkedHashSet<>();
    /** The vertex whose block is open, or empty. */
    private String current = "";
    private int numbered;
    private boolean firstBlock = true;
    private int steps;
    private int cachedSteps;
    private BuildKitVertex failed;

    BuildKitProgress(Consumer<String> output) {
        this.output = output;
    }

    /** One status message: the bytes of a {@code StatusResponse}. */
    @Override
    public void accept(byte[] trace) {
        StatusResponse status;
        try {
            status = StatusResponse.parseFrom(trace);
        } catch (InvalidProtocolBufferException e) {
            return; // a status that cannot be read is not shown; the build's outcome comes in other messages
        }
        update(status);
        print();
    }

    private void update(StatusResponse status) {
        for (Vertex vertex : status.getVertexesList()) {
            if (vertexes.computeIfAbsent(vertex.getDigest(), BuildKitVertex::new).update(vertex)) {
                updated.add(vertex.getDigest());
            }
        }
        for (VertexStatus task : status.getStatusesList()) {
            BuildKitVertex vertex = vertexes.get(task.getVertex());
            if (vertex != null) {
                vertex.task(task);
                updated.add(task.getVertex());
            }
        }
        for (VertexWarning warning : status.getWarningsList()) {
            BuildKitVertex vertex = vertexes.get(warning.getVertex());
            if (vertex != null) {
                vertex.warning(warning.getShort().toStringUtf8());
                updated.add(warning.getVertex());
            }
        }
        for (VertexLog log : status.getLogsList()) {
            BuildKitVertex vertex = vertexes.get(log.getVertex());
            if (vertex != null && !log.getMsg().isEmpty()) {
                vertex.log(log);
                updated.add(log.getVertex());
            }
        }
    }

    /** progressui's {@code textMux.print}: finished vertexes first, then the open block, else the first with news. */
    private void print() {
        List<BuildKitVertex> completed = new ArrayList<>();
        List<BuildKitVertex> rest = new ArrayList<>();
        for (String digest : updated) {
            BuildKitVertex vertex = vertexes.get(digest);
            if (vertex.known()) {
                (vertex.completed() ? completed : rest).add(vertex);
            }
        }
        String open = current;
        completed.stream().filter(v -> v.digest().equals(open)).findFirst().ifPresent(this::printVertex);
        completed.sort(Comparator.comparingDouble(BuildKitVertex::completedAt));
        completed.stream().filter(v -> !v.digest().equals(open)).forEach(this::printVertex);
        if (rest.isEmpty()) {
            showRunning();
        } else {
            rest.stream().filter(v -> v.digest().equals(open)).findFirst().ifPresent(this::printVertex);
            if (open.isEmpty() || completed.stream().anyMatch(v -> v.digest().equals(open))) {
                printVertex(rest.get(0));
            }
            rest.stream().filter(v -> !v.digest().equals(current) && v.pendingLines() >= MAX_PENDING)
                    .forEach(this::printVertex);
        }
    }

    /** With no news, the open block stays; without one, a vertex that runs is shown as the one running. */
    private void showRunning() {
        BuildKitVertex open = vertexes.get(current);
        if (open != null && open.running()) {
            return;
        }
        vertexes.values().stream().filter(BuildKitVertex::running).findFirst().ifPresent(this::printVertex);
    }

    /** progressui's {@code printVtx}: the block's header when it is not open, then what is new, then its end. */
    private void printVertex(BuildKitVertex vertex) {
        if (vertex.number() == 0) {
            vertex.number(++numbered);
        }
        if (!vertex.digest().equals(current)) {
            if (!current.isEmpty()) {
                output.accept("#" + vertexes.get(current).number() + " ...");
            }
            if (!firstBlock) {
                output.accept("");
            }
            firstBlock = false;
            output.accept("#" + vertex.number() + " " + vertex.name());
        }
        vertex.printNews(output);
        current = vertex.digest();
        updated.remove(vertex.digest());
        if (vertex.completed()) {
            current = "";
            vertex.printEnd(output);
            finished(vertex);
        }
    }

    /** Counts a finished step once, and remembers the first vertex that failed. */
    private void finished(BuildKitVertex vertex) {
        String name = vertex.name();
        if (vertex.failed() && !vertex.cancelled() && !name.startsWith(CACHE_IMPORT) && failed == null) {
            failed = vertex;
        }
        if (!vertex.counted() && !vertex.failed() && STEP.matcher(name).matches()
                && !FROM_STEP.matcher(name).matches()) {
            vertex.count();
            steps++;
            if (vertex.cached()) {
                cachedSteps++;
            }
        }
    }

    /** The build's answer ended: whatever is still waiting is printed. */
    void finish() {
        for (String digest : List.copyOf(updated)) {
            BuildKitVertex vertex = vertexes.get(digest);
            if (vertex.known()) {
                printVertex(vertex);
            }
        }
    }

    /** The vertex that failed the build, as plain output names it ({@code [stage-1 2/3] RUN make}). */
    Optional<String> failedStep() {
        return Optional.ofNullable(failed).map(BuildKitVertex::name);
    }

    /** BuildKit's error for the vertex that failed. */
    Optional<String> failedError() {
        return Optional.ofNullable(failed).map(BuildKitVertex::error);
    }

    /** The failed vertex's last lines of output, oldest first. */
    List<String> lastLines() {
        return failed == null ? List.of() : failed.lastLines();
    }

    int steps() {
        return steps;
    }

    int cachedSteps() {
        return cachedSteps;
    }
}
