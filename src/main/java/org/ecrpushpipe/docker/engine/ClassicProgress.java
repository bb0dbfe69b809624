package org.ecrpushpipe.docker.engine;

import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Follows the classic builder's output as it passes to the user: which step runs ({@code Step 2/5 : RUN make}, so a
 * failure can name it, since the engine's error does not), that step's last lines (so a failure can show them), and
 * how many steps other than {@code FROM} there were and how many came from the cache ({@code ---> Using cache}).
 */
final class ClassicProgress implements Consumer<String> {
    /** The engine's announcement of a build step. */
    private static final Pattern STEP = Pattern.compile("Step \\d+/\\d+ : ");
    /** A step that makes a layer or a config change; a {@code FROM} step has nothing to take from a cache. */
    private static final Pattern LAYER_STEP = Pattern.compile("Step \\d+/\\d+ : (?!(?i)FROM\\s).*");
    private static final Pattern CACHE_HIT = Pattern.compile("\\s*---> Using cache\\s*");

    private final Consumer<String> output;
    private final StepOutput stepOutput = new StepOutput();
    private String step;
    private int steps;
    private int cachedSteps;

    ClassicProgress(Consumer<String> output) {
        this.output = output;
    }

    @Override
    public void accept(String line) {
        if (STEP.matcher(line).lookingAt()) {
            step = line.strip();
            stepOutput.newStep();
        } else {
            stepOutput.add(line);
        }
        if (LAYER_STEP.matcher(line.strip()).matches()) {
            steps++;
        } else if (CACHE_HIT.matcher(line).matches()) {
            cachedSteps++;
        }
        output.accept(line);
    }

    /** The step running now, as the engine announced it. */
    Optional<String> step() {
        return Optional.ofNullable(step);
    }

    /** The running step's last lines of output. */
    List<String> lastLines() {
        return stepOutput.lastLines();
    }

    int steps() {
        return steps;
    }

    int cachedSteps() {
        return cachedSteps;
    }
}
