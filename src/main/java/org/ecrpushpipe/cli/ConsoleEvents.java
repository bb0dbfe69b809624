package org.ecrpushpipe.cli;

import org.ecrpushpipe.console.Console;
import org.ecrpushpipe.publish.PublishEvents;
import org.ecrpushpipe.publish.PushedTag;
import org.ecrpushpipe.publish.RegionOutcome;

/** Shows the use case's events on the console. */
final class ConsoleEvents implements PublishEvents {
    private final Console console;

    ConsoleEvents(Console console) {
        this.console = console;
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
