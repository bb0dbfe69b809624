package org.ecrpushpipe.context;

/**
 * Go's {@code filepath.Match}, ported for the one use moby makes of it: {@code Match(pattern, ".")} as a syntax
 * check when a {@code .dockerignore} pattern is read. Like Go, it stops at the first chunk that cannot match
 * {@code "."}, so a pattern such as {@code a[} passes here and fails only when it is compiled.
 */
final class ShellPattern {
    private ShellPattern() {
    }

    /** Whether Go's {@code filepath.Match(pattern, ".")} returns no error. */
    static boolean isWellFormed(String pattern) {
        try {
            match(pattern, ".");
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** {@code filepath.Match}; a malformed pattern throws {@link IllegalArgumentException} (ErrBadPattern). */
    static boolean match(String pattern, String name) {
        String p = pattern;
        String n = name;
        outer:
        while (!p.isEmpty()) {
            boolean star = false;
            while (!p.isEmpty() && p.charAt(0) == '*') {
                p = p.substring(1);
                star = true;
            }
            int end = chunkEnd(p);
            String chunk = p.substring(0, end);
            p = p.substring(end);
            if (star && chunk.isEmpty()) {
                return n.indexOf('/') < 0;
            }
            String rest = matchChunk(chunk, n);
            if (rest != null && (rest.isEmpty() || !p.isEmpty())) {
                n = rest;
                continue;
            }
            if (star) {
                for (int i = 0; i < n.length() && n.charAt(i) != '/'; i++) {
                    String t = matchChunk(chunk, n.substring(i + 1));
                    if (t != null) {
                        if (p.isEmpty() && !t.isEmpty()) {
                            continue;
                        }
                        n = t;
                        continue outer;
                    }
                }
            }
            return false;
        }
        return n.isEmpty();
    }

    private static int chunkEnd(String p) {
        boolean inRange = false;
        int i;
        for (i = 0; i < p.length(); i++) {
            char c = p.charAt(i);
            if (c == '\\') {
                if (i + 1 < p.length()) {
                    i++;
                }
            } else if (c == '[') {
                inRange = true;
            } else if (c == ']') {
                inRange = false;
            } else if (c == '*' && !inRange) {
                break;
            }
        }
        return i;
    }

    /** Matches {@code chunk} at the start of {@code s}; the rest of {@code s}, or null when it does not match. */
    private static String matchChunk(String chunk, String s) {
        int ci = 0;
        int si = 0;
        while (ci < chunk.length()) {
            if (si >= s.length()) {
                return null;
            }
            char c = chunk.charAt(ci);
            if (c == '[') {
                int r = s.codePointAt(si);
                si += Character.charCount(r);
                ClassMatch in = matchClass(chunk, ci + 1, r);
                if (!in.matched()) {
                    return null;
                }
                ci = in.next();
            } else if (c == '?') {
                if (s.charAt(si) == '/') {
                    return null;
                }
                si += Character.charCount(s.codePointAt(si));
                ci++;
            } else {
                if (c == '\\') {
                    ci++;
                    if (ci >= chunk.length()) {
                        throw new IllegalArgumentException("syntax error in pattern");
                    }
                }
                if (chunk.charAt(ci) != s.charAt(si)) {
                    return null;
                }
                si++;
                ci++;
            }
        }
        return s.substring(si);
    }

    /** Whether a character is in a class, and the index after the class's {@code ]}. */
    private record ClassMatch(boolean matched, int next) {
    }

    /** The character class starting at {@code ci} (just after its {@code [}), read whole and matched against r. */
    private static ClassMatch matchClass(String chunk, int ci, int r) {
        if (ci >= chunk.length()) {
            throw new IllegalArgumentException("syntax error in pattern");
        }
        boolean negated = chunk.charAt(ci) == '^';
        if (negated) {
            ci++;
        }
        boolean match = false;
        int ranges = 0;
        while (ci >= chunk.length() || chunk.charAt(ci) != ']' || ranges == 0) {
            int[] lo = escaped(chunk, ci);
            ci = lo[1];
            int hi = lo[0];
            if (chunk.charAt(ci) == '-') {
                int[] h = escaped(chunk, ci + 1);
                hi = h[0];
                ci = h[1];
            }
            if (lo[0] <= r && r <= hi) {
                match = true;
            }
            ranges++;
        }
        return new ClassMatch(match != negated, ci + 1);
    }

    /** Go's {@code getEsc}: a possibly escaped character of a class, and the index after it. */
    private static int[] escaped(String chunk, int ci) {
        if (ci >= chunk.length() || chunk.charAt(ci) == '-' || chunk.charAt(ci) == ']') {
            throw new IllegalArgumentException("syntax error in pattern");
        }
        if (chunk.charAt(ci) == '\\') {
            ci++;
            if (ci >= chunk.length()) {
                throw new IllegalArgumentException("syntax error in pattern");
            }
        }
        int r = chunk.codePointAt(ci);
        ci += Character.charCount(r);
        if (ci >= chunk.length()) {
            throw new IllegalArgumentException("syntax error in pattern");
        }
        return new int[] {r, ci};
    }
}
