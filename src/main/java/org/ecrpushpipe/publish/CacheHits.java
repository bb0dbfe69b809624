package org.ecrpushpipe.publish;

import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Counts, in the classic builder's output, the steps other than {@code FROM} and those taken from the cache
 * ({@code ---> Using cache}), passing every line on unchanged.
 */
final class CacheHits implements Consumer<String> {
    /** A step that makes a layer or a config change; a {@code FROM} step has nothing to take from a cache. */
    private static final Pattern STEP = Pattern.compile("Step \\d+/\\d+ : (?!(?i)FROM\\s).*");
    private static final Pattern HIT = Pattern.compile("\\s*---> Using cache\\s*");

    private final Consumer<String> next;
    private int steps;
    private int hits;

    CacheHits(Consumer<String> next) {
        this.next = next;
    }

    @Override
    public void accept(String line) {
        if (STEP.matcher(line.strip()).matches()) {
            steps++;
        } else if (HIT.matcher(line).matches()) {
            hits++;
        }
        next.accept(line);
    }

    /** The sentence for the log: {@code 5 of 7 steps from the cache}. */
    String summary() {
        return hits + " of " + steps + " build step" + (steps == 1 ? "" : "s") + " taken from the cache";
    }

    int hits() {
        return hits;
    }
}
