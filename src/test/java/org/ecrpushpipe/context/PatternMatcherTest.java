package org.ecrpushpipe.context;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.ecrpushpipe.context.PatternMatcher.BadPatternException;
import org.ecrpushpipe.context.PatternMatcher.MatchInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The tables of moby's {@code patternmatcher_test.go} (v0.6.1), run against the port: every case there must come
 * out the same here, for each of the three ways Docker matches.
 */
class PatternMatcherTest {

    /** moby's TestMatches table: pattern, path, whether it matches. */
    static Stream<Arguments> matches() {
        return Stream.of(
                Arguments.of("**", "file", true), Arguments.of("**", "file/", true),
                Arguments.of("**/", "file", true), Arguments.of("**/", "file/", true),
                Arguments.of("**", "/", true), Arguments.of("**/", "/", true),
                Arguments.of("**", "dir/file", true), Arguments.of("**/", "dir/file", true),
                Arguments.of("**", "dir/file/", true), Arguments.of("**/", "dir/file/", true),
                Arguments.of("**/**", "dir/file", true), Arguments.of("**/**", "dir/file/", true),
                Arguments.of("dir/**", "dir/file", true), Arguments.of("dir/**", "dir/file/", true),
                Arguments.of("dir/**", "dir/dir2/file", true), Arguments.of("dir/**", "dir/dir2/file/", true),
                Arguments.of("**/dir", "dir", true), Arguments.of("**/dir", "dir/file", true),
                Arguments.of("**/dir2/*", "dir/dir2/file", true), Arguments.of("**/dir2/*", "dir/dir2/file/", true),
                Arguments.of("**/dir2/**", "dir/dir2/dir3/file", true),
                Arguments.of("**/dir2/**", "dir/dir2/dir3/file/", true),
                Arguments.of("**file", "file", true), Arguments.of("**file", "dir/file", true),
                Arguments.of("**/file", "dir/file", true), Arguments.of("**file", "dir/dir/file", true),
                Arguments.of("**/file", "dir/dir/file", true), Arguments.of("**/file*", "dir/dir/file", true),
                Arguments.of("**/file*", "dir/dir/file.txt", true), Arguments.of("**/file*txt", "dir/dir/file.txt", true),
                Arguments.of("**/file*.txt", "dir/dir/file.txt", true),
                Arguments.of("**/file*.txt*", "dir/dir/file.txt", true),
                Arguments.of("**/**/*.txt", "dir/dir/file.txt", true),
                Arguments.of("**/**/*.txt2", "dir/dir/file.txt", false),
                Arguments.of("**/*.txt", "file.txt", true), Arguments.of("**/**/*.txt", "file.txt", true),
                Arguments.of("a**/*.txt", "a/file.txt", true), Arguments.of("a**/*.txt", "a/dir/file.txt", true),
                Arguments.of("a**/*.txt", "a/dir/dir/file.txt", true), Arguments.of("a/*.txt", "a/dir/file.txt", false),
                Arguments.of("a/*.txt", "a/file.txt", true), Arguments.of("a/*.txt**", "a/file.txt", true),
                Arguments.of("a[b-d]e", "ae", false), Arguments.of("a[b-d]e", "ace", true),
                Arguments.of("a[b-d]e", "aae", false), Arguments.of("a[^b-d]e", "aze", true),
                Arguments.of(".*", ".foo", true), Arguments.of(".*", "foo", false),
                Arguments.of("abc.def", "abcdef", false), Arguments.of("abc.def", "abc.def", true),
                Arguments.of("abc.def", "abcZdef", false), Arguments.of("abc?def", "abcZdef", true),
                Arguments.of("abc?def", "abcdef", false), Arguments.of("a\\\\", "a\\", true),
                Arguments.of("**/foo/bar", "foo/bar", true), Arguments.of("**/foo/bar", "dir/foo/bar", true),
                Arguments.of("**/foo/bar", "dir/dir2/foo/bar", true), Arguments.of("abc/**", "abc", false),
                Arguments.of("abc/**", "abc/def", true), Arguments.of("abc/**", "abc/def/ghi", true),
                Arguments.of("**/.foo", ".foo", true), Arguments.of("**/.foo", "bar.foo", false),
                Arguments.of("a(b)c/def", "a(b)c/def", true), Arguments.of("a(b)c/def", "a(b)c/xyz", false),
                Arguments.of("a.|)$(}+{bc", "a.|)$(}+{bc", true),
                Arguments.of("dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl",
                        "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl", true),
                Arguments.of("dist/*.whl", "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl", true),
                Arguments.of("a\\*b", "a*b", true));
    }

    /** moby's multi-pattern table. */
    static Stream<Arguments> multiPatternMatches() {
        return Stream.of(
                Arguments.of(List.of("**", "!util/docker/web"), "util/docker/web/foo", false),
                Arguments.of(List.of("**", "!util/docker/web", "util/docker/web/foo"), "util/docker/web/foo", true),
                Arguments.of(List.of("**", "!dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl"),
                        "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl", false),
                Arguments.of(List.of("**", "!dist/*.whl"), "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl", false));
    }

    @ParameterizedTest(name = "{0} ~ {1}: {2}")
    @MethodSource("matches")
    void matchesOrParentMatches(String pattern, String path, boolean expected) throws Exception {
        assertEquals(expected, PatternMatcher.of(List.of(pattern)).matchesOrParentMatches(path));
    }

    @ParameterizedTest(name = "{0} ~ {1}: {2}")
    @MethodSource("multiPatternMatches")
    void multiPatternMatchesOrParentMatches(List<String> patterns, String path, boolean expected) throws Exception {
        assertEquals(expected, PatternMatcher.of(patterns).matchesOrParentMatches(path));
    }

    @ParameterizedTest(name = "{0} ~ {1}: {2}")
    @MethodSource("matches")
    void matchesUsingParentResults(String pattern, String path, boolean expected) throws Exception {
        assertEquals(expected, withParents(PatternMatcher.of(List.of(pattern)), path));
        assertEquals(expected, PatternMatcher.of(List.of(pattern)).matchesUsingParentResults(path, MatchInfo.NONE).matched(),
                "without parent results");
    }

    @ParameterizedTest(name = "{0} ~ {1}: {2}")
    @MethodSource("multiPatternMatches")
    void multiPatternMatchesUsingParentResults(List<String> patterns, String path, boolean expected) throws Exception {
        assertEquals(expected, withParents(PatternMatcher.of(patterns), path));
        assertEquals(expected, PatternMatcher.of(patterns).matchesUsingParentResults(path, MatchInfo.NONE).matched());
    }

    /** moby's check: feed the parent directories' results down, as the archiver does while walking. */
    private static boolean withParents(PatternMatcher pm, String path) throws BadPatternException {
        String parent = GoPath.dir(path);
        MatchInfo info = MatchInfo.NONE;
        if (!parent.equals(".")) {
            String[] dirs = parent.split("/", -1);
            for (int i = 0; i < dirs.length; i++) {
                info = pm.matchesUsingParentResults(String.join("/", List.of(dirs).subList(0, i + 1)), info).info();
            }
        }
        return pm.matchesUsingParentResults(path, info).matched();
    }

    /** moby's matchTests (Go's filepath.Match table), through the deprecated package-level Matches. */
    static Stream<Arguments> shellMatches() {
        return Stream.of(
                Arguments.of("abc", "abc", true, false), Arguments.of("*", "abc", true, false),
                Arguments.of("*c", "abc", true, false), Arguments.of("a*", "a", true, false),
                Arguments.of("a*", "abc", true, false), Arguments.of("a*", "ab/c", true, false),
                Arguments.of("a*/b", "abc/b", true, false), Arguments.of("a*/b", "a/c/b", false, false),
                Arguments.of("a*b*c*d*e*/f", "axbxcxdxe/f", true, false),
                Arguments.of("a*b*c*d*e*/f", "axbxcxdxexxx/f", true, false),
                Arguments.of("a*b*c*d*e*/f", "axbxcxdxe/xxx/f", false, false),
                Arguments.of("a*b*c*d*e*/f", "axbxcxdxexxx/fff", false, false),
                Arguments.of("a*b?c*x", "abxbbxdbxebxczzx", true, false),
                Arguments.of("a*b?c*x", "abxbbxdbxebxczzy", false, false),
                Arguments.of("ab[c]", "abc", true, false), Arguments.of("ab[b-d]", "abc", true, false),
                Arguments.of("ab[e-g]", "abc", false, false), Arguments.of("ab[^c]", "abc", false, false),
                Arguments.of("ab[^b-d]", "abc", false, false), Arguments.of("ab[^e-g]", "abc", true, false),
                Arguments.of("a\\*b", "a*b", true, false), Arguments.of("a\\*b", "ab", false, false),
                Arguments.of("a?b", "a☺b", true, false), Arguments.of("a[^a]b", "a☺b", true, false),
                Arguments.of("a???b", "a☺b", false, false), Arguments.of("a[^a][^a][^a]b", "a☺b", false, false),
                Arguments.of("[a-ζ]*", "α", true, false), Arguments.of("*[a-ζ]", "A", false, false),
                Arguments.of("a?b", "a/b", false, false), Arguments.of("a*b", "a/b", false, false),
                Arguments.of("[\\]a]", "]", true, false), Arguments.of("[\\-]", "-", true, false),
                Arguments.of("[x\\-]", "x", true, false), Arguments.of("[x\\-]", "-", true, false),
                Arguments.of("[x\\-]", "z", false, false), Arguments.of("[\\-x]", "x", true, false),
                Arguments.of("[\\-x]", "-", true, false), Arguments.of("[\\-x]", "a", false, false),
                Arguments.of("[]a]", "]", false, true), Arguments.of("[-]", "-", false, true),
                Arguments.of("[x-]", "x", false, true), Arguments.of("[x-]", "-", false, true),
                Arguments.of("[x-]", "z", false, true), Arguments.of("[-x]", "x", false, true),
                Arguments.of("[-x]", "-", false, true), Arguments.of("[-x]", "a", false, true),
                Arguments.of("\\", "a", false, true), Arguments.of("[a-b-c]", "a", false, true),
                Arguments.of("[", "a", false, true), Arguments.of("[^", "a", false, true),
                Arguments.of("[^bc", "a", false, true), Arguments.of("a[", "a", false, true),
                Arguments.of("a[", "ab", false, true), Arguments.of("*x", "xxx", true, false));
    }

    @ParameterizedTest(name = "{0} ~ {1}: {2}, error {3}")
    @MethodSource("shellMatches")
    void deprecatedMatches(String pattern, String path, boolean expected, boolean error) {
        try {
            boolean actual = PatternMatcher.of(List.of(pattern)).matches(GoPath.clean(path));
            assertFalse(error, "expected a bad pattern error");
            assertEquals(expected, actual);
        } catch (BadPatternException e) {
            assertTrue(error, "unexpected error " + e.getMessage());
        }
    }

    @Test
    void deprecatedMatchesOnlyTriesTheParentAtThePatternsDepth() throws Exception {
        assertTrue(PatternMatcher.of(List.of("docs")).matches("docs/README.md"));
        assertFalse(PatternMatcher.of(List.of("docs", "!docs/README.md")).matches("docs/README.md"));
        assertFalse(PatternMatcher.of(List.of("docs/", "!docs/README.md")).matches("docs/README.md"));
        assertFalse(PatternMatcher.of(List.of("docs/*", "!docs/README.md")).matches("docs/README.md"));
        assertTrue(PatternMatcher.of(List.of("!fileutils.go", "*.go")).matches("fileutils.go"));
        assertFalse(PatternMatcher.of(List.of("*.go", "!fileutils.go")).matches("fileutils.go"));
        // the one-level parent check: "a" matches a/b/c through its parent at depth 1, "b" does not
        assertTrue(PatternMatcher.of(List.of("a")).matches("a/b/c"));
        assertFalse(PatternMatcher.of(List.of("b")).matches("a/b/c"));
        assertTrue(PatternMatcher.of(List.of("b")).matchesOrParentMatches("b/c"));
    }

    @Test
    void patternsAreCleanedTrimmedAndBlankOnesDropped() throws Exception {
        PatternMatcher pm = PatternMatcher.of(List.of("docs", "config", "", "  !docs/README.md  ", "./a//b/../c/"));
        assertEquals(List.of("docs", "config", "docs/README.md", "a/c"), pm.patterns().stream().map(Object::toString).toList());
        assertTrue(pm.exclusions());
        assertFalse(PatternMatcher.of(List.of("docs")).exclusions());
    }

    @Test
    void aLoneExclamationMarkIsAnError() {
        BadPatternException e = assertThrows(BadPatternException.class, () -> PatternMatcher.of(List.of("!")));
        assertEquals("illegal exclusion pattern: \"!\"", e.getMessage());
    }

    @Test
    void aPatternGoCannotCompileFailsOnEveryUseAsMobyDoes() throws Exception {
        // moby#52203: passes the syntax check, fails at match time, every time
        PatternMatcher pm = PatternMatcher.of(List.of("[Local-Only]/"));
        assertThrows(BadPatternException.class, () -> pm.matchesOrParentMatches("x"));
        assertThrows(BadPatternException.class, () -> pm.matchesOrParentMatches("x"));
    }

    /** moby's TestCompile table: how each pattern is matched, and the Go expression it becomes. */
    @Test
    void goExpressionsMeanWhatTheyMeanInGo() throws Exception {
        // escapes pass through to Go's regexp: \x41 is 'A', \101 is 'A', \d a digit, \y an error
        assertTrue(PatternMatcher.of(List.of("\\x41")).matchesOrParentMatches("A"));
        assertTrue(PatternMatcher.of(List.of("\\101")).matchesOrParentMatches("A"));
        assertTrue(PatternMatcher.of(List.of("f\\d")).matchesOrParentMatches("f7"));
        assertFalse(PatternMatcher.of(List.of("f\\d")).matchesOrParentMatches("fd"));
        assertThrows(BadPatternException.class, () -> PatternMatcher.of(List.of("f\\y")).matchesOrParentMatches("f"));
        // a class is a Go class: [[:digit:]] and a literal '[' inside
        assertTrue(PatternMatcher.of(List.of("v[[:digit:]]")).matchesOrParentMatches("v3"));
        assertTrue(PatternMatcher.of(List.of("x[[a]")).matchesOrParentMatches("x["));
        // Go's $ is the end of the text (not before a final newline), and . does not match a newline
        assertTrue(PatternMatcher.of(List.of("x*/**")).matchesOrParentMatches("xa/b"));
        assertFalse(PatternMatcher.of(List.of("x*/**")).matchesOrParentMatches("xa/b\n"));
        assertFalse(PatternMatcher.of(List.of("x*/**")).matchesOrParentMatches("xa/b\nc"));
        // but a negated class does match a newline, in Go as here
        assertTrue(PatternMatcher.of(List.of("a?")).matchesOrParentMatches("a\n"));
    }

    @Test
    void everyTableRowWasRun() {
        List<Arguments> all = new ArrayList<>(matches().toList());
        assertEquals(68, all.size(), "the whole of moby's TestMatches table, with its non-Windows row");
        assertEquals(54, shellMatches().count(), "the whole of moby's matchTests table");
    }
}
