package org.ecrpushpipe.config;

import java.util.regex.Pattern;

/** An image tag that satisfies Docker's grammar: {@code [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}}. */
public record Tag(String value) {
    private static final Pattern GRAMMAR = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
    private static final Pattern INVALID_CHARS = Pattern.compile("[^A-Za-z0-9_.-]");
    public static final int MAX_LENGTH = 128;

    public Tag {
        if (!isValid(value)) {
            throw new IllegalArgumentException(describeProblem(value));
        }
    }

    /** Whether {@code value} is a valid Docker tag as written. */
    public static boolean isValid(String value) {
        return value != null && GRAMMAR.matcher(value).matches();
    }

    /** A user-facing sentence saying why {@code value} is not a valid tag. */
    public static String describeProblem(String value) {
        if (value == null || value.isEmpty()) {
            return "an empty tag";
        }
        if (value.length() > MAX_LENGTH) {
            return "'" + abbreviate(value) + "' is " + value.length() + " characters long; a tag has at most 128";
        }
        if (value.startsWith(".") || value.startsWith("-")) {
            return "'" + value + "' starts with '" + value.charAt(0) + "'; a tag starts with a letter, digit or '_'";
        }
        var m = INVALID_CHARS.matcher(value);
        if (m.find()) {
            return "'" + value + "' contains '" + m.group() + "'; a tag may hold only letters, digits, '_', '.' and '-'";
        }
        return "'" + value + "' is not a valid tag";
    }

    /**
     * Turns a git branch or tag name from Bitbucket's context into a valid Docker tag: every character outside
     * the grammar becomes '-', leading '.' and '-' are dropped, and the result is cut to 128 characters
     * ({@code feature/login-page} becomes {@code feature-login-page}). Returns null when nothing usable is left.
     */
    public static Tag fromGitRef(String ref) {
        String tag = INVALID_CHARS.matcher(ref).replaceAll("-").replaceFirst("^[.-]+", "");
        if (tag.length() > MAX_LENGTH) {
            tag = tag.substring(0, MAX_LENGTH);
        }
        return tag.isEmpty() ? null : new Tag(tag);
    }

    private static String abbreviate(String value) {
        return value.length() <= 40 ? value : value.substring(0, 20) + "…" + value.substring(value.length() - 10);
    }

    @Override
    public String toString() {
        return value;
    }
}
