package org.ecrpushpipe.publish;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The named stages of a Dockerfile that are not its last: those the final image leaves out, so their layers are
 * cached in the registry only if pushed on their own ({@code CACHE=stages}). Reads {@code FROM <image> AS <name>}
 * lines as the classic builder does (instructions case-insensitive, names lower-cased, {@code \} continuations).
 */
public final class DockerfileStages {
    private static final Pattern FROM = Pattern.compile(
            "(?i)FROM\\s+(?:--\\S+\\s+)*\\S+(?:\\s+AS\\s+(\\S+))?\\s*");

    private DockerfileStages() {
    }

    /** The intermediate named stages of {@code dockerfile}, in order; empty when it cannot be read. */
    public static List<String> intermediate(Path dockerfile) {
        List<String> lines;
        try {
            lines = Files.readAllLines(dockerfile);
        } catch (IOException | RuntimeException e) {
            return List.of(); // the build reports an unreadable Dockerfile in its own words
        }
        return intermediate(lines);
    }

    static List<String> intermediate(List<String> lines) {
        List<String> names = new ArrayList<>();
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
                names.add(m.group(1) == null ? null : m.group(1).toLowerCase(Locale.ROOT));
            }
            instruction.setLength(0);
        }
        if (names.isEmpty()) {
            return List.of();
        }
        // the last stage is the image itself; unnamed stages cannot be built alone (TARGET takes a name)
        return names.subList(0, names.size() - 1).stream().filter(n -> n != null).distinct().toList();
    }
}
