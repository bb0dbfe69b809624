package org.ecrpushpipe.config;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The named stages of a Dockerfile: its {@code FROM <image> AS <name>} lines, names compared case-insensitively as
 * the classic builder compares them (it lower-cases stage names). Line continuations are joined first; comments
 * and other instructions are ignored.
 */
final class DockerfileStages {
    private static final Pattern FROM = Pattern.compile(
            "(?i)^\\s*FROM\\s+(?:--\\S+\\s+)*\\S+\\s+AS\\s+(\\S+)\\s*$");

    private DockerfileStages() {
    }

    /** The stage names, lower case, in the order they appear. */
    static List<String> of(Path dockerfile) throws IOException {
        List<String> stages = new ArrayList<>();
        try (BufferedReader lines = Files.newBufferedReader(dockerfile, StandardCharsets.ISO_8859_1)) {
            StringBuilder instruction = new StringBuilder();
            for (String line; (line = lines.readLine()) != null; ) {
                if (instruction.isEmpty() && line.strip().startsWith("#")) {
                    continue;
                }
                if (line.endsWith("\\")) {
                    instruction.append(line, 0, line.length() - 1).append(' ');
                    continue;
                }
                instruction.append(line);
                Matcher m = FROM.matcher(instruction);
                if (m.matches()) {
                    stages.add(m.group(1).toLowerCase(Locale.ROOT));
                }
                instruction.setLength(0);
            }
        }
        return stages;
    }
}
