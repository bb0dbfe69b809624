package org.ecrpushpipe.context;

import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Compiles the regular expressions Docker's pattern matcher builds from {@code .dockerignore} patterns. They are
 * Go (RE2) expressions, and the user's pattern text reaches them almost unchanged: a {@code \} escapes whatever
 * follows it, and {@code [...]} is passed through as a Go character class. So this translates the RE2 syntax such an
 * expression can hold into {@link java.util.regex} with the same meaning, and rejects what Go rejects (Docker then
 * fails with "syntax error in pattern"). Differences that matter: Go's {@code $} is the end of the text; {@code .}
 * excludes only {@code \n}; {@code \d \s \w \b} are ASCII; escapes such as {@code \x41} or {@code \101} stand for
 * one character; an unknown escape such as {@code \y} is an error; inside a class {@code [} is a literal.
 */
final class GoRegexp {
    private static final String WORD = "[0-9A-Za-z_]";
    private static final Map<String, String> PERL_CLASSES = Map.of(
            "d", "0-9", "s", "\\t\\n\\f\\r ", "w", "0-9A-Za-z_");
    private static final Map<String, String> POSIX_CLASSES = Map.ofEntries(
            Map.entry("alnum", "0-9A-Za-z"), Map.entry("alpha", "A-Za-z"), Map.entry("ascii", "\\x{0}-\\x{7F}"),
            Map.entry("blank", "\\t "), Map.entry("cntrl", "\\x{0}-\\x{1F}\\x{7F}"), Map.entry("digit", "0-9"),
            Map.entry("graph", "!-~"), Map.entry("lower", "a-z"), Map.entry("print", " -~"),
            Map.entry("punct", "!-/:-@\\[-`{-~"), Map.entry("space", "\\t\\n\\x{0B}\\f\\r "),
            Map.entry("upper", "A-Z"), Map.entry("word", "0-9A-Za-z_"), Map.entry("xdigit", "0-9A-Fa-f"));

    /** The expression is not valid RE2: Go's {@code regexp.Compile} would fail on it. */
    static final class SyntaxError extends Exception {
        SyntaxError(String message) {
            super(message);
        }
    }

    private final String re;
    private int i;
    private final StringBuilder out = new StringBuilder();

    private GoRegexp(String re) {
        this.re = re;
    }

    static Pattern compile(String goExpression) throws SyntaxError {
        GoRegexp translator = new GoRegexp(goExpression);
        translator.translate();
        try {
            return Pattern.compile(translator.out.toString(), Pattern.UNIX_LINES);
        } catch (PatternSyntaxException e) {
            throw new SyntaxError(e.getDescription());
        }
    }

    private void translate() throws SyntaxError {
        while (i < re.length()) {
            int c = re.codePointAt(i);
            i += Character.charCount(c);
            switch (c) {
                case '\\' -> escape();
                case '[' -> charClass();
                case '^' -> out.append('^');
                case '$' -> out.append("\\z");
                case '.', '(', ')', '*', '+', '?', '|' -> out.append((char) c);
                case '{', '}' -> out.append('\\').append((char) c);
                default -> literal(c);
            }
        }
    }

    private void literal(int c) {
        if (c < 0x80 && !Character.isLetterOrDigit(c)) {
            out.append('\\').append((char) c);
        } else if (c < 0x80) {
            out.append((char) c);
        } else {
            out.append("\\x{").append(Integer.toHexString(c)).append('}');
        }
    }

    private int next() throws SyntaxError {
        if (i >= re.length()) {
            throw new SyntaxError("trailing backslash at end of expression");
        }
        int c = re.codePointAt(i);
        i += Character.charCount(c);
        return c;
    }

    /** An escape outside a class: an assertion, a class, literal text, or one character. */
    private void escape() throws SyntaxError {
        int c = next();
        switch (c) {
            case 'A' -> out.append("\\A");
            case 'z' -> out.append("\\z");
            case 'b' -> out.append("(?:(?<=" + WORD + ")(?!" + WORD + ")|(?<!" + WORD + ")(?=" + WORD + "))");
            case 'B' -> out.append("(?:(?<=" + WORD + ")(?=" + WORD + ")|(?<!" + WORD + ")(?!" + WORD + "))");
            case 'Q' -> {
                int end = re.indexOf("\\E", i);
                String text = end < 0 ? re.substring(i) : re.substring(i, end);
                i = end < 0 ? re.length() : end + 2;
                text.codePoints().forEach(this::literal);
            }
            case 'd', 's', 'w' -> out.append('[').append(PERL_CLASSES.get(String.valueOf((char) c))).append(']');
            case 'D', 'S', 'W' -> out.append("[^")
                    .append(PERL_CLASSES.get(String.valueOf(Character.toLowerCase((char) c)))).append(']');
            case 'p', 'P' -> out.append(unicodeClass(c == 'P'));
            default -> literal(escapedChar(c));
        }
    }

    /** Go's {@code parseEscape}, after the backslash: octal, hex, C escapes and escaped punctuation. */
    private int escapedChar(int c) throws SyntaxError {
        if (c >= '1' && c <= '7' && (i >= re.length() || re.charAt(i) < '0' || re.charAt(i) > '7')) {
            throw new SyntaxError("invalid escape sequence: \\" + (char) c);
        }
        if (c >= '0' && c <= '7') {
            int r = c - '0';
            for (int k = 1; k < 3 && i < re.length() && re.charAt(i) >= '0' && re.charAt(i) <= '7'; k++) {
                r = r * 8 + re.charAt(i++) - '0';
            }
            return r;
        }
        switch (c) {
            case 'x' -> {
                return hexEscape();
            }
            case 'a' -> { return 7; }
            case 'f' -> { return '\f'; }
            case 'n' -> { return '\n'; }
            case 'r' -> { return '\r'; }
            case 't' -> { return '\t'; }
            case 'v' -> { return 0x0B; }
            default -> {
                if (c < 0x80 && !Character.isLetterOrDigit(c)) {
                    return c;
                }
                throw new SyntaxError("invalid escape sequence: \\" + new String(Character.toChars(c)));
            }
        }
    }

    /** {@code \x41} or {@code \x{10FFFF}}, after the x. */
    private int hexEscape() throws SyntaxError {
        if (i < re.length() && re.charAt(i) == '{') {
            int end = re.indexOf('}', i);
            String hex = end < 0 ? "" : re.substring(i + 1, end);
            if (hex.isEmpty() || !hex.matches("[0-9A-Fa-f]+") || hex.length() > 8
                    || Long.parseLong(hex, 16) > Character.MAX_CODE_POINT) {
                throw new SyntaxError("invalid escape sequence: \\x");
            }
            i = end + 1;
            return Integer.parseInt(hex, 16);
        }
        if (i + 2 > re.length() || !re.substring(i, i + 2).matches("[0-9A-Fa-f]{2}")) {
            throw new SyntaxError("invalid escape sequence: \\x");
        }
        i += 2;
        return Integer.parseInt(re.substring(i - 2, i), 16);
    }

    /** {@code \pL}, {@code \p{Greek}}, {@code \p{^Greek}} (after the p or P): a Java class with the same members. */
    private String unicodeClass(boolean negated) throws SyntaxError {
        String name;
        if (i < re.length() && re.charAt(i) == '{') {
            int end = re.indexOf('}', i);
            if (end < 0) {
                throw new SyntaxError("invalid character class range");
            }
            name = re.substring(i + 1, end);
            i = end + 1;
        } else {
            name = new String(Character.toChars(next()));
        }
        if (name.startsWith("^")) {
            negated = !negated;
            name = name.substring(1);
        }
        String java;
        if (name.equals("Any")) {
            return negated ? "[^\\x{0}-\\x{10FFFF}]" : "[\\x{0}-\\x{10FFFF}]";
        } else if (name.matches("[A-Z][a-z]?")) {
            java = name;
        } else {
            java = "Is" + name;
        }
        String expression = (negated ? "\\P{" : "\\p{") + java + "}";
        try {
            Pattern.compile(expression);
        } catch (PatternSyntaxException e) {
            throw new SyntaxError("invalid character class range: \\p{" + name + "}");
        }
        return expression;
    }

    /** Go's {@code parseClass}, after the {@code [}. */
    private void charClass() throws SyntaxError {
        StringBuilder items = new StringBuilder();
        boolean negated = i < re.length() && re.charAt(i) == '^';
        if (negated) {
            i++;
        }
        boolean first = true;
        while (true) {
            if (i >= re.length()) {
                throw new SyntaxError("missing closing ]");
            }
            if (re.charAt(i) == ']' && !first) {
                i++;
                break;
            }
            first = false;
            items.append(classItem());
        }
        out.append('[').append(negated ? "^" : "").append(items).append(']');
    }

    /** One item of a class: a POSIX, Unicode or Perl class, a character or a range; as Java class members. */
    private String classItem() throws SyntaxError {
        if (re.startsWith("[:", i) && re.indexOf(":]", i + 2) >= 0) {
            int end = re.indexOf(":]", i + 2);
            String name = re.substring(i + 2, end);
            boolean not = name.startsWith("^");
            String members = POSIX_CLASSES.get(not ? name.substring(1) : name);
            if (members == null) {
                throw new SyntaxError("invalid character class range: [:" + name + ":]");
            }
            i = end + 2;
            return not ? "[^" + members + "]" : members;
        }
        if (re.charAt(i) == '\\' && i + 1 < re.length() && "pP".indexOf(re.charAt(i + 1)) >= 0) {
            i += 2;
            return unicodeClass(re.charAt(i - 1) == 'P');
        }
        if (re.charAt(i) == '\\' && i + 1 < re.length() && "dswDSW".indexOf(re.charAt(i + 1)) >= 0) {
            char perl = re.charAt(i + 1);
            String members = PERL_CLASSES.get(String.valueOf(Character.toLowerCase(perl)));
            i += 2;
            return Character.isUpperCase(perl) ? "[^" + members + "]" : members;
        }
        return range();
    }

    /** A character, or a range {@code a-z}, of a class. */
    private String range() throws SyntaxError {
        int lo = classChar();
        int hi = lo;
        if (i + 1 < re.length() && re.charAt(i) == '-' && re.charAt(i + 1) != ']') {
            i++;
            hi = classChar();
            if (hi < lo) {
                throw new SyntaxError("invalid character class range");
            }
        }
        String from = "\\x{" + Integer.toHexString(lo) + "}";
        return hi == lo ? from : from + "-\\x{" + Integer.toHexString(hi) + "}";
    }

    private int classChar() throws SyntaxError {
        if (i >= re.length()) {
            throw new SyntaxError("missing closing ]");
        }
        if (re.charAt(i) == '\\') {
            i++;
            return escapedChar(next());
        }
        return next();
    }
}
