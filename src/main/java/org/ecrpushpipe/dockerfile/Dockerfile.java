package org.ecrpushpipe.dockerfile;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Dockerfile as far as the pipe needs to know it before the engine reads it: its stages, the images it pulls, and
 * the syntax it needs of a builder. Read as BuildKit's and the classic builder's parser read it: parser directives
 * at the top ({@code # syntax=}, {@code # escape=}), instructions case-insensitive, stage names lower-cased,
 * continuations joined (trailing blanks allowed), comment lines skipped, here-documents taken whole. The bytes are
 * read as ISO-8859-1, so a Dockerfile in any encoding reads; its keywords and names are ASCII.
 */
public final class Dockerfile {
    /** The flags of {@code HEALTHCHECK} that the classic builder reads. */
    private static final Set<String> CLASSIC_HEALTHCHECK_FLAGS = Set.of("--interval", "--timeout", "--start-period",
            "--retries");
    private static final Pattern DIRECTIVE = Pattern.compile("#\\s*([a-zA-Z][a-zA-Z0-9_-]*)\\s*=\\s*(.+?)\\s*");

    /**
     * One stage.
     *
     * @param name  its name, lower case; empty for a stage without {@code AS}
     * @param image the image or stage it starts from, as written (before build arguments are put in)
     */
    public record Stage(Optional<String> name, String image) {
    }

    private final List<Instruction> instructions;
    private final Map<String, String> directives;
    private final List<Stage> stages;

    private Dockerfile(List<Instruction> instructions, Map<String, String> directives) {
        this.instructions = List.copyOf(instructions);
        this.directives = Map.copyOf(directives);
        this.stages = instructions.stream().filter(i -> i.is("FROM")).map(Dockerfile::stage).toList();
    }

    /** Reads a Dockerfile. */
    public static Dockerfile read(Path file) throws IOException {
        return parse(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1));
    }

    /** A Dockerfile of this text. */
    public static Dockerfile parse(String text) {
        return parse(List.of(text.split("\r?\n", -1)));
    }

    /** A Dockerfile of these lines. */
    public static Dockerfile parse(List<String> lines) {
        Map<String, String> directives = new LinkedHashMap<>();
        int first = readDirectives(lines, directives);
        char escape = directives.getOrDefault("escape", "\\").charAt(0);
        return new Dockerfile(instructions(lines.subList(first, lines.size()), first, escape), directives);
    }

    /** The parser directives at the top, as the builders read them; returns the index of the first other line. */
    private static int readDirectives(List<String> lines, Map<String, String> directives) {
        int i = 0;
        for (; i < lines.size(); i++) {
            Matcher m = DIRECTIVE.matcher(lines.get(i).strip());
            String key = m.matches() ? m.group(1).toLowerCase(Locale.ROOT) : null;
            if (key == null || directives.containsKey(key)) {
                break;
            }
            directives.put(key, m.group(2));
        }
        return i;
    }

    private static List<Instruction> instructions(List<String> lines, int offset, char escape) {
        List<Instruction> instructions = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        int start = 0;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (text.isEmpty() && (line.startsWith("#") || line.isEmpty())) {
                continue;
            }
            if (text.isEmpty()) {
                start = i;
            } else if (line.startsWith("#")) {
                continue; // a comment inside a continued instruction is dropped, as the builders drop it
            }
            if (line.endsWith(String.valueOf(escape))) {
                text.append(line, 0, line.length() - 1).append(' ');
                continue;
            }
            text.append(line);
            Instruction instruction = Instruction.of(text.toString(), offset + start + 1);
            i = heredocEnd(instruction, lines, i);
            instructions.add(instruction);
            text.setLength(0);
        }
        return instructions;
    }

    /** The last line of an instruction's here-documents ({@code RUN <<EOF … EOF}); {@code at} when it has none. */
    private static int heredocEnd(Instruction instruction, List<String> lines, int at) {
        int i = at;
        for (String word : instruction.heredocWords()) {
            boolean strip = word.startsWith("-");
            String end = strip ? word.substring(1) : word;
            for (i++; i < lines.size(); i++) {
                String line = strip ? lines.get(i).strip() : lines.get(i);
                if (line.equals(end)) {
                    break;
                }
            }
        }
        return Math.min(i, lines.size() - 1);
    }

    private static Stage stage(Instruction from) {
        List<String> words = from.words();
        Optional<String> name = words.size() >= 3 && words.get(1).equalsIgnoreCase("AS")
                ? Optional.of(words.get(2).toLowerCase(Locale.ROOT)) : Optional.empty();
        return new Stage(name, words.isEmpty() ? "" : words.get(0));
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
                .distinct().toList();
    }

    /** The {@code # syntax=} directive: the frontend image that builds it under BuildKit, when it names one. */
    public Optional<String> syntax() {
        return Optional.ofNullable(directives.get("syntax"));
    }

    /**
     * The images it pulls, in order, without repeats: each {@code FROM} that names no earlier stage (nor
     * {@code scratch}), each {@code COPY --from} and {@code RUN --mount=…,from=} that names no stage, with the build
     * arguments put in as the builders put them: the {@code ARG}s before the first {@code FROM}, their defaults, and
     * {@code buildArgs} over those (a name given without a value keeps the default).
     *
     * @param buildArgs the build arguments given; a name mapped to empty keeps the Dockerfile's default
     */
    public List<String> images(Map<String, Optional<String>> buildArgs) {
        Variables meta = new Variables();
        Set<String> images = new LinkedHashSet<>();
        List<String> stageNames = new ArrayList<>();
        boolean inStage = false;
        for (Instruction instruction : instructions) {
            if (instruction.is("ARG") && !inStage) {
                meta.declare(instruction.arguments(), buildArgs);
            } else if (instruction.is("FROM")) {
                inStage = true;
                Stage stage = stage(instruction);
                String image = meta.expand(stage.image());
                if (!image.equalsIgnoreCase("scratch") && !stageNames.contains(image.toLowerCase(Locale.ROOT))) {
                    images.add(image);
                }
                stage.name().ifPresent(stageNames::add);
            } else {
                instruction.fromFlags().stream().map(meta::expand)
                        .filter(f -> !f.matches("\\d+") && !stageNames.contains(f.toLowerCase(Locale.ROOT)))
                        .forEach(images::add);
            }
        }
        return List.copyOf(images);
    }

    /**
     * What it asks of a builder beyond the classic one, each as the user wrote it ({@code RUN --mount=type=cache},
     * {@code COPY --chmod}, a here-document, …), in order, without repeats; empty when the classic builder builds it.
     */
    public List<String> buildKitSyntax() {
        Set<String> uses = new LinkedHashSet<>();
        for (Instruction instruction : instructions) {
            for (String flag : instruction.flags()) {
                String name = flag.replaceFirst("=.*", "");
                if (!classicFlag(instruction, name)) {
                    uses.add(instruction.keyword() + " " + (name.equals("--mount")
                            ? "--mount=type=" + Instruction.mountType(flag) : name));
                }
            }
            if (instruction.heredoc()) {
                uses.add(instruction.keyword() + " <<here-document");
            }
        }
        return List.copyOf(uses);
    }

    /**
     * Whether the classic builder knows the flag: {@code FROM --platform}, {@code COPY}/{@code ADD} {@code --from}
     * and {@code --chown}, and {@code HEALTHCHECK}'s timings ({@code --start-interval} came with BuildKit's 1.6).
     */
    private static boolean classicFlag(Instruction instruction, String name) {
        return instruction.is("FROM") && name.equals("--platform")
                || (instruction.is("COPY") || instruction.is("ADD")) && (name.equals("--from") || name.equals("--chown"))
                || instruction.is("HEALTHCHECK") && CLASSIC_HEALTHCHECK_FLAGS.contains(name);
    }

    /** The {@code RUN --mount} types it uses ({@code cache}, {@code bind}, {@code secret}, {@code ssh}, {@code tmpfs}). */
    public Set<String> mountTypes() {
        Set<String> types = new LinkedHashSet<>();
        instructions.stream().filter(i -> i.is("RUN")).flatMap(i -> i.flags().stream())
                .filter(f -> f.startsWith("--mount=")).map(Instruction::mountType).forEach(types::add);
        return types;
    }

    /** Whether it uses a here-document ({@code RUN <<EOF}), which needs the Dockerfile frontend 1.4 or later. */
    public boolean usesHeredocs() {
        return instructions.stream().anyMatch(Instruction::heredoc);
    }
}
