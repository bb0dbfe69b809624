package org.ecrpushpipe.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

import org.ecrpushpipe.errors.PipeException.Configuration.Problem;

/**
 * Reads the pipe's variables from an environment map, with one method per kind of value — one value, a list, a
 * boolean, a bounded whole number, a path in the clone, a value Bitbucket sets — and the same rules for all: the
 * first name of a variable that is set wins, with a warning when another of its names holds a different value;
 * values are trimmed, and an empty one counts as unset (Bitbucket passes {@code $VAR} of an unset variable as "");
 * a value holding a stray character is that variable's one problem. Each variable is read, checked and reported
 * once, however often it is asked for. Problems are collected, never thrown, and listed in the registry's order;
 * warnings in the order they arose. Values of secrets and of build arguments never appear in either.
 */
final class VariableReader {
    /** Variables that Bitbucket sets for the step, which the user does not set. */
    enum Context {
        BITBUCKET_BRANCH, BITBUCKET_TAG, BITBUCKET_COMMIT, BITBUCKET_GIT_HTTP_ORIGIN, BITBUCKET_BUILD_NUMBER,
        BITBUCKET_PIPE_SHARED_STORAGE_DIR, BITBUCKET_REPO_FULL_NAME
    }

    /** A YAML list's {@code NAME_COUNT}: up to 9999 items, enough for any list and bounded for the messages. */
    private static final Pattern COUNT = Pattern.compile("\\d{1,4}");
    /** How many missing YAML list items a problem names one by one before it counts them instead. */
    private static final int MISSING_NAMED = 3;

    private final Map<String, String> env;
    private final Path workingDirectory;
    private final List<Problem> problems = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();
    /** Variables whose value holds a stray character: that one problem says all there is to say about them. */
    private final Set<Variable> strayCharacters = EnumSet.noneOf(Variable.class);
    private final Map<Variable, Optional<String>> values = new EnumMap<>(Variable.class);
    /** What each variable was read as beyond its value (a list, a boolean, …), so that it is checked once. */
    private final Map<Variable, Object> typed = new EnumMap<>(Variable.class);

    /**
     * @param env              the environment, as {@code main} hands it down
     * @param workingDirectory the clone, against which paths are resolved
     */
    VariableReader(Map<String, String> env, Path workingDirectory) {
        this.env = env;
        this.workingDirectory = workingDirectory;
    }

    // ---- values -------------------------------------------------------------------------------------------------

    /** The variable's value under its first name that is set; empty when unset, or unusable (reported). */
    Optional<String> value(Variable variable) {
        Optional<String> read = values.get(variable);
        if (read == null) {
            read = readValue(variable);
            values.put(variable, read);
        }
        return read;
    }

    private Optional<String> readValue(Variable variable) {
        String chosen = null;
        String chosenName = null;
        for (String name : variable.names()) {
            String v = trimmed(name);
            if (v == null) {
                continue;
            }
            if (chosen == null) {
                chosen = v;
                chosenName = name;
            } else if (!chosen.equals(v)) {
                warnings.add("Both " + chosenName + " and " + name + " are set and differ; using " + chosenName + ".");
            }
        }
        if (chosen != null && hasStrayCharacter(variable, chosenName, chosen)) {
            return Optional.empty();
        }
        return Optional.ofNullable(chosen);
    }

    /** The name under which {@code variable} was set, for messages; its own name when it was not set. */
    String nameSet(Variable variable) {
        return variable.names().stream().filter(n -> trimmed(n) != null).findFirst().orElse(variable.name());
    }

    /** Reports a required variable that is not set, naming its other names. */
    void require(Variable variable) {
        if (value(variable).isEmpty()) {
            problem(variable, "required field" + (variable.aliases().isEmpty() ? ""
                    : " (or set " + String.join(" / ", variable.aliases()) + ")"));
        }
    }

    /** Whether the variable is set in any form: a value, or for a list also its YAML form ({@code NAME_COUNT}). */
    boolean isSet(Variable variable) {
        return value(variable).isPresent()
                || (variable.listItems() != null && trimmed(variable.name() + "_COUNT") != null);
    }

    // ---- lists --------------------------------------------------------------------------------------------------

    /**
     * A list variable's items: from its YAML form ({@code NAME_COUNT}, {@code NAME_0}, …) when Bitbucket passed one,
     * with a warning when the space separated form is set too; else its value split on blanks (spaces, tabs, line
     * breaks). An item of the YAML form is split on blanks too, unless the list's items may hold spaces
     * ({@link Variable#listItemsHoldSpaces}). Empty when neither form is set; an empty list when the YAML form
     * says so (or is unusable: reported). The stray-character check applies to the value; the YAML form's items
     * are checked by the list's own rules (a tag's grammar, a region's name), which quote them escaped.
     */
    Optional<List<String>> list(Variable variable) {
        return once(variable, this::readList);
    }

    private Optional<List<String>> readList(Variable variable) {
        String noun = variable.listItems();
        if (noun == null) {
            throw new IllegalArgumentException(variable + " is not a list variable");
        }
        String name = variable.name();
        String count = trimmed(name + "_COUNT");
        if (count == null) {
            return value(variable).map(VariableReader::words);
        }
        if (value(variable).isPresent()) {
            warnings.add("Both the list " + name + " (" + name + "_COUNT) and " + nameSet(variable)
                    + " are set; using the list.");
        }
        if (!COUNT.matcher(count).matches()) {
            problem(variable, name + "_COUNT is '" + count + "', not a number of " + noun + " (0 to 9999)");
            return Optional.of(List.of());
        }
        int size = Integer.parseInt(count);
        List<String> items = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            String item = trimmed(name + "_" + i);
            if (item == null) {
                missing.add(name + "_" + i);
            } else if (variable.listItemsHoldSpaces()) {
                items.add(item);
            } else {
                items.addAll(words(item));
            }
        }
        if (!missing.isEmpty()) {
            problem(variable, name + "_COUNT is " + size + " but " + missing(missing, name, size));
        }
        return Optional.of(List.copyOf(items));
    }

    /** The missing items named, or counted when many: a NAME_COUNT of 9999 must not print 9999 names. */
    private static String missing(List<String> missing, String name, int size) {
        int n = missing.size();
        if (n == 1) {
            return missing.get(0) + " is not set";
        }
        if (n <= MISSING_NAMED) {
            return String.join(", ", missing.subList(0, n - 1)) + " and " + missing.get(n - 1) + " are not set";
        }
        return n + " of " + name + "_0 … " + name + "_" + (size - 1) + " are not set, the first " + missing.get(0);
    }

    private static List<String> words(String value) {
        return List.of(value.split("\\s+"));
    }

    // ---- booleans and numbers -----------------------------------------------------------------------------------

    /** {@code true} or {@code false} in any case; the variable's default when unset, or not a boolean (reported). */
    boolean flag(Variable variable) {
        return once(variable, this::readFlag);
    }

    private boolean readFlag(Variable variable) {
        boolean fallback = "true".equals(variable.defaultValue());
        Optional<String> written = value(variable);
        if (written.isEmpty()) {
            return fallback;
        }
        String v = written.get().toLowerCase(Locale.ROOT);
        if (!v.equals("true") && !v.equals("false")) {
            problem(variable, "'" + written.get() + "' is neither true nor false");
            return fallback;
        }
        return v.equals("true");
    }

    /**
     * A whole number from {@code min} to {@code max}, written in digits alone; the variable's default when unset,
     * or not such a number (reported).
     */
    int wholeNumber(Variable variable, int min, int max) {
        return once(variable, v -> readWholeNumber(v, min, max));
    }

    private int readWholeNumber(Variable variable, int min, int max) {
        int fallback = Integer.parseInt(variable.defaultValue());
        Optional<String> written = value(variable);
        if (written.isEmpty()) {
            return fallback;
        }
        if (written.get().matches("[0-9]{1,9}")) {
            int number = Integer.parseInt(written.get());
            if (number >= min && number <= max) {
                return number;
            }
        }
        problem(variable, "'" + written.get() + "' is not a whole number from " + min + " to " + max);
        return fallback;
    }

    // ---- paths --------------------------------------------------------------------------------------------------

    /** A path as the user wrote it, for messages, and resolved against the clone. */
    record WrittenPath(String written, Path path) {
    }

    /**
     * The variable's path, resolved against the working directory (the clone) and normalized; {@code whenUnset}
     * stands for the value when the variable is unset (null: then empty). A path that leads out of the clone
     * ({@code ../x}, {@code /tmp/x}) is taken as it is written: LIFECYCLE_POLICY and OUTPUT_FILE have always
     * allowed it, for a file an earlier script line put elsewhere; BUILD_CONTEXT, which must not send files the
     * repository does not hold, checks that itself. Empty also when the value is not a path at all (reported).
     */
    Optional<WrittenPath> path(Variable variable, String whenUnset) {
        return once(variable, v -> {
            Optional<String> written = value(v).or(() -> Optional.ofNullable(whenUnset));
            Optional<Path> path = written.flatMap(this::resolve);
            if (written.isPresent() && path.isEmpty()) {
                problem(v, "'" + written.get() + "' is not a valid path");
            }
            return path.map(p -> new WrittenPath(written.get(), p));
        });
    }

    /** {@link #path(Variable, String)} of a variable without a default. */
    Optional<WrittenPath> path(Variable variable) {
        return path(variable, null);
    }

    /** A directory Bitbucket names, resolved as {@link #path} resolves; empty when unset or not a path. */
    Optional<Path> path(Context context) {
        return bitbucket(context).flatMap(this::resolve);
    }

    private Optional<Path> resolve(String written) {
        try {
            return Optional.of(workingDirectory.resolve(written).toAbsolutePath().normalize());
        } catch (InvalidPathException e) {
            return Optional.empty();
        }
    }

    /** The working directory the pipe runs in: the clone. */
    Path workingDirectory() {
        return workingDirectory;
    }

    // ---- what Bitbucket sets, and what is passed through --------------------------------------------------------

    /** A value Bitbucket sets for the step, trimmed; empty when unset or blank. */
    Optional<String> bitbucket(Context context) {
        return Optional.ofNullable(trimmed(context.name()));
    }

    /**
     * The environment's entry {@code name} as it is, untrimmed, and present even when empty: for a variable the
     * user passes through by name on purpose, as a bare {@code KEY} in BUILD_ARGS takes the variable KEY the way
     * {@code docker build --build-arg KEY} does. Never quoted in a message: it may be a secret.
     */
    Optional<String> passedThrough(String name) {
        return Optional.ofNullable(env.get(name));
    }

    // ---- problems and warnings ----------------------------------------------------------------------------------

    /**
     * Records a problem, its quoted values made printable. A variable whose value holds a stray character has
     * that problem alone: what else is wrong with it follows from it.
     */
    void problem(Variable variable, String message) {
        if (!strayCharacters.contains(variable)) {
            problems.add(new Problem(variable.name(), printable(message)));
        }
    }

    void warning(String message) {
        warnings.add(message);
    }

    /** The problems found so far, in the registry's order (a variable's own in the order found). */
    List<Problem> problems() {
        List<Problem> sorted = new ArrayList<>(problems);
        sorted.sort(Comparator.comparingInt(p -> Variable.valueOf(p.variable()).ordinal()));
        return sorted;
    }

    /** The problems of the given variables only, in the registry's order. */
    List<Problem> problems(Set<Variable> of) {
        return problems().stream().filter(p -> of.contains(Variable.valueOf(p.variable()))).toList();
    }

    List<String> warnings() {
        return List.copyOf(warnings);
    }

    // ---- stray characters ---------------------------------------------------------------------------------------

    /**
     * Whether a value holds a character that cannot belong in it — a line break, a tab, an escape or another
     * control character, an invisible format character; in a key, secret or token also a space or anything beyond
     * printable ASCII — and if so reports it, once, as the variable's only problem. Such a value is a paste gone
     * wrong (two values, a line ending, a no-break space from a web page); used as it is, it would reach AWS or the
     * engine as a puzzling refusal, or reach the log as a broken line. Inside a list, line breaks and tabs separate
     * items, as spaces do. Hidden values (secrets, build arguments) are never shown.
     */
    private boolean hasStrayCharacter(Variable variable, String name, String value) {
        boolean list = variable.listItems() != null;
        for (int i = 0; i < value.length(); ) {
            int c = value.codePointAt(i);
            i += Character.charCount(c);
            boolean stray = variable.secret() ? c <= ' ' || c > '~'
                    : (Character.isISOControl(c) && !(list && Character.isWhitespace(c)))
                    || Character.getType(c) == Character.FORMAT;
            if (stray) {
                if (strayCharacters.add(variable)) {
                    problems.add(new Problem(variable.name(), name + " holds " + describe(c) + " inside its value"
                            + (variable.secret() ? " (not shown); AWS keys and tokens are one word of letters, digits"
                                    + " and + / =: set it again, copied without it"
                                    : variable.valueHidden() ? " (not shown); set it again without it"
                                    : " '" + printable(value) + "'; set it again without it")));
                }
                return true;
            }
        }
        return false;
    }

    /** A character, named so that a reader can find it in a value that looks right. */
    private static String describe(int c) {
        String code = String.format(Locale.ROOT, "U+%04X", c);
        return switch (c) {
            case '\n', '\r' -> "a line break";
            case '\t' -> "a tab";
            case ' ' -> "a space";
            case 0xA0 -> "a no-break space (" + code + ")";
            // U+FFFD: what the JVM makes of a byte it cannot decode, e.g. any non-ASCII one without a UTF-8 locale
            case 0xFFFD -> "a character that is not ASCII";
            default -> Character.isISOControl(c) ? "the control character " + code
                    : Character.getType(c) == Character.FORMAT ? "the invisible character " + code
                    : "the character " + code + " (not ASCII)";
        };
    }

    /**
     * {@code text} with control and invisible characters written as escapes (a line break as backslash-n, an escape
     * character as backslash-u001B), so that a value quoted in a message stays on its one line and cannot colour or
     * clear the log.
     */
    static String printable(String text) {
        StringBuilder shown = new StringBuilder(text.length());
        text.codePoints().forEach(c -> {
            if (c == '\n') {
                shown.append("\\n");
            } else if (c == '\r') {
                shown.append("\\r");
            } else if (c == '\t') {
                shown.append("\\t");
            } else if (Character.isISOControl(c) || Character.getType(c) == Character.FORMAT) {
                shown.append(String.format(Locale.ROOT, "\\u%04X", c));
            } else {
                shown.appendCodePoint(c);
            }
        });
        return shown.toString();
    }

    private String trimmed(String name) {
        String v = env.get(name);
        if (v == null) {
            return null;
        }
        v = v.trim();
        return v.isEmpty() ? null : v;
    }

    /** A variable's typed reading, made on the first request and kept, so that its problems are reported once. */
    @SuppressWarnings("unchecked")
    private <T> T once(Variable variable, Function<Variable, T> read) {
        if (!typed.containsKey(variable)) {
            typed.put(variable, read.apply(variable));
        }
        return (T) typed.get(variable);
    }
}
