package org.ecrpushpipe.dockerfile;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One instruction of a Dockerfile, its continuation lines joined: the keyword (upper case), its {@code --flags} and
 * the rest of its arguments.
 *
 * @param keyword   {@code FROM}, {@code RUN}, …
 * @param flags     the {@code --name[=value]} words that lead its arguments
 * @param arguments the arguments after the flags
 * @param line      the line it starts on, counted from 1
 */
record Instruction(String keyword, List<String> flags, String arguments, int line) {
    private static final Pattern HEREDOC = Pattern.compile("<<-?([\"']?)([A-Za-z_][A-Za-z0-9_]*)\\1");

    Instruction {
        flags = List.copyOf(flags);
    }

    static Instruction of(String text, int line) {
        String[] parts = text.strip().split("\\s+", 2);
        String rest = parts.length > 1 ? parts[1] : "";
        List<String> flags = new ArrayList<>();
        while (rest.startsWith("--")) {
            String[] word = rest.split("\\s+", 2);
            flags.add(word[0]);
            rest = word.length > 1 ? word[1] : "";
        }
        return new Instruction(parts[0].toUpperCase(Locale.ROOT), flags, rest, line);
    }

    boolean is(String name) {
        return keyword.equals(name);
    }

    /** The arguments split at blanks. */
    List<String> words() {
        return arguments.isBlank() ? List.of() : List.of(arguments.strip().split("\\s+"));
    }

    /** Whether its arguments open a here-document ({@code RUN <<EOF}, {@code COPY <<EOF /file}). */
    boolean heredoc() {
        return (is("RUN") || is("COPY") || is("ADD")) && HEREDOC.matcher(arguments).find();
    }

    /** The here-documents' end words, in order. */
    List<String> heredocWords() {
        List<String> words = new ArrayList<>();
        if (heredoc()) {
            Matcher m = HEREDOC.matcher(arguments);
            while (m.find()) {
                words.add((m.group().startsWith("<<-") ? "-" : "") + m.group(2));
            }
        }
        return words;
    }

    /** What a {@code COPY --from=…} or a {@code RUN --mount=…,from=…} names: a stage, a stage's index or an image. */
    List<String> fromFlags() {
        List<String> from = new ArrayList<>();
        for (String flag : flags) {
            if ((is("COPY") || is("ADD")) && flag.startsWith("--from=")) {
                from.add(flag.substring("--from=".length()));
            } else if (is("RUN") && flag.startsWith("--mount=")) {
                option(flag, "from").ifPresent(from::add);
            }
        }
        return from;
    }

    /** The type of a {@code --mount=…} flag ({@code bind} when it names none, as BuildKit defaults). */
    static String mountType(String flag) {
        return option(flag, "type").orElse("bind");
    }

    /** One {@code key=value} of a flag's comma-separated options. */
    private static Optional<String> option(String flag, String key) {
        String options = flag.substring(flag.indexOf('=') + 1);
        for (String option : options.split(",")) {
            String[] pair = option.split("=", 2);
            if (pair.length == 2 && pair[0].strip().equalsIgnoreCase(key)) {
                return Optional.of(pair[1].strip());
            }
        }
        return Optional.empty();
    }
}
