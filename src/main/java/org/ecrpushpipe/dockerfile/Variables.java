package org.ecrpushpipe.dockerfile;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The build arguments that a Dockerfile's {@code FROM} lines (and its {@code --from} flags) see: the {@code ARG}s
 * before the first {@code FROM}, their defaults, and the build's arguments over those, put into a word as the
 * builders' shell-like expansion does: {@code $NAME}, {@code ${NAME}}, {@code ${NAME:-default}},
 * {@code ${NAME-default}}, {@code ${NAME:+alternative}}, {@code ${NAME+alternative}}; {@code \$} is a dollar sign.
 * An argument without a value expands to nothing.
 */
final class Variables {
    private final Map<String, String> values = new HashMap<>();

    /**
     * Declares the arguments of one {@code ARG} instruction ({@code ARG NAME}, {@code ARG NAME=default}, several in
     * one line).
     */
    void declare(String arguments, Map<String, Optional<String>> buildArgs) {
        for (String word : arguments.strip().split("\\s+")) {
            if (word.isEmpty()) {
                continue;
            }
            int equals = word.indexOf('=');
            String name = equals < 0 ? word : word.substring(0, equals);
            Optional<String> given = buildArgs.getOrDefault(name, Optional.empty());
            if (given.isPresent()) {
                values.put(name, given.get());
            } else if (equals >= 0) {
                values.put(name, expand(unquote(word.substring(equals + 1))));
            }
        }
    }

    /** The word with the arguments put in. */
    String expand(String word) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < word.length(); i++) {
            char c = word.charAt(i);
            if (c == '\\' && i + 1 < word.length() && word.charAt(i + 1) == '$') {
                out.append('$');
                i++;
            } else if (c == '$' && i + 1 < word.length() && word.charAt(i + 1) == '{') {
                int end = word.indexOf('}', i);
                if (end < 0) {
                    out.append(word, i, word.length());
                    break;
                }
                out.append(braced(word.substring(i + 2, end)));
                i = end;
            } else if (c == '$' && i + 1 < word.length() && isNameChar(word.charAt(i + 1))) {
                int end = i + 1;
                while (end < word.length() && isNameChar(word.charAt(end))) {
                    end++;
                }
                out.append(values.getOrDefault(word.substring(i + 1, end), ""));
                i = end - 1;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** {@code NAME}, {@code NAME:-word}, {@code NAME-word}, {@code NAME:+word}, {@code NAME+word}. */
    private String braced(String inside) {
        int at = 0;
        while (at < inside.length() && isNameChar(inside.charAt(at))) {
            at++;
        }
        String name = inside.substring(0, at);
        String value = values.get(name);
        String operator = inside.substring(at);
        boolean colon = operator.startsWith(":");
        String rest = colon ? operator.substring(1) : operator;
        boolean set = value != null && !(colon && value.isEmpty());
        if (rest.startsWith("-")) {
            return set ? value : expand(rest.substring(1));
        }
        if (rest.startsWith("+")) {
            return set ? expand(rest.substring(1)) : "";
        }
        return value == null ? "" : value;
    }

    private static boolean isNameChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_';
    }

    private static String unquote(String value) {
        if (value.length() >= 2 && (value.startsWith("\"") && value.endsWith("\"")
                || value.startsWith("'") && value.endsWith("'"))) {
            return value.substring(1, value.length() - 1);
        }
        return value;
    }
}
