package org.ecrpushpipe.publish;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Build output held back while the ECR side of the run is still being checked: released in order once it has
 * succeeded (and passed straight through from then on), or dropped if it failed, so a build started early never
 * prints output for a run that is reported as a login or repository failure.
 */
final class HeldLines implements Consumer<String> {
    private final Consumer<String> target;
    private final List<String> held = new ArrayList<>();
    private boolean released;
    private boolean discarded;

    HeldLines(Consumer<String> target) {
        this.target = target;
    }

    @Override
    public synchronized void accept(String line) {
        if (released) {
            target.accept(line);
        } else if (!discarded) {
            held.add(line);
        }
    }

    synchronized void release() {
        if (!released && !discarded) {
            released = true;
            held.forEach(target);
            held.clear();
        }
    }

    synchronized void discard() {
        if (!released) {
            discarded = true;
            held.clear();
        }
    }
}
