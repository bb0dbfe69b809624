package org.ecrpushpipe.dockerfile;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Dockerfile as far as the pipe needs to know it before the engine reads it: its stages, each {@code FROM <image>
 * [AS <name>]}. Read as the builders read it: instructions case-insensitive, stage names lower-cased, {@code \}
 * continuations joined (trailing blanks allowed), comment lines skipped. The bytes are read as ISO-8859-1, so a
 * Dockerfile in any encoding reads; its keywords and names are ASCII.
 */
public final class Dockerfile {
    private static final Pattern FROM = Pattern.compile(
            "(?i)FROM\\s+(?:--\\S+\\s+)*(\\S+)(?:\\s+AS\\s+(\\S+))?\\s*");

    /**
     * One stage.
     *
     * @param name  its name, lower case; empty for a stage without {@code AS}
     * @param image the image or stage it starts from, as written
     */
    public record Stage(Optional<String> name, String image) {
    }

    private final List<Stage> stages;

    private Dockerfile(List<Stage> stages) {
        this.stages = List.copyOf(stages);
    }

    /** Reads a Dockerfile. */
    public static Dockerfile read(Path file) throws IOException {
        return parse(List.of(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1).split("\r?\n", -1)));
    }

    /** A Dockerfile of these lines. */
    public static Dockerfile parse(List<String> lines) {
        List<Stage> stages = new ArrayList<>();
        StringBuilder instruction = new StringBuilder();
        for (String raw : lines) {
            String line = raw.strip();
            if (instruction.isEmpty() && (line.startsWith("#") || line.isEmpty())) {
                continue;
            }
            if (line.endsWith("\\")) {
                instruction.append(line, 0, line.length() - 1).append(' ');
                continue;
            }
            instruction.append(line);
            Matcher m = FROM.matcher(instruction.toString());
            if (m.matches()) {
                stages.add(new Stage(Optional.ofNullable(m.group(2)).map(n -> n.toLowerCase(Locale.ROOT)),
                        m.group(1)));
            }
            instruction.setLength(0);
        }
        return new Dockerfile(stages);
    }

    /** The stages, in order; the last is the image built when no target is named. */
    public List<Stage> stages() {
        return stages;
    }

    /** The names of its named stages, lower case, in order. */
    public List<String> stageNames() {
        return stages.stream().flatMap(s -> s.name().stream()).toList();
    }

    /**
     * Its named stages but the last: those the final image leaves out, so their layers are cached in a registry
     * only if pushed on their own. Unnamed stages cannot be built alone (a target takes a name).
     */
    public List<String> intermediateStages() {
        if (stages.isEmpty()) {
            return List.of();
        }
        return stages.subList(0, stages.size() - 1).stream().map(Stage::name).flatMap(Optional::stream)
                .filter(Objects::nonNull).distinct().toList();
    }
}
