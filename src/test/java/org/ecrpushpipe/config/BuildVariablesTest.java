package org.ecrpushpipe.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.ecrpushpipe.errors.PipeException;
import org.ecrpushpipe.errors.PipeException.Configuration.Problem;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The build variables: build options, LOCAL_IMAGE, and the commit, read from environment maps. */
class BuildVariablesTest {
    private static final String URI_IMAGE = "123456789012.dkr.ecr.ap-southeast-1.amazonaws.com/my-service";

    @TempDir
    Path work;

    @BeforeEach
    void dockerfile() throws IOException {
        Files.writeString(work.resolve("Dockerfile"), """
                # syntax is classic
                FROM scratch AS Base
                FROM --platform=linux/amd64 scratch as \\
                    build
                FROM build
                """);
    }

    private Map<String, String> valid(String... more) {
        Map<String, String> env = new HashMap<>(Map.of("AWS_KEY", "AKIAEXAMPLE", "AWS_SECRET", "secret/value",
                "IMAGE", URI_IMAGE));
        for (int i = 0; i < more.length; i += 2) {
            env.put(more[i], more[i + 1]);
        }
        return env;
    }

    private BuildSettings settings(Map<String, String> env) {
        return ConfigReader.read(env, work).config().buildSettings();
    }

    private List<Problem> problems(Map<String, String> env) {
        return assertThrows(PipeException.Configuration.class, () -> ConfigReader.read(env, work)).problems();
    }

    @Test
    void nothingSetIsAPlainBuild() {
        BuildSettings settings = settings(valid());
        assertEquals(BuildSettings.NONE, settings);
    }

    @Test
    void buildArgsSpaceSeparatedAndBareKeysFromTheEnvironmentAsDockerDoes() {
        BuildSettings settings = settings(valid("BUILD_ARGS", "A=1 B= C SET_EMPTY UNSET D=x=y",
                "C", "from-env", "SET_EMPTY", ""));
        assertEquals(List.of(new BuildArg("A", Optional.of("1")), new BuildArg("B", Optional.of("")),
                new BuildArg("C", Optional.of("from-env")), new BuildArg("SET_EMPTY", Optional.of("")),
                new BuildArg("UNSET", Optional.empty()), new BuildArg("D", Optional.of("x=y"))),
                settings.buildArgs());
    }

    @Test
    void buildArgsListItemsKeepTheirSpaces() {
        BuildSettings settings = settings(valid("BUILD_ARGS_COUNT", "2", "BUILD_ARGS_0", "GREETING=hello world",
                "BUILD_ARGS_1", "X=1"));
        assertEquals(List.of(new BuildArg("GREETING", Optional.of("hello world")), new BuildArg("X", Optional.of("1"))),
                settings.buildArgs());
    }

    @Test
    void malformedBuildArgsNeverQuoteAValue() {
        List<Problem> problems = problems(valid("BUILD_ARGS", "=s3cr3t-value 9X=s3cr3t-value OK=1"));
        assertEquals(List.of(
                new Problem("BUILD_ARGS", "item 1 is not KEY=VALUE or KEY: its name is empty"),
                new Problem("BUILD_ARGS", "item 2 is not KEY=VALUE or KEY: its name '9X' is not a build argument"
                        + " name (letters, digits and '_', not starting with a digit)")), problems);
        assertFalse(problems.toString().contains("s3cr3t"));
    }

    @Test
    void aBuildArgValueWithALineBreakIsRefusedUnshown() {
        List<Problem> problems = problems(valid("BUILD_ARGS_COUNT", "1", "BUILD_ARGS_0", "TOKEN=ab\ncd"));
        assertEquals(List.of(new Problem("BUILD_ARGS",
                "the value of TOKEN holds a line break or control character (value not shown)")), problems);
    }

    @Test
    void aStrayCharacterInBuildArgsIsNamedAndTheValueNotShown() {
        List<Problem> problems = problems(valid("BUILD_ARGS", "OK=1 TOKEN=s3cr3t\u200bvalue"));
        assertEquals(List.of(new Problem("BUILD_ARGS", "BUILD_ARGS holds the invisible character U+200B inside its"
                + " value (not shown); set it again without it")), problems);
        assertFalse(problems.toString().contains("s3cr3t"));
    }

    @Test
    void buildArgsInBothFormsTakeTheListWithAWarning() {
        ConfigReader.Result result = ConfigReader.read(valid("BUILD_ARGS", "A=1", "BUILD_ARGS_COUNT", "1",
                "BUILD_ARGS_0", "B=2"), work);
        assertEquals(List.of(new BuildArg("B", Optional.of("2"))), result.config().buildSettings().buildArgs());
        assertEquals(List.of("Both the list BUILD_ARGS (BUILD_ARGS_COUNT) and BUILD_ARGS are set; using the list."),
                result.warnings());
    }

    @Test
    void aBareBuildArgTakesThePipeVariableAsItIs() {
        assertEquals(List.of(new BuildArg("SPACED", Optional.of(" kept as given "))),
                settings(valid("BUILD_ARGS_COUNT", "1", "BUILD_ARGS_0", "SPACED", "SPACED", " kept as given "))
                        .buildArgs());
    }

    @Test
    void aStrayCharacterInLabelsIsNamed() {
        assertEquals(List.of(new Problem("LABELS", "LABELS holds the control character U+001B inside its value"
                + " 'team=\\u001B[31mpay'; set it again without it")), problems(valid("LABELS", "team=\u001b[31mpay")));
    }

    @Test
    void labelsInOrderAndMalformedOnes() {
        assertEquals(List.of("a", "b.c"), List.copyOf(settings(valid("LABELS", "a=1 b.c=x=y")).labels().keySet()));
        assertEquals(Map.of("k", "two words"), settings(valid("LABELS_COUNT", "1", "LABELS_0", "k=two words")).labels());
        assertEquals(List.of(new Problem("LABELS", "'novalue' is not key=value"),
                        new Problem("LABELS", "'=v' is not key=value (the key is empty)")),
                problems(valid("LABELS", "novalue =v")));
    }

    @Test
    void noCacheAndPull() {
        BuildSettings settings = settings(valid("NO_CACHE", "TRUE", "PULL", "true"));
        assertTrue(settings.noCache());
        assertTrue(settings.pull());
        assertEquals(List.of(new Problem("NO_CACHE", "'yes' is neither true nor false"),
                new Problem("PULL", "'1' is neither true nor false")), problems(valid("NO_CACHE", "yes", "PULL", "1")));
    }

    @Test
    void targetMustBeAStageCaseInsensitively() {
        assertEquals(Optional.of("BUILD"), settings(valid("TARGET", "BUILD")).target());
        assertEquals(Optional.of("base"), settings(valid("TARGET", "base")).target());
        assertEquals(List.of(new Problem("TARGET", "'test' is not a stage of Dockerfile, which has the stages base,"
                + " build")), problems(valid("TARGET", "test")));
    }

    @Test
    void targetInADockerfileWithoutStages() throws IOException {
        Files.writeString(work.resolve("Dockerfile.plain"), "FROM scratch\n");
        assertEquals(List.of(new Problem("TARGET", "'app' is not a stage of Dockerfile.plain, which names no stage"
                + " (no FROM … AS name line)")), problems(valid("TARGET", "app", "DOCKERFILE", "Dockerfile.plain")));
    }

    @Test
    void localImageNeedsNoContextNorDockerfile() throws IOException {
        Files.delete(work.resolve("Dockerfile"));
        PipeConfig config = ConfigReader.read(valid("LOCAL_IMAGE", "my-app:1.0"), work).config();
        assertEquals(Optional.of("my-app:1.0"), config.buildSettings().localImage());
        assertNull(config.build());
    }

    @Test
    void localImageWithBuildVariables() {
        assertEquals(List.of(new Problem("LOCAL_IMAGE", "LOCAL_IMAGE pushes an image already built, so DOCKERFILE,"
                        + " BUILD_ARGS, TARGET, PULL have nothing to build; remove them, or remove LOCAL_IMAGE to let"
                        + " the pipe build")),
                problems(valid("LOCAL_IMAGE", "my-app", "DOCKERFILE", "Dockerfile", "BUILD_ARGS_COUNT", "1",
                        "BUILD_ARGS_0", "A=1", "TARGET", "base", "PULL", "false")));
    }

    @Test
    void theCommitFromBitbucketsVariables() {
        BuildSettings settings = settings(valid("BITBUCKET_COMMIT", "abc123", "BITBUCKET_GIT_HTTP_ORIGIN",
                "http://bitbucket.org/team/repo", "BITBUCKET_BRANCH", "main"));
        assertEquals(new BuildSettings.Commit(Optional.of("abc123"), Optional.of("http://bitbucket.org/team/repo"),
                Optional.of("main")), settings.commit());
        assertEquals(Optional.of("v1.2"), settings(valid("BITBUCKET_TAG", "v1.2", "BITBUCKET_BRANCH", "main"))
                .commit().refName());
    }

    @Test
    void buildArgValuesNeverInToString() {
        assertEquals("TOKEN=****", new BuildArg("TOKEN", Optional.of("s3cr3t")).toString());
    }
}
