package org.ecrpushpipe.cli;

import java.util.function.Consumer;

import org.ecrpushpipe.console.Console;
import org.ecrpushpipe.publish.PublishEvents;
import org.ecrpushpipe.publish.PushedTag;
import org.ecrpushpipe.publish.RegionOutcome;
import org.ecrpushpipe.publish.ReportAnnotation;

/** Shows the use case's events on the console, and hands its findings on to the run's report. */
final class ConsoleEvents implements PublishEvents {
    private final Console console;
    private final Consumer<ReportAnnotation> annotations;

    /** @param annotations receives the findings for the report on the commit */
    ConsoleEvents(Console console, Consumer<ReportAnnotation> annotations) {
        this.console = console;
        this.annotations = annotations;
    }

    @Override
    public void annotation(ReportAnnotation annotation) {
        annotations.accept(annotation);
    }

    @Override
    public void info(String message) {
        console.info(message);
    }

    @Override
    public void debug(String message) {
        console.debug(message);
    }

    @Override
    public void warning(String message) {
        console.warning(message);
    }

    @Override
    public void buildOutput(String line) {
        console.plain(line);
    }

    @Override
    public void secret(String value) {
        console.addSecret(value);
    }

    @Override
    public void pushed(PushedTag tag) {
        console.success((tag.alreadyThere() ? "Already in the registry: " : "Successfully pushed ")
                + tag.reference() + " (" + tag.digest() + ")");
    }

    @Override
    public void region(RegionOutcome outcome) {
        if (outcome.status() == RegionOutcome.Status.FAILED) {
            console.warning(outcome.line());
        } else {
            console.success(outcome.line());
        }
    }
}
