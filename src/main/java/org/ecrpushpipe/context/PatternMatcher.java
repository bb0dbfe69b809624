package org.ecrpushpipe.context;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Docker's {@code .dockerignore} matcher, ported from moby's {@code patternmatcher} (v0.6, the version the docker
 * CLI uses) line by line, so that the pipe leaves out of a build context exactly what {@code docker build} leaves
 * out. Patterns are cleaned paths relative to the context; {@code !} marks an exception; later patterns win;
 * {@code **} spans directories; a pattern that matches a directory matches everything below it.
 *
 * <p>As in Go, a pattern is checked for syntax when the matcher is made (with {@link ShellPattern}) and compiled on
 * first use; either step can fail with {@link BadPatternException}. Paths passed in are slash-separated.
 */
final class PatternMatcher {
    private final List<Pattern> patterns;
    private final boolean exclusions;

    /** A pattern that Go's {@code filepath.Match} or {@code regexp.Compile} rejects: "syntax error in pattern". */
    static final class BadPatternException extends Exception {
        private final String pattern;

        BadPatternException(String pattern, String detail) {
            super(detail);
            this.pattern = pattern;
        }

        /** The pattern as written (after cleaning). */
        String pattern() {
            return pattern;
        }
    }

    private PatternMatcher(List<Pattern> patterns, boolean exclusions) {
        this.patterns = patterns;
        this.exclusions = exclusions;
    }

    /** {@code patternmatcher.New}: trims, cleans and checks each pattern; blank ones are dropped. */
    static PatternMatcher of(List<String> written) throws BadPatternException {
        List<Pattern> patterns = new ArrayList<>();
        boolean exclusions = false;
        for (String raw : written) {
            String p = GoStrings.trimSpace(raw);
            if (p.isEmpty()) {
                continue;
            }
            p = GoPath.clean(p);
            boolean exclusion = false;
            if (p.charAt(0) == '!') {
                if (p.length() == 1) {
                    throw new BadPatternException(p, "illegal exclusion pattern: \"!\"");
                }
                exclusion = true;
                p = p.substring(1);
                exclusions = true;
            }
            if (!ShellPattern.isWellFormed(p)) {
                throw new BadPatternException(p, "syntax error in pattern");
            }
            patterns.add(new Pattern(p, exclusion));
        }
        return new PatternMatcher(List.copyOf(patterns), exclusions);
    }

    /** Whether any pattern is an exception ({@code !...}). */
    boolean exclusions() {
        return exclusions;
    }

    List<Pattern> patterns() {
        return patterns;
    }

    /**
     * The deprecated {@code Matches}: like {@link #matchesOrParentMatches} but it only tries the parent directory at
     * the depth of the pattern. The docker CLI still uses it to decide whether the Dockerfile and
     * {@code .dockerignore} need an exception added.
     */
    boolean matches(String file) throws BadPatternException {
        boolean matched = false;
        String parentPath = GoPath.dir(file);
        String[] parentPathDirs = parentPath.split("/", -1);
        for (Pattern pattern : patterns) {
            if (pattern.exclusion != matched) {
                continue;
            }
            boolean match = pattern.match(file);
            if (!match && !parentPath.equals(".") && pattern.dirs.length <= parentPathDirs.length) {
                match = pattern.matchQuietly(String.join("/", Arrays.copyOf(parentPathDirs, pattern.dirs.length)));
            }
            if (match) {
                matched = !pattern.exclusion;
            }
        }
        return matched;
    }

    /** {@code MatchesOrParentMatches}: the file, or any directory above it, matches (and no later exception). */
    boolean matchesOrParentMatches(String file) throws BadPatternException {
        boolean matched = false;
        String parentPath = GoPath.dir(file);
        String[] parentPathDirs = parentPath.split("/", -1);
        for (Pattern pattern : patterns) {
            if (pattern.exclusion != matched) {
                continue;
            }
            boolean match = pattern.match(file);
            if (!match && !parentPath.equals(".")) {
                for (int i = 0; i < parentPathDirs.length && !match; i++) {
                    match = pattern.matchQuietly(String.join("/", Arrays.copyOf(parentPathDirs, i + 1)));
                }
            }
            if (match) {
                matched = !pattern.exclusion;
            }
        }
        return matched;
    }

    /** What a directory's match left for its children: which patterns matched it (empty when unknown). */
    record MatchInfo(boolean[] parentMatched) {
        static final MatchInfo NONE = new MatchInfo(new boolean[0]);
    }

    /** The outcome of {@link #matchesUsingParentResults}. */
    record Result(boolean matched, MatchInfo info) {
    }

    /**
     * {@code MatchesUsingParentResults}, what the archiver uses while it walks the context: the parent directory's
     * results are reused, so a pattern that matched a directory matches all of its contents.
     */
    Result matchesUsingParentResults(String file, MatchInfo parent) throws BadPatternException {
        boolean[] parentMatched = parent.parentMatched();
        boolean matched = false;
        boolean[] info = new boolean[patterns.size()];
        for (int i = 0; i < patterns.size(); i++) {
            Pattern pattern = patterns.get(i);
            boolean match = parentMatched.length != 0 && parentMatched[i];
            if (!match) {
                if (pattern.exclusion != matched) {
                    continue;
                }
                match = pattern.match(file);
                if (!match && parentMatched.length == 0) {
                    String parentPath = GoPath.dir(file);
                    if (!parentPath.equals(".")) {
                        String[] parentPathDirs = parentPath.split("/", -1);
                        for (int k = 0; k < parentPathDirs.length && !match; k++) {
                            match = pattern.matchQuietly(String.join("/", Arrays.copyOf(parentPathDirs, k + 1)));
                        }
                    }
                }
            }
            info[i] = match;
            if (match) {
                matched = !pattern.exclusion;
            }
        }
        return new Result(matched, new MatchInfo(info));
    }

    /** How a pattern matches, as moby's {@code matchType}. */
    private enum MatchType { UNKNOWN, EXACT, PREFIX, SUFFIX, REGEXP }

    /** One cleaned pattern, compiled on first use as moby does. */
    static final class Pattern {
        private final String cleanedPattern;
        private final String[] dirs;
        private final boolean exclusion;
        private MatchType matchType = MatchType.UNKNOWN;
        private java.util.regex.Pattern regexp;
        private boolean broken;

        Pattern(String cleanedPattern, boolean exclusion) {
            this.cleanedPattern = cleanedPattern;
            this.dirs = cleanedPattern.split("/", -1);
            this.exclusion = exclusion;
        }

        boolean exclusion() {
            return exclusion;
        }

        @Override
        public String toString() {
            return cleanedPattern;
        }

        /** Like {@link #match} but a bad pattern counts as no match, as moby ignores the error for parents. */
        boolean matchQuietly(String path) {
            try {
                return match(path);
            } catch (BadPatternException e) {
                return false;
            }
        }

        boolean match(String path) throws BadPatternException {
            if (matchType == MatchType.UNKNOWN && !broken) {
                compile();
            }
            if (broken) {
                throw new BadPatternException(cleanedPattern, "syntax error in pattern");
            }
            return switch (matchType) {
                case EXACT -> path.equals(cleanedPattern);
                case PREFIX -> path.startsWith(cleanedPattern.substring(0, cleanedPattern.length() - 2));
                case SUFFIX -> {
                    String suffix = cleanedPattern.substring(2);
                    yield path.endsWith(suffix) || (suffix.charAt(0) == '/' && path.equals(suffix.substring(1)));
                }
                case REGEXP -> regexp.matcher(path).find();
                case UNKNOWN -> throw new BadPatternException(cleanedPattern, "syntax error in pattern");
            };
        }

        /** moby's {@code compile}: the pattern as an exact name, a prefix, a suffix, or a (Go) regular expression. */
        private void compile() {
            Translation translation = new Translation(cleanedPattern.codePoints().toArray());
            translation.run();
            MatchType detected = translation.detected;
            StringBuilder regStr = translation.regStr;
            if (detected == MatchType.REGEXP) {
                regStr.append('$');
                try {
                    regexp = GoRegexp.compile(regStr.toString());
                } catch (GoRegexp.SyntaxError e) {
                    // moby leaves the type unknown, so every later match reports the bad pattern again
                    broken = true;
                    return;
                }
            }
            matchType = detected;
        }
    }

    /** moby's reading of a pattern into a regular expression, and the kind of match it detects on the way. */
    private static final class Translation {
        private final int[] chars;
        private final StringBuilder regStr = new StringBuilder("^");
        private MatchType detected = MatchType.EXACT;
        private int pos;

        Translation(int[] chars) {
            this.chars = chars;
        }

        void run() {
            for (int i = 0; pos < chars.length; i++) {
                int ch = chars[pos++];
                if (ch == '*') {
                    star(i == 0);
                } else if (ch == '?') {
                    regStr.append("[^/]");
                    detected = MatchType.REGEXP;
                } else if (".+()|{}$".indexOf(ch) >= 0) {
                    regStr.append('\\').appendCodePoint(ch);
                } else if (ch == '\\') {
                    escape();
                } else if (ch == '[' || ch == ']') {
                    regStr.appendCodePoint(ch);
                    detected = MatchType.REGEXP;
                } else {
                    regStr.appendCodePoint(ch);
                }
            }
        }

        private void star(boolean first) {
            if (pos >= chars.length || chars[pos] != '*') {
                regStr.append("[^/]*");
                detected = MatchType.REGEXP;
                return;
            }
            pos++;
            if (pos < chars.length && chars[pos] == '/') {
                pos++;
            }
            if (pos < chars.length) {
                regStr.append("(.*/)?");
                detected = MatchType.REGEXP;
            } else if (detected == MatchType.EXACT) {
                detected = MatchType.PREFIX;
            } else {
                regStr.append(".*");
                detected = MatchType.REGEXP;
            }
            if (first) {
                detected = MatchType.SUFFIX;
            }
        }

        private void escape() {
            if (pos < chars.length) {
                regStr.append('\\').appendCodePoint(chars[pos++]);
                detected = MatchType.REGEXP;
            } else {
                regStr.append('\\');
            }
        }
    }
}
