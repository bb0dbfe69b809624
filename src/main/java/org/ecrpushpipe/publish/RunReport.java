package org.ecrpushpipe.publish;

import java.util.List;

/**
 * Where a run's outcome goes beyond the log: a report on the commit (Bitbucket's Code Insights). Sent once, at the
 * end of the run, successful or not; it never changes the run's exit code, so an implementation never throws: what
 * became of the report comes back as a line for the console.
 */
@FunctionalInterface
public interface RunReport {

    /** Reports nothing. */
    RunReport NONE = outcome -> new Delivery(List.of(), List.of());

    /** Sends the report of {@code outcome}, within a bounded time. */
    Delivery send(RunOutcome outcome);

    /**
     * What became of the report: a note when it was sent, a warning when it could not be (at most one line in all).
     */
    record Delivery(List<String> notes, List<String> warnings) {
        public Delivery {
            notes = List.copyOf(notes);
            warnings = List.copyOf(warnings);
        }

        public static Delivery sent(String note) {
            return new Delivery(List.of(note), List.of());
        }

        public static Delivery notSent(String warning) {
            return new Delivery(List.of(), List.of(warning));
        }
    }
}
