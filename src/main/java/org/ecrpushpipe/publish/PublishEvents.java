package org.ecrpushpipe.publish;

/**
 * What the use case reports while it works. The core never prints: the CLI decides how each event is shown.
 */
public interface PublishEvents {

    void info(String message);

    void debug(String message);

    void warning(String message);

    /** One line of the image build's output. */
    void buildOutput(String line);

    /** A value learnt at run time (a registry password) that must never be shown. */
    void secret(String value);

    /** One tag is pushed and verified. */
    void pushed(PushedTag tag);

    /** What one region holds at the end of a run that mirrors (MIRROR_REGIONS), one call per region. */
    default void region(RegionOutcome outcome) {
        info(outcome.line());
    }

    /** A finding for the run's report on the commit (a scan's); it is not shown by this call. */
    default void annotation(ReportAnnotation annotation) {
    }

    /** Passes every event on to another; a subclass changes what it needs to. */
    class Forwarding implements PublishEvents {
        private final PublishEvents next;

        public Forwarding(PublishEvents next) {
            this.next = next;
        }

        @Override
        public void info(String message) {
            next.info(message);
        }

        @Override
        public void debug(String message) {
            next.debug(message);
        }

        @Override
        public void warning(String message) {
            next.warning(message);
        }

        @Override
        public void buildOutput(String line) {
            next.buildOutput(line);
        }

        @Override
        public void secret(String value) {
            next.secret(value);
        }

        @Override
        public void pushed(PushedTag tag) {
            next.pushed(tag);
        }

        @Override
        public void region(RegionOutcome outcome) {
            next.region(outcome);
        }

        @Override
        public void annotation(ReportAnnotation annotation) {
            next.annotation(annotation);
        }
    }
}
