package org.ecrpushpipe.fakes;

import java.util.ArrayList;
import java.util.List;

import org.ecrpushpipe.publish.PublishEvents;
import org.ecrpushpipe.publish.PushedTag;
import org.ecrpushpipe.publish.RegionOutcome;

/**
 * A {@link PublishEvents} that records every event as one line, its kind first: {@code info …}, {@code debug …},
 * {@code warning …}, {@code build …} (a build output line), {@code secret …}, {@code pushed <reference> <digest>}
 * (with {@code (already)} when the tag held the image before), {@code region <line>}.
 */
public final class RecordingEvents implements PublishEvents {
    private final List<String> lines;

    /** Records into a list of its own. */
    public RecordingEvents() {
        this(new ArrayList<>());
    }

    /** Records into {@code lines}, which the test reads. */
    public RecordingEvents(List<String> lines) {
        this.lines = lines;
    }

    /** Every event so far, in order. */
    public List<String> lines() {
        return lines;
    }

    /** The messages of one kind ({@code info}, {@code warning}, …), without the kind. */
    public List<String> of(String kind) {
        return lines.stream().filter(l -> l.startsWith(kind + " ")).map(l -> l.substring(kind.length() + 1))
                .toList();
    }

    @Override
    public void info(String message) {
        lines.add("info " + message);
    }

    @Override
    public void debug(String message) {
        lines.add("debug " + message);
    }

    @Override
    public void warning(String message) {
        lines.add("warning " + message);
    }

    @Override
    public void buildOutput(String line) {
        lines.add("build " + line);
    }

    @Override
    public void secret(String value) {
        lines.add("secret " + value);
    }

    @Override
    public void pushed(PushedTag tag) {
        lines.add("pushed " + tag.reference() + " " + tag.digest() + (tag.alreadyThere() ? " (already)" : ""));
    }

    @Override
    public void region(RegionOutcome outcome) {
        lines.add("region " + outcome.line());
    }
}
