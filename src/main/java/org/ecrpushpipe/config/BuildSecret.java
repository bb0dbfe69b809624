package org.ecrpushpipe.config;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * One build secret (BUILD_SECRETS), as {@code docker build --secret} takes it: the id a Dockerfile's
 * {@code RUN --mount=type=secret,id=…} names, and its value, from a variable passed to the pipe or from a file in
 * the clone, read once when the variables are read. The value never leaves memory but to the engine's build
 * session: {@link #toString()} shows the id and where the value came from, never the value.
 */
public final class BuildSecret {
    /** A line of a secret's text shorter than this is structure (a brace, a blank), not worth masking alone. */
    private static final int MASKED_LINE_LENGTH = 8;

    private final String id;
    private final String source;
    private final byte[] value;
    private final Optional<Path> file;

    /**
     * @param id     the id the Dockerfile's mount names
     * @param source where the value came from, for messages: {@code the variable NPM_TOKEN}, {@code the file .netrc}
     * @param value  the value, as the build's step will read it
     */
    public BuildSecret(String id, String source, byte[] value) {
        this(id, source, value, Optional.empty());
    }

    /** @param file the file the value was read from (its real path), if it came from one */
    BuildSecret(String id, String source, byte[] value, Optional<Path> file) {
        this.id = id;
        this.source = source;
        this.value = value.clone();
        this.file = file;
    }

    /** The file the value was read from, if it came from one. */
    Optional<Path> file() {
        return file;
    }

    public String id() {
        return id;
    }

    /** Where the value came from, for messages. */
    public String source() {
        return source;
    }

    /** The value; only the adapter that hands it to the engine calls this. */
    public byte[] reveal() {
        return value.clone();
    }

    /**
     * What the console must never show: the value as text, and each of its lines that is long enough to be
     * secret alone (a file's password line printed by a build step).
     */
    public List<String> maskedForms() {
        String text = new String(value, StandardCharsets.UTF_8);
        List<String> forms = new ArrayList<>();
        forms.add(text);
        forms.add(text.strip());
        text.lines().map(String::strip).filter(l -> l.length() >= MASKED_LINE_LENGTH).forEach(forms::add);
        return forms;
    }

    @Override
    public String toString() {
        return "id=" + id + " (" + source + ", value not shown)";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BuildSecret other && id.equals(other.id) && source.equals(other.source)
                && Arrays.equals(value, other.value);
    }

    @Override
    public int hashCode() {
        return id.hashCode();
    }
}
