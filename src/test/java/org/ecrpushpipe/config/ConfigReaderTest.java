package org.ecrpushpipe.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
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

class ConfigReaderTest {
    private static final String URI_IMAGE = "123456789012.dkr.ecr.ap-southeast-1.amazonaws.com/my-service";

    @TempDir
    Path work;

    @BeforeEach
    void dockerfile() throws IOException {
        Files.writeString(work.resolve("Dockerfile"), "FROM scratch\n");
    }

    private Map<String, String> env(String... pairs) {
        Map<String, String> env = new HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return env;
    }

    private Map<String, String> valid(String... more) {
        Map<String, String> env = env("AWS_KEY", "AKIAEXAMPLE", "AWS_SECRET", "secret/value", "IMAGE", URI_IMAGE);
        env.putAll(env(more));
        return env;
    }

    private ConfigReader.Result read(Map<String, String> env) {
        return ConfigReader.read(env, work);
    }

    private List<Problem> problems(Map<String, String> env) {
        return assertThrows(PipeException.Configuration.class, () -> read(env)).problems();
    }

    @Test
    void fullUriGivesRegionAndDefaults() throws IOException {
        PipeConfig config = read(valid()).config();
        assertEquals("ap-southeast-1", config.region());
        assertEquals("my-service", config.image().repository());
        assertEquals(List.of(new Tag("latest")), config.tags());
        assertEquals(work.toRealPath(), config.build().directory());
        assertEquals("Dockerfile", config.build().dockerfile());
        assertEquals("unix:///var/run/docker.sock", config.dockerHost());
        assertEquals("AKIAEXAMPLE", config.credentials().orElseThrow().accessKeyId().reveal());
        assertEquals(Optional.empty(), config.credentials().orElseThrow().sessionToken());
        assertFalse(config.debug());
    }

    @Test
    void emptyEnvironmentListsEveryMissingVariable() {
        assertEquals(List.of(
                new Problem("AWS_KEY", "required field (or set AWS_ACCESS_KEY_ID)"),
                new Problem("AWS_SECRET", "required field (or set AWS_SECRET_ACCESS_KEY)"),
                new Problem("IMAGE", "required field (or set IMAGE_NAME)")), problems(env()));
    }

    @Test
    void emptyValuesCountAsUnset() {
        assertEquals(3, problems(env("AWS_KEY", "", "AWS_SECRET", "  ", "IMAGE", "")).size());
    }

    @Test
    void standardAwsNamesAreAliases() {
        PipeConfig config = read(env("AWS_ACCESS_KEY_ID", "AKIAALIAS", "AWS_SECRET_ACCESS_KEY", "s",
                "AWS_SESSION_TOKEN", "tok", "IMAGE_NAME", "repo", "AWS_DEFAULT_REGION", "eu-west-1")).config();
        assertEquals("AKIAALIAS", config.credentials().orElseThrow().accessKeyId().reveal());
        assertEquals("tok", config.credentials().orElseThrow().sessionToken().orElseThrow().reveal());
        assertEquals("eu-west-1", config.region());
        assertEquals("repo", config.image().repository());
    }

    @Test
    void firstListedNameWinsAndWarnsWithoutShowingValues() {
        ConfigReader.Result result = read(valid("AWS_ACCESS_KEY_ID", "AKIAOTHER", "AWS_SECRET_ACCESS_KEY", "secret/value"));
        assertEquals("AKIAEXAMPLE", result.config().credentials().orElseThrow().accessKeyId().reveal());
        assertEquals(List.of("Both AWS_KEY and AWS_ACCESS_KEY_ID are set and differ; using AWS_KEY."), result.warnings());
    }

    @Test
    void warningsAreHandedOverAlsoWhenTheReadFails() {
        List<String> warned = new java.util.ArrayList<>();
        List<Problem> problems = assertThrows(PipeException.Configuration.class, () -> ConfigReader.read(
                valid("TAGS", "release/1", "TAG", "release-1"), work, warned::add)).problems();
        assertEquals(List.of("Both TAGS and TAG are set and differ; using TAGS."), warned,
                "the warning that explains why TAGS, not TAG, is the one listed");
        assertEquals("TAGS", problems.get(0).variable());
        warned.clear();
        ConfigReader.Result result = ConfigReader.read(valid("TAG", "a", "TAGS", "b"), work, warned::add);
        assertEquals(List.of("Both TAGS and TAG are set and differ; using TAGS."), warned);
        assertEquals(warned, result.warnings());
    }

    @Test
    void bareNameNeedsRegion() {
        assertEquals(List.of(new Problem("AWS_REGION", "required field when IMAGE is a bare repository name"
                        + " (or give IMAGE as <account>.dkr.ecr.<region>.amazonaws.com/ayush-sharma-testing)")),
                problems(valid("IMAGE", "ayush-sharma-testing")));
        assertEquals("ap-southeast-1",
                read(valid("IMAGE", "ayush-sharma-testing", "AWS_REGION", "ap-southeast-1")).config().region());
    }

    @Test
    void regionContradictingTheUriIsAnError() {
        assertEquals(List.of(new Problem("AWS_REGION", "AWS_REGION is 'us-east-1', which contradicts IMAGE, whose"
                + " registry is in 'ap-southeast-1'; set AWS_REGION to 'ap-southeast-1' or leave it empty (it may come"
                + " from repository or workspace variables)")), problems(valid("AWS_REGION", "us-east-1")));
        assertTrue(problems(valid("AWS_DEFAULT_REGION", "us-east-1")).get(0).message()
                .startsWith("AWS_DEFAULT_REGION is 'us-east-1'"), "names the variable actually set");
        assertEquals("ap-southeast-1", read(valid("AWS_REGION", "ap-southeast-1")).config().region());
    }

    @Test
    void malformedRegion() {
        assertEquals("AWS_REGION", problems(valid("IMAGE", "repo", "AWS_REGION", "Sydney")).get(0).variable());
    }

    @Test
    void tagsSpaceSeparatedKeepOrderAndDropDuplicates() {
        assertEquals(List.of(new Tag("1.0"), new Tag("latest"), new Tag("stable")),
                read(valid("TAGS", " 1.0  latest stable 1.0 ")).config().tags());
        assertEquals(List.of(new Tag("v2")), read(valid("TAG", "v2")).config().tags());
    }

    @Test
    void aCommaIsNotASeparatorButAnInvalidCharacter() {
        assertEquals(List.of(new Problem("TAGS", "'a,b' contains ','; a tag may hold only letters, digits, '_', '.' and '-'")),
                problems(valid("TAGS", "a,b")));
    }

    @Test
    void listFormWinsOverTagsWithAWarning() {
        ConfigReader.Result result = read(valid("TAGS_COUNT", "1", "TAGS_0", "a", "TAGS", "b"));
        assertEquals(List.of(new Tag("a")), result.config().tags());
        assertEquals(List.of("Both the list TAGS (TAGS_COUNT) and TAGS are set; using the list."), result.warnings());
    }

    @Test
    void tagsInBitbucketsListForm() {
        assertEquals(List.of(new Tag("a"), new Tag("b")),
                read(valid("TAGS_COUNT", "2", "TAGS_0", "a", "TAGS_1", "b")).config().tags());
        assertEquals(List.of(new Problem("TAGS", "TAGS_COUNT is 2 but TAGS_1 is not set")),
                problems(valid("TAGS_COUNT", "2", "TAGS_0", "a")));
    }

    @Test
    void writtenTagsThatBreakTheGrammarAreErrorsNotRewritten() {
        assertEquals(List.of(
                        new Problem("TAGS", "'feature/x' contains '/'; a tag may hold only letters, digits, '_', '.' and '-'"),
                        new Problem("TAGS", Tag.describeProblem("t".repeat(129)))),
                problems(valid("TAGS", "ok feature/x " + "t".repeat(129))));
    }

    @Test
    void defaultTagComesFromBitbucketTagThenBranch() {
        assertEquals(List.of(new Tag("ecr-release-0.1.0")),
                read(valid("BITBUCKET_TAG", "ecr-release-0.1.0", "BITBUCKET_BRANCH", "main")).config().tags());
        assertEquals(List.of(new Tag("feature-login-page")),
                read(valid("BITBUCKET_BRANCH", "feature/login-page")).config().tags());
        assertEquals(List.of(new Tag("x".repeat(128))),
                read(valid("BITBUCKET_BRANCH", "x".repeat(300))).config().tags());
        assertEquals(List.of(new Tag("given")),
                read(valid("TAGS", "given", "BITBUCKET_BRANCH", "main")).config().tags());
    }

    @Test
    void aGitRefThatCleansToNothingAsksForTagsInsteadOfPushingLatest() {
        for (String branch : List.of("///", "ü", "...---")) {
            List<Problem> problems = problems(valid("BITBUCKET_BRANCH", branch));
            assertEquals(1, problems.size(), branch);
            assertEquals("TAGS", problems.get(0).variable());
            assertTrue(problems.get(0).message().startsWith("not set, and BITBUCKET_BRANCH '" + branch
                    + "' leaves no valid Docker tag once cleaned"), problems.get(0).message());
            assertTrue(problems.get(0).message().endsWith("set TAGS for this build"), problems.get(0).message());
        }
        // the git tag decides when it is set, even if the branch would have given a tag
        assertEquals("TAGS", problems(valid("BITBUCKET_TAG", "///", "BITBUCKET_BRANCH", "main")).get(0).variable());
        assertEquals(List.of(new Tag("main")), read(valid("BITBUCKET_TAG", "", "BITBUCKET_BRANCH", "main")).config().tags());
    }

    @Test
    void latestWithoutGitContextIsSaidInALine() {
        ConfigReader.Result result = read(valid());
        assertEquals(List.of(new Tag("latest")), result.config().tags());
        assertEquals(List.of("No TAGS, and no git context (BITBUCKET_TAG, BITBUCKET_BRANCH, BITBUCKET_COMMIT) in the"
                + " environment: pushing the tag latest."), result.notes());
        assertEquals(List.of(), read(valid("TAGS", "latest")).notes(), "asked for: nothing to say");
    }

    /** A custom pipeline run on a commit has no branch or tag, but it is git context: it never moves latest. */
    @Test
    void aCommitWithoutBranchOrTagIsTaggedWithTheCommitNeverLatest() {
        String commit = "7c9e6679f5d8a4b1c0e2f3a4b5c6d7e8f9a0b1c2";
        ConfigReader.Result result = read(valid("BITBUCKET_COMMIT", commit));
        assertEquals(List.of(new Tag(commit)), result.config().tags());
        assertEquals(List.of("No TAGS, and no git tag or branch, but the commit " + commit + " (BITBUCKET_COMMIT):"
                + " pushing the tag " + commit + ", never latest; set TAGS to name it otherwise."), result.notes());
        assertEquals(List.of(new Tag("main")), read(valid("BITBUCKET_COMMIT", commit, "BITBUCKET_BRANCH", "main"))
                .config().tags(), "the branch still names it");
        assertEquals("TAGS", problems(valid("BITBUCKET_COMMIT", "not a tag!")).get(0).variable());
    }

    @Test
    void theBuildContextMustLieInsideTheWorkingDirectory() throws IOException {
        for (String outside : List.of("..", "../", "/", work.getParent().toString())) {
            List<Problem> problems = problems(valid("BUILD_CONTEXT", outside));
            assertEquals("BUILD_CONTEXT", problems.get(0).variable(), outside);
            assertTrue(problems.get(0).message().contains("outside the working directory " + work.toRealPath()
                    + " (the clone); the build context must lie inside it"), problems.get(0).message());
            assertTrue(problems.get(0).message().endsWith("copy them into the clone in an earlier script line"));
        }
        // a symbolic link out of the clone is outside too
        Path elsewhere = Files.createTempDirectory("elsewhere");
        try {
            Files.createSymbolicLink(work.resolve("linked"), elsewhere);
            assertTrue(problems(valid("BUILD_CONTEXT", "linked")).get(0).message().contains("outside the working directory"));
        } finally {
            Files.delete(elsewhere);
        }
        Files.createDirectories(work.resolve("sub"));
        Files.writeString(work.resolve("sub/Dockerfile"), "FROM scratch\n");
        assertEquals(work.resolve("sub").toRealPath(), read(valid("BUILD_CONTEXT", "./sub/../sub")).config().build().directory());
    }

    @Test
    void theDockerfileIsResolvedAsTheDockerCliResolvesIt() throws IOException {
        Files.delete(work.resolve("Dockerfile"));
        Files.writeString(work.resolve("dockerfile"), "FROM scratch\n");
        assertEquals("dockerfile", read(valid()).config().build().dockerfile(), "lower-case fallback");

        Files.createDirectories(work.resolve("docker"));
        Files.writeString(work.resolve("docker/Dockerfile.prod"), "FROM scratch\n");
        Files.createSymbolicLink(work.resolve("Dockerfile"), Path.of("docker/Dockerfile.prod"));
        assertEquals("docker/Dockerfile.prod", read(valid()).config().build().dockerfile(), "links are followed");

        Path outside = Files.createTempFile("Dockerfile", "");
        try {
            Files.createSymbolicLink(work.resolve("Dockerfile.out"), outside);
            Problem problem = problems(valid("DOCKERFILE", "Dockerfile.out")).get(0);
            assertEquals("DOCKERFILE", problem.variable());
            assertEquals("'Dockerfile.out' is a symbolic link to " + outside.toRealPath() + ", outside the working"
                    + " directory " + work.toRealPath() + " (the clone); the Dockerfile must lie inside it",
                    problem.message());
        } finally {
            Files.delete(outside);
        }
        Files.createSymbolicLink(work.resolve("Dockerfile.dangling"), Path.of("nowhere"));
        assertTrue(problems(valid("DOCKERFILE", "Dockerfile.dangling")).get(0).message()
                .endsWith("it is a symbolic link to nothing"));
    }

    @Test
    void anEmptyWorkingDirectorySaysTheCloneIsNotMounted() throws IOException {
        Path empty = Files.createDirectories(work.resolve("empty"));
        Problem problem = assertThrows(PipeException.Configuration.class, () -> ConfigReader.read(valid(), empty)).problems().get(0);
        assertEquals("DOCKERFILE", problem.variable());
        assertTrue(problem.message().endsWith("the working directory " + empty + " is empty: the pipe runs in the"
                + " clone, which Bitbucket mounts there; by hand, add -v \"$PWD:$PWD\" -w \"$PWD\" to docker run"),
                problem.message());
    }

    @Test
    void aMalformedDockerignoreIsAConfigurationProblem() throws IOException {
        Files.writeString(work.resolve(".dockerignore"), "ok\n[\n");
        Problem problem = problems(valid()).get(0);
        assertEquals(new Problem("BUILD_CONTEXT", ".dockerignore holds the pattern '[', which is malformed (syntax"
                + " error in pattern); docker build rejects it too"), problem);
    }

    @Test
    void dockerfileAndContext() throws IOException {
        Files.createDirectories(work.resolve("app/docker"));
        Files.writeString(work.resolve("app/docker/Dockerfile.prod"), "FROM scratch\n");
        PipeConfig config = read(valid("BUILD_CONTEXT", "app", "DOCKERFILE", "docker/Dockerfile.prod")).config();
        assertEquals(work.resolve("app").toRealPath(), config.build().directory());
        assertEquals("docker/Dockerfile.prod", config.build().dockerfile());
    }

    @Test
    void missingFilesAndDirectoriesAreNamed() throws IOException {
        assertEquals(List.of(new Problem("DOCKERFILE", "'Nope' does not exist (looked at " + work.resolve("Nope") + ")")),
                problems(valid("DOCKERFILE", "Nope")));
        assertEquals(List.of(new Problem("BUILD_CONTEXT", "'missing' is not a directory (looked at "
                + work.resolve("missing") + ")")), problems(valid("BUILD_CONTEXT", "missing")));
        assertEquals(List.of(new Problem("DOCKERFILE", "'../Dockerfile' lies outside the working directory "
                + work.toRealPath() + " (the clone); the Dockerfile must lie inside it. To build one from elsewhere,"
                + " copy it into the clone in an earlier script line")), problems(valid("DOCKERFILE", "../Dockerfile")));
    }

    @Test
    void aDockerfileOutsideTheBuildContextButInTheCloneIsBuilt() throws IOException {
        Files.createDirectories(work.resolve("services/api"));
        Files.createDirectories(work.resolve("docker"));
        Files.writeString(work.resolve("docker/api.Dockerfile"), "FROM scratch\n");
        PipeConfig config = read(valid("BUILD_CONTEXT", "services/api", "DOCKERFILE", "../../docker/api.Dockerfile"))
                .config();
        assertEquals(work.resolve("services/api").toRealPath(), config.build().directory());
        assertEquals("../../docker/api.Dockerfile", config.build().dockerfile());
        assertTrue(config.build().tarDockerfile().matches("\\.dockerfile\\.[0-9a-f]{20}"), config.build().tarDockerfile());

        Files.createSymbolicLink(work.resolve("services/api/Dockerfile"), Path.of("../../docker/api.Dockerfile"));
        assertEquals("../../docker/api.Dockerfile", read(valid("BUILD_CONTEXT", "services/api")).config().build()
                .dockerfile(), "a link out of the context, into the clone");

        Problem outside = problems(valid("BUILD_CONTEXT", "services/api", "DOCKERFILE", "../../../Dockerfile")).get(0);
        assertEquals("DOCKERFILE", outside.variable());
        assertTrue(outside.message().startsWith("'../../../Dockerfile' lies outside the working directory "
                + work.toRealPath() + " (the clone)"), outside.message());
    }

    @Test
    void buildKitsIgnoreFileIsLookedForBesideTheDockerfileAsDockerfileNamesIt() throws IOException {
        Files.createDirectories(work.resolve("docker"));
        Files.writeString(work.resolve("docker/api.Dockerfile"), "FROM scratch\n");
        Files.writeString(work.resolve("docker/api.Dockerfile.dockerignore"), "secret.txt\n");
        Files.writeString(work.resolve("secret.txt"), "s\n");
        PipeConfig config = read(valid("DOCKERFILE", "docker/api.Dockerfile")).config();
        assertTrue(config.build().paths().contains("secret.txt"), "the classic builder reads .dockerignore only");
        assertFalse(config.build().forBuildKit().paths().contains("secret.txt"), config.build().forBuildKit().paths()
                .toString());

        Files.createSymbolicLink(work.resolve("Dockerfile.link"), Path.of("docker/api.Dockerfile"));
        assertTrue(read(valid("DOCKERFILE", "Dockerfile.link")).config().build().forBuildKit().paths()
                .contains("secret.txt"), "beside the link, as the CLI names the Dockerfile to BuildKit");
    }

    @Test
    void aDockerfileWhoseResolvedNameIsNotUtf8IsRefusedNamingIt() throws Exception {
        Process made = new ProcessBuilder("bash", "-c", "printf 'FROM scratch\\n' > \"$(printf 'D\\xe9')\""
                + " && ln -s \"$(printf 'D\\xe9')\" Dockerfile.link").directory(work.toFile()).start();
        assertEquals(0, made.waitFor());
        Problem problem = problems(valid("DOCKERFILE", "Dockerfile.link")).get(0);
        assertEquals("DOCKERFILE", problem.variable());
        assertTrue(problem.message().startsWith("'Dockerfile.link' leads to " + work.toRealPath() + "/D"),
                problem.message());
        assertTrue(problem.message().endsWith(", whose name cannot be read as UTF-8 text (it holds other bytes, or the"
                + " pipe runs without a UTF-8 locale); the engine is told the Dockerfile by its name: rename it"),
                problem.message());
    }

    @Test
    void dockerHostForms() {
        assertEquals("tcp://host.docker.internal:2375",
                read(valid("DOCKER_HOST", "tcp://host.docker.internal:2375")).config().dockerHost());
        assertEquals("unix:///tmp/d.sock", read(valid("DOCKER_HOST", "unix:///tmp/d.sock")).config().dockerHost());
        assertEquals("DOCKER_HOST", problems(valid("DOCKER_HOST", "host.docker.internal:2375")).get(0).variable());
        assertEquals("DOCKER_HOST", problems(valid("DOCKER_HOST", "tcp://nohost")).get(0).variable());
    }

    @Test
    void endpointOverrides() {
        PipeConfig config = read(valid("AWS_ENDPOINT_URL", "http://127.0.0.1:9000",
                "AWS_ENDPOINT_URL_STS", "http://127.0.0.1:9001")).config();
        assertEquals(Optional.of(URI.create("http://127.0.0.1:9000")), config.ecrEndpoint());
        assertEquals(Optional.of(URI.create("http://127.0.0.1:9001")), config.stsEndpoint());
        assertEquals("AWS_ENDPOINT_URL_ECR", problems(valid("AWS_ENDPOINT_URL_ECR", "localhost")).get(0).variable());
    }

    @Test
    void debugMustBeBoolean() {
        assertTrue(read(valid("DEBUG", "TRUE")).config().debug());
        assertEquals(List.of(new Problem("DEBUG", "'yes' is neither true nor false")), problems(valid("DEBUG", "yes")));
    }

    @Test
    void retriesDefaultToThreeWithWaitsOfAtMostThirtySeconds() {
        PipeConfig config = read(valid()).config();
        assertEquals(3, config.retries());
        assertEquals(java.time.Duration.ofSeconds(30), config.retryMaxWait());
    }

    @Test
    void retriesAndTheirLongestWaitAreTakenWithinTheirRanges() {
        PipeConfig lowest = read(valid("RETRIES", "0", "RETRY_MAX_SECONDS", "1")).config();
        assertEquals(0, lowest.retries());
        assertEquals(java.time.Duration.ofSeconds(1), lowest.retryMaxWait());
        PipeConfig highest = read(valid("RETRIES", " 10 ", "RETRY_MAX_SECONDS", "300")).config();
        assertEquals(10, highest.retries());
        assertEquals(java.time.Duration.ofSeconds(300), highest.retryMaxWait());
        assertEquals(3, read(valid("RETRIES", "")).config().retries(), "empty counts as unset");
    }

    @Test
    void retriesOutsideTheirRangesAreProblems() {
        for (String bad : List.of("-1", "11", "three", "2.5", "1e3", "99999999999", "+3")) {
            assertEquals(List.of(new Problem("RETRIES", "'" + bad + "' is not a whole number from 0 to 10")),
                    problems(valid("RETRIES", bad)), bad);
        }
        for (String bad : List.of("0", "301", "30s", "-5")) {
            assertEquals(List.of(new Problem("RETRY_MAX_SECONDS", "'" + bad + "' is not a whole number from 1 to 300")),
                    problems(valid("RETRY_MAX_SECONDS", bad)), bad);
        }
        assertEquals(List.of("RETRIES", "RETRY_MAX_SECONDS"), problems(valid("RETRIES", "x", "RETRY_MAX_SECONDS", "y"))
                .stream().map(Problem::variable).toList(), "both reported at once, in the registry's order");
    }

    @Test
    void everyProblemIsReportedAtOnceInRegistryOrder() {
        List<Problem> problems = problems(env("AWS_SECRET", "s", "IMAGE", "Bad:tag", "TAGS", "a/b",
                "DOCKERFILE", "nope", "DEBUG", "maybe"));
        assertEquals(List.of("AWS_KEY", "IMAGE", "TAGS", "DOCKERFILE", "DEBUG"),
                problems.stream().map(Problem::variable).toList());
    }

    @Test
    void aLineBreakOrControlCharacterInsideASecretIsNamedWithoutShowingTheValue() {
        for (String[] set : List.of(
                new String[] {"AWS_SECRET", "FirstHalfOfASecret\nSecondHalfOfASecret", "a line break"},
                new String[] {"AWS_SECRET_ACCESS_KEY", "FirstHalfOfASecret\r\nSecondHalfOfASecret", "a line break"},
                new String[] {"AWS_KEY", "AKIAEXAMPLE\u00a0AKIAPASTEDTWICE", "a no-break space (U+00A0)"},
                new String[] {"AWS_SESSION_TOKEN", "FwoGZXIvYXdzEB0 aDPastedTwice", "a space"},
                new String[] {"AWS_SESSION_TOKEN", "FwoGZXIvYXdzEB0\u200baDInvisible", "the invisible character U+200B"},
                new String[] {"AWS_SECRET", "secret\u001b[2Jvalue", "the control character U+001B"},
                // what the JVM reads for a non-ASCII byte without a UTF-8 locale
                new String[] {"AWS_SECRET", "SecretValue\ufffdPasted", "a character that is not ASCII"})) {
            Map<String, String> env = valid(set[0], set[1]);
            if (set[0].equals("AWS_SECRET_ACCESS_KEY")) {
                env.remove("AWS_SECRET");
            }
            List<Problem> problems = problems(env);
            String variable = set[0].equals("AWS_SECRET_ACCESS_KEY") ? "AWS_SECRET" : set[0];
            assertEquals(List.of(new Problem(variable, set[0] + " holds " + set[2] + " inside its value (not shown);"
                    + " AWS keys and tokens are one word of letters, digits and + / =: set it again, copied without"
                    + " it")), problems, "the one problem of " + set[0] + ", and no 'required field' besides");
            for (String part : set[1].split("[\\s\u00a0\u200b\u001b\ufffd]+")) {
                assertTrue(part.length() >= 6, part);
                assertFalse(problems.toString().contains(part), "no part of the secret is shown: " + problems);
            }
        }
    }

    @Test
    void aLineBreakOrControlCharacterInsideAnyOtherValueIsNamedAndShownEscaped() {
        assertEquals(List.of(new Problem("IMAGE", "IMAGE holds a line break inside its value 'my-service\\nlatest';"
                + " set it again without it")), problems(valid("IMAGE", "my-service\nlatest", "AWS_REGION", "eu-west-1")));
        assertEquals(List.of(new Problem("AWS_REGION", "AWS_DEFAULT_REGION holds the control character U+001B inside"
                + " its value 'ap-southeast-1\\u001B[2J'; set it again without it")),
                problems(valid("AWS_DEFAULT_REGION", "ap-southeast-1\u001b[2J")));
        assertEquals(List.of(new Problem("DOCKERFILE", "DOCKERFILE holds a tab inside its value 'docker\\tfile';"
                + " set it again without it")), problems(valid("DOCKERFILE", "docker\tfile")));
        assertEquals(List.of(new Problem("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL holds a line break inside its value"
                + " 'http://127.0.0.1:9000\\nhttp://127.0.0.1:9001'; set it again without it")),
                problems(valid("AWS_ENDPOINT_URL", "http://127.0.0.1:9000\nhttp://127.0.0.1:9001")));
        assertEquals(List.of(new Problem("TAGS", "TAGS holds the control character U+001B inside its value"
                + " 'v1\\u001B[31m'; set it again without it")), problems(valid("TAGS", "v1\u001b[31m")));
        assertEquals("DOCKER_HOST", problems(valid("DOCKER_HOST", "tcp://127.0.0.1:2375\u200b")).get(0).variable(),
                "an invisible character counts too");
    }

    @Test
    void lineBreaksAndTabsSeparateTags() {
        assertEquals(List.of(new Tag("1.0"), new Tag("latest"), new Tag("stable")),
                read(valid("TAGS", "1.0\nlatest\tstable\r\n")).config().tags());
    }

    @Test
    void valuesQuotedInProblemsCannotBreakTheLineOrColourTheLog() {
        Problem problem = problems(valid("BITBUCKET_BRANCH", "//\u001b//")).get(0);
        assertEquals("TAGS", problem.variable());
        assertTrue(problem.message().startsWith("not set, and BITBUCKET_BRANCH '//\\u001B//' leaves no valid"),
                problem.message());
        assertTrue(problem.message().chars().noneMatch(Character::isISOControl), problem.message());
        problem = problems(valid("TAGS_COUNT", "1", "TAGS_0", "a\u0007b")).get(0);
        assertEquals(new Problem("TAGS", "'a\\u0007b' contains '\\u0007'; a tag may hold only letters, digits, '_',"
                + " '.' and '-'"), problem);
    }

    @Test
    void aListCountBeyondTheItemsGivenIsOneProblemHoweverLarge() {
        assertEquals(List.of(new Problem("TAGS", "TAGS_COUNT is 3 but TAGS_1 and TAGS_2 are not set")),
                problems(valid("TAGS_COUNT", "3", "TAGS_0", "a")));
        assertEquals(List.of(new Problem("TAGS", "TAGS_COUNT is 9999 but 9998 of TAGS_0 … TAGS_9998 are not set,"
                + " the first TAGS_1")), problems(valid("TAGS_COUNT", "9999", "TAGS_0", "a")));
        assertEquals(List.of(new Problem("TAGS", "TAGS_COUNT is '10000', not a number of tags (0 to 9999)")),
                problems(valid("TAGS_COUNT", "10000", "TAGS_0", "a")));
        assertEquals(List.of(new Problem("TAGS", "TAGS_COUNT is 'two', not a number of tags (0 to 9999)")),
                problems(valid("TAGS_COUNT", "two")));
    }

    @Test
    void portsOutsideTheirRangeAreNamed() {
        assertEquals(List.of(new Problem("DOCKER_HOST", "'tcp://127.0.0.1:70000' names the port 70000, outside 1 to"
                + " 65535")), problems(valid("DOCKER_HOST", "tcp://127.0.0.1:70000")));
        assertEquals(List.of(new Problem("AWS_ENDPOINT_URL", "'http://127.0.0.1:99999' names the port 99999, outside"
                + " 1 to 65535")), problems(valid("AWS_ENDPOINT_URL", "http://127.0.0.1:99999")));
        assertEquals("AWS_ENDPOINT_URL_ECR", problems(valid("AWS_ENDPOINT_URL_ECR", "https://127.0.0.1:0")).get(0).variable());
        assertEquals(Optional.of(URI.create("https://127.0.0.1:65535")),
                read(valid("AWS_ENDPOINT_URL", "https://127.0.0.1:65535")).config().ecrEndpoint());
    }

    @Test
    void aDockerfileWithoutInstructionsIsNamedBeforeTheEngineSeesIt() throws IOException {
        Files.writeString(work.resolve("Dockerfile"), "");
        assertEquals(List.of(new Problem("DOCKERFILE", "'Dockerfile' is empty: docker build needs at least a FROM"
                + " line")), problems(valid()));
        Files.writeString(work.resolve("Dockerfile.comments"), "# syntax=docker/dockerfile:1\n\n  # FROM scratch\n\t\n");
        assertEquals(List.of(new Problem("DOCKERFILE", "'Dockerfile.comments' holds no instruction, only comments and"
                + " blank lines: docker build needs at least a FROM line")),
                problems(valid("DOCKERFILE", "Dockerfile.comments")));
        Files.writeString(work.resolve("Dockerfile.late"), "# a comment\n\nFROM scratch\n");
        assertEquals("Dockerfile.late", read(valid("DOCKERFILE", "Dockerfile.late")).config().build().dockerfile());
    }

    @Test
    void secretsNeverShowInStringForms() {
        PipeConfig config = read(valid("AWS_SESSION_TOKEN", "session-token-value")).config();
        String shown = config.toString();
        assertFalse(shown.contains("AKIAEXAMPLE"), shown);
        assertFalse(shown.contains("secret/value"), shown);
        assertFalse(shown.contains("session-token-value"), shown);
        assertTrue(shown.contains("****"));
        assertEquals(List.of("AKIAEXAMPLE", "secret/value", "session-token-value"), config.secretValues());
    }
}
