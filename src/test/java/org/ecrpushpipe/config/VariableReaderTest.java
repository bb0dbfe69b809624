package org.ecrpushpipe.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;

import org.ecrpushpipe.errors.PipeException.Configuration.Problem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The one reader of variables, kind by kind: each row is an environment, one read, the value it gives, and the
 * exact problems and warnings it leaves — the same checks, alias rule and wording for every variable of a kind.
 */
class VariableReaderTest {
    private static final Path CLONE = Path.of("/clone/repo");

    /** One row of the table. */
    record Row(String name, Map<String, String> env, Function<VariableReader, Object> read, Object value,
               List<Problem> problems, List<String> warnings) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static final class RowBuilder {
        private final String name;
        private final Map<String, String> env = new HashMap<>();
        private Function<VariableReader, Object> read;
        private final List<Problem> problems = new ArrayList<>();
        private final List<String> warnings = new ArrayList<>();

        RowBuilder(String name, String... pairs) {
            this.name = name;
            for (int i = 0; i < pairs.length; i += 2) {
                env.put(pairs[i], pairs[i + 1]);
            }
        }

        RowBuilder read(Function<VariableReader, Object> read) {
            this.read = read;
            return this;
        }

        RowBuilder problem(Variable variable, String message) {
            problems.add(new Problem(variable.name(), message));
            return this;
        }

        RowBuilder warning(String warning) {
            warnings.add(warning);
            return this;
        }

        Row gives(Object value) {
            return new Row(name, Map.copyOf(env), read, value, List.copyOf(problems), List.copyOf(warnings));
        }
    }

    private static RowBuilder row(String name, String... pairs) {
        return new RowBuilder(name, pairs);
    }

    private static Function<VariableReader, Object> value(Variable variable) {
        return r -> r.value(variable);
    }

    private static Function<VariableReader, Object> list(Variable variable) {
        return r -> r.list(variable);
    }

    private static Function<VariableReader, Object> flag(Variable variable) {
        return r -> r.flag(variable);
    }

    static Stream<Row> table() {
        return Stream.of(
                // one value: aliases, trimming, empty, stray characters
                row("value unset").read(value(Variable.TARGET)).gives(Optional.empty()),
                row("value empty, as Bitbucket passes an unset $VAR", "TARGET", "").read(value(Variable.TARGET))
                        .gives(Optional.empty()),
                row("value only blanks", "TARGET", " \t ").read(value(Variable.TARGET)).gives(Optional.empty()),
                row("value trimmed", "TARGET", "  build \n").read(value(Variable.TARGET)).gives(Optional.of("build")),
                row("alias alone", "AWS_DEFAULT_REGION", "eu-west-1").read(value(Variable.AWS_REGION))
                        .gives(Optional.of("eu-west-1")),
                row("aliases agreeing: no warning", "AWS_REGION", "eu-west-1", "AWS_DEFAULT_REGION", " eu-west-1")
                        .read(value(Variable.AWS_REGION)).gives(Optional.of("eu-west-1")),
                row("aliases differing: the first name wins, with a warning", "AWS_REGION", "eu-west-1",
                        "AWS_DEFAULT_REGION", "us-east-1").read(value(Variable.AWS_REGION))
                        .warning("Both AWS_REGION and AWS_DEFAULT_REGION are set and differ; using AWS_REGION.")
                        .gives(Optional.of("eu-west-1")),
                row("stray character: named, shown escaped, the value unusable", "TARGET", "build\u001b[2J")
                        .read(value(Variable.TARGET))
                        .problem(Variable.TARGET, "TARGET holds the control character U+001B inside its value"
                                + " 'build\\u001B[2J'; set it again without it")
                        .gives(Optional.empty()),
                row("stray character under an alias names the alias", "AWS_DEFAULT_REGION", "eu-west-1\u200b")
                        .read(value(Variable.AWS_REGION))
                        .problem(Variable.AWS_REGION, "AWS_DEFAULT_REGION holds the invisible character U+200B"
                                + " inside its value 'eu-west-1\\u200B'; set it again without it")
                        .gives(Optional.empty()),
                row("stray character in a secret: not shown", "AWS_SECRET", "first-half second-half")
                        .read(value(Variable.AWS_SECRET))
                        .problem(Variable.AWS_SECRET, "AWS_SECRET holds a space inside its value (not shown); AWS"
                                + " keys and tokens are one word of letters, digits and + / =: set it again, copied"
                                + " without it")
                        .gives(Optional.empty()),
                row("stray character in BUILD_ARGS: not shown, values may be secrets", "BUILD_ARGS",
                        "TOKEN=s3cr3t\u200b").read(list(Variable.BUILD_ARGS))
                        .problem(Variable.BUILD_ARGS, "BUILD_ARGS holds the invisible character U+200B inside its"
                                + " value (not shown); set it again without it")
                        .gives(Optional.empty()),
                row("a line break outside a list is stray", "LOCAL_IMAGE", "my-app\nlatest")
                        .read(value(Variable.LOCAL_IMAGE))
                        .problem(Variable.LOCAL_IMAGE, "LOCAL_IMAGE holds a line break inside its value"
                                + " 'my-app\\nlatest'; set it again without it")
                        .gives(Optional.empty()),
                row("a stray character is the variable's one problem, however often it is read", "TARGET", "a\tb")
                        .read(r -> List.of(r.value(Variable.TARGET), r.value(Variable.TARGET),
                                r.isSet(Variable.TARGET)))
                        .problem(Variable.TARGET, "TARGET holds a tab inside its value 'a\\tb'; set it again"
                                + " without it")
                        .gives(List.of(Optional.empty(), Optional.empty(), false)),

                // lists: the space separated form, the YAML form, and both
                row("list unset").read(list(Variable.CACHE_FROM)).gives(Optional.empty()),
                row("list space separated, blanks of any kind", "CACHE_FROM", " a:1  b\tc\nd\r\n")
                        .read(list(Variable.CACHE_FROM)).gives(Optional.of(List.of("a:1", "b", "c", "d"))),
                row("list as YAML, each item trimmed", "LABELS_COUNT", "2", "LABELS_0", " a=1 ", "LABELS_1", "b=2")
                        .read(list(Variable.LABELS)).gives(Optional.of(List.of("a=1", "b=2"))),
                row("YAML items of a list whose items hold spaces stay whole", "BUILD_ARGS_COUNT", "1",
                        "BUILD_ARGS_0", "GREETING=hello world").read(list(Variable.BUILD_ARGS))
                        .gives(Optional.of(List.of("GREETING=hello world"))),
                row("YAML items of the other lists split on blanks", "MIRROR_REGIONS_COUNT", "1",
                        "MIRROR_REGIONS_0", "eu-west-1 us-east-1").read(list(Variable.MIRROR_REGIONS))
                        .gives(Optional.of(List.of("eu-west-1", "us-east-1"))),
                row("YAML list of none: present and empty", "TAGS_COUNT", "0").read(list(Variable.TAGS))
                        .gives(Optional.of(List.of())),
                row("COUNT not a number", "CACHE_FROM_COUNT", "two", "CACHE_FROM_0", "a")
                        .read(list(Variable.CACHE_FROM))
                        .problem(Variable.CACHE_FROM, "CACHE_FROM_COUNT is 'two', not a number of images (0 to 9999)")
                        .gives(Optional.of(List.of())),
                row("COUNT beyond 9999", "LABELS_COUNT", "10000").read(list(Variable.LABELS))
                        .problem(Variable.LABELS, "LABELS_COUNT is '10000', not a number of labels (0 to 9999)")
                        .gives(Optional.of(List.of())),
                row("COUNT negative", "BUILD_ARGS_COUNT", "-1").read(list(Variable.BUILD_ARGS))
                        .problem(Variable.BUILD_ARGS, "BUILD_ARGS_COUNT is '-1', not a number of build arguments"
                                + " (0 to 9999)")
                        .gives(Optional.of(List.of())),
                row("one item missing", "CACHE_FROM_COUNT", "2", "CACHE_FROM_0", "a")
                        .read(list(Variable.CACHE_FROM))
                        .problem(Variable.CACHE_FROM, "CACHE_FROM_COUNT is 2 but CACHE_FROM_1 is not set")
                        .gives(Optional.of(List.of("a"))),
                row("an empty item is missing too", "REPOSITORY_TAGS_COUNT", "2", "REPOSITORY_TAGS_0", "",
                        "REPOSITORY_TAGS_1", "a=1").read(list(Variable.REPOSITORY_TAGS))
                        .problem(Variable.REPOSITORY_TAGS, "REPOSITORY_TAGS_COUNT is 2 but REPOSITORY_TAGS_0 is not"
                                + " set")
                        .gives(Optional.of(List.of("a=1"))),
                row("three items missing are named", "IMAGE_TAG_MUTABILITY_EXCLUSIONS_COUNT", "4",
                        "IMAGE_TAG_MUTABILITY_EXCLUSIONS_2", "dev-*")
                        .read(list(Variable.IMAGE_TAG_MUTABILITY_EXCLUSIONS))
                        .problem(Variable.IMAGE_TAG_MUTABILITY_EXCLUSIONS, "IMAGE_TAG_MUTABILITY_EXCLUSIONS_COUNT is 4"
                                + " but IMAGE_TAG_MUTABILITY_EXCLUSIONS_0, IMAGE_TAG_MUTABILITY_EXCLUSIONS_1 and"
                                + " IMAGE_TAG_MUTABILITY_EXCLUSIONS_3 are not set")
                        .gives(Optional.of(List.of("dev-*"))),
                row("many items missing are counted", "MIRROR_REGIONS_COUNT", "500", "MIRROR_REGIONS_0", "eu-west-1")
                        .read(list(Variable.MIRROR_REGIONS))
                        .problem(Variable.MIRROR_REGIONS, "MIRROR_REGIONS_COUNT is 500 but 499 of MIRROR_REGIONS_0 …"
                                + " MIRROR_REGIONS_499 are not set, the first MIRROR_REGIONS_1")
                        .gives(Optional.of(List.of("eu-west-1"))),
                row("both forms: the YAML list wins, with a warning", "BUILD_ARGS", "A=1", "BUILD_ARGS_COUNT", "1",
                        "BUILD_ARGS_0", "B=2").read(list(Variable.BUILD_ARGS))
                        .warning("Both the list BUILD_ARGS (BUILD_ARGS_COUNT) and BUILD_ARGS are set; using the list.")
                        .gives(Optional.of(List.of("B=2"))),
                row("both forms, the value under an alias: the warning names it", "TAG", "b", "TAGS_COUNT", "1",
                        "TAGS_0", "a").read(list(Variable.TAGS))
                        .warning("Both the list TAGS (TAGS_COUNT) and TAG are set; using the list.")
                        .gives(Optional.of(List.of("a"))),
                row("a list is set by its YAML form alone", "LABELS_COUNT", "0").read(r -> r.isSet(Variable.LABELS))
                        .gives(true),
                row("a list's problem is reported once, however often it is read", "CACHE_FROM_COUNT", "x")
                        .read(r -> List.of(r.list(Variable.CACHE_FROM), r.list(Variable.CACHE_FROM)))
                        .problem(Variable.CACHE_FROM, "CACHE_FROM_COUNT is 'x', not a number of images (0 to 9999)")
                        .gives(List.of(Optional.of(List.of()), Optional.of(List.of()))),
                row("a stray character in a list's value (a line break is a blank there)", "TAGS", "v1\nv2\u0007x")
                        .read(list(Variable.TAGS))
                        .problem(Variable.TAGS, "TAGS holds the control character U+0007 inside its value"
                                + " 'v1\\nv2\\u0007x'; set it again without it")
                        .gives(Optional.empty()),

                // booleans: one wording for all
                row("boolean unset: its default").read(flag(Variable.PULL)).gives(false),
                row("boolean in any case", "NO_CACHE", "TRUE").read(flag(Variable.NO_CACHE)).gives(true),
                row("boolean false", "SCAN_ON_PUSH", " False ").read(flag(Variable.SCAN_ON_PUSH)).gives(false),
                row("boolean neither", "CREATE_REPOSITORY", "yes").read(flag(Variable.CREATE_REPOSITORY))
                        .problem(Variable.CREATE_REPOSITORY, "'yes' is neither true nor false").gives(false),
                row("boolean neither, reported once however often read", "DEBUG", "1")
                        .read(r -> List.of(r.flag(Variable.DEBUG), r.flag(Variable.DEBUG)))
                        .problem(Variable.DEBUG, "'1' is neither true nor false").gives(List.of(false, false)),

                // bounded whole numbers
                row("number unset: its default").read(r -> r.wholeNumber(Variable.RETRIES, 0, 10)).gives(3),
                row("number at its bounds", "RETRIES", "0", "RETRY_MAX_SECONDS", " 300 ")
                        .read(r -> List.of(r.wholeNumber(Variable.RETRIES, 0, 10),
                                r.wholeNumber(Variable.RETRY_MAX_SECONDS, 1, 300))).gives(List.of(0, 300)),
                row("number above its bounds", "RETRIES", "11").read(r -> r.wholeNumber(Variable.RETRIES, 0, 10))
                        .problem(Variable.RETRIES, "'11' is not a whole number from 0 to 10").gives(3),
                row("number with a sign", "RETRIES", "+3").read(r -> r.wholeNumber(Variable.RETRIES, 0, 10))
                        .problem(Variable.RETRIES, "'+3' is not a whole number from 0 to 10").gives(3),
                row("number too long to be one", "RETRY_MAX_SECONDS", "99999999999")
                        .read(r -> r.wholeNumber(Variable.RETRY_MAX_SECONDS, 1, 300))
                        .problem(Variable.RETRY_MAX_SECONDS, "'99999999999' is not a whole number from 1 to 300")
                        .gives(30),

                // paths in the clone
                row("path unset").read(r -> r.path(Variable.OUTPUT_FILE)).gives(Optional.empty()),
                row("path unset, with a default").read(r -> r.path(Variable.BUILD_CONTEXT, "."))
                        .gives(Optional.of(new VariableReader.WrittenPath(".", CLONE))),
                row("path relative to the clone, normalized", "OUTPUT_FILE", "./out/../out/image.json")
                        .read(r -> r.path(Variable.OUTPUT_FILE)).gives(Optional.of(new VariableReader.WrittenPath(
                                "./out/../out/image.json", CLONE.resolve("out/image.json")))),
                row("path leading out of the clone, taken as written", "LIFECYCLE_POLICY", "../policy.json")
                        .read(r -> r.path(Variable.LIFECYCLE_POLICY)).gives(Optional.of(new VariableReader.WrittenPath(
                                "../policy.json", Path.of("/clone/policy.json")))),
                row("path absolute, taken as written", "OUTPUT_FILE", " /tmp/results.env")
                        .read(r -> r.path(Variable.OUTPUT_FILE)).gives(Optional.of(new VariableReader.WrittenPath(
                                "/tmp/results.env", Path.of("/tmp/results.env")))),
                row("path with a stray character", "OUTPUT_FILE", "out\u0000.env")
                        .read(r -> r.path(Variable.OUTPUT_FILE))
                        .problem(Variable.OUTPUT_FILE, "OUTPUT_FILE holds the control character U+0000 inside its"
                                + " value 'out\\u0000.env'; set it again without it")
                        .gives(Optional.empty()),

                // what Bitbucket sets, and what is passed through by name
                row("Bitbucket's value trimmed", "BITBUCKET_BRANCH", " feature/x \n")
                        .read(r -> r.bitbucket(VariableReader.Context.BITBUCKET_BRANCH))
                        .gives(Optional.of("feature/x")),
                row("Bitbucket's value blank is unset", "BITBUCKET_TAG", "  ")
                        .read(r -> r.bitbucket(VariableReader.Context.BITBUCKET_TAG)).gives(Optional.empty()),
                row("Bitbucket's directory resolved", "BITBUCKET_PIPE_SHARED_STORAGE_DIR", "/opt/pipes/")
                        .read(r -> r.path(VariableReader.Context.BITBUCKET_PIPE_SHARED_STORAGE_DIR))
                        .gives(Optional.of(Path.of("/opt/pipes"))),
                row("passed through as it is, even empty", "EMPTY", "", "SPACED", " x ")
                        .read(r -> List.of(r.passedThrough("EMPTY"), r.passedThrough("SPACED"),
                                r.passedThrough("NONE")))
                        .gives(List.of(Optional.of(""), Optional.of(" x "), Optional.empty())),

                // problems of several variables: the registry's order, whatever the order of reading
                row("problems in the registry's order", "DEBUG", "maybe", "TAGS_COUNT", "x", "RETRIES", "x")
                        .read(r -> List.of(r.flag(Variable.DEBUG), r.wholeNumber(Variable.RETRIES, 0, 10),
                                r.list(Variable.TAGS)))
                        .problem(Variable.TAGS, "TAGS_COUNT is 'x', not a number of tags (0 to 9999)")
                        .problem(Variable.RETRIES, "'x' is not a whole number from 0 to 10")
                        .problem(Variable.DEBUG, "'maybe' is neither true nor false")
                        .gives(List.of(false, 3, Optional.of(List.of()))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void eachKindReadsAndReportsTheSameWay(Row row) {
        VariableReader reader = new VariableReader(row.env(), CLONE);
        assertEquals(row.value(), row.read().apply(reader), "value");
        assertEquals(row.problems(), reader.problems(), "problems");
        assertEquals(row.warnings(), reader.warnings(), "warnings");
    }

    @Test
    void everyListVariableIsDocumentedAsOne() {
        for (Variable variable : Variable.values()) {
            String description = variable.description();
            if (variable.listItems() != null) {
                assertTrue(description.contains("space separated") && description.contains("or as a YAML list"),
                        variable + ": " + description);
            } else {
                assertFalse(description.contains("YAML list"), variable + " reads as one value: " + description);
                assertFalse(variable.listItemsHoldSpaces(), variable.name());
            }
        }
    }

    @Test
    void aVariableOfOneValueIsNotReadAsAList() {
        VariableReader reader = new VariableReader(Map.of("TARGET", "a b"), CLONE);
        assertEquals("TARGET is not a list variable",
                assertThrows(IllegalArgumentException.class, () -> reader.list(Variable.TARGET)).getMessage());
    }
}
