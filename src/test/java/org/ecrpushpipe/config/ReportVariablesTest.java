package org.ecrpushpipe.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
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

/** REPORT and REPORT_PROXY, read with all the other variables, and on their own for a run that fails. */
class ReportVariablesTest {
    private static final String IMAGE = "123456789012.dkr.ecr.ap-southeast-1.amazonaws.com/team/app";
    private static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";

    @TempDir
    Path work;

    @BeforeEach
    void dockerfile() throws IOException {
        Files.writeString(work.resolve("Dockerfile"), "FROM scratch\n");
    }

    private static Map<String, String> env(String... pairs) {
        Map<String, String> env = new HashMap<>(Map.of("AWS_KEY", "AKIAEXAMPLE", "AWS_SECRET", "secret/value",
                "IMAGE", IMAGE, "TAGS", "1.4.0 latest"));
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return env;
    }

    private static Map<String, String> pipeline(String... pairs) {
        Map<String, String> env = env(pairs);
        env.putIfAbsent("BITBUCKET_REPO_FULL_NAME", "acme/app");
        env.putIfAbsent("BITBUCKET_COMMIT", COMMIT);
        return env;
    }

    private ReportSettings settings(Map<String, String> env) {
        ConfigReader.read(env, work); // the whole configuration takes it too
        return ConfigReader.report(env, work);
    }

    private List<Problem> problems(Map<String, String> env) {
        return assertThrows(PipeException.Configuration.class, () -> ConfigReader.read(env, work)).problems();
    }

    @Test
    void onByDefaultInAPipelineThroughTheProxyPipesReach() {
        ReportSettings.Target target = settings(pipeline()).target().orElseThrow();
        assertEquals("acme", target.workspace());
        assertEquals("app", target.repository());
        assertEquals(COMMIT, target.commit());
        assertEquals(URI.create("http://host.docker.internal:29418"), target.proxy());
        assertEquals(Optional.of(IMAGE), target.image());
        assertEquals(List.of("1.4.0", "latest"), target.tags());
        assertTrue(target.id().matches("ecr-push-pipe-[0-9a-f]{16}"), target.id());
        assertEquals(target, settings(pipeline("REPORT", "TRUE")).target().orElseThrow());
    }

    @Test
    void offOutsideAPipelineAndWhenTurnedOff() {
        assertEquals(ReportSettings.NONE, settings(env()));
        assertEquals(ReportSettings.NONE, settings(env("BITBUCKET_COMMIT", COMMIT)), "a commit alone is no pipeline");
        assertEquals(ReportSettings.NONE, settings(pipeline("REPORT", "false")));
        assertEquals(ReportSettings.NONE, settings(env("REPORT", "false")));
    }

    @Test
    void theSameStepSharesItsIdAndOtherImagesOrTagsHaveTheirOwn() {
        String id = settings(pipeline()).target().orElseThrow().id();
        assertEquals(id, settings(pipeline("BITBUCKET_COMMIT", "fedcba9876543210fedcba9876543210fedcba98"))
                .target().orElseThrow().id(), "a re-run, or the same step on another commit");
        assertNotEquals(id, settings(pipeline("TAGS", "1.4.0-arm64")).target().orElseThrow().id());
        assertNotEquals(id, settings(pipeline("IMAGE", IMAGE + "-worker")).target().orElseThrow().id());
        Map<String, String> list = pipeline();
        list.remove("TAGS");
        list.putAll(Map.of("TAGS_COUNT", "2", "TAGS_0", "1.4.0", "TAGS_1", "latest"));
        assertEquals(id, settings(list).target().orElseThrow().id(), "the YAML list names the same tags");
    }

    @Test
    void trueOutsideAPipelineIsAProblemNamingWhatIsMissing() {
        assertEquals(List.of(new Problem("REPORT", "true, but the run is not in a Bitbucket pipeline"
                        + " (BITBUCKET_REPO_FULL_NAME and BITBUCKET_COMMIT are not set), and a report belongs to a"
                        + " commit; remove REPORT, which is on by default in a pipeline")),
                problems(env("REPORT", "true")));
        assertEquals(List.of(new Problem("REPORT", "true, but BITBUCKET_REPO_FULL_NAME is not set, and a report"
                        + " belongs to a commit of a repository; Bitbucket sets both in a pipeline")),
                problems(env("REPORT", "true", "BITBUCKET_COMMIT", COMMIT)));
        assertEquals(List.of(new Problem("REPORT", "true, but BITBUCKET_REPO_FULL_NAME 'acme' is not"
                        + " <workspace>/<repository>")),
                problems(pipeline("REPORT", "true", "BITBUCKET_REPO_FULL_NAME", "acme")));
        assertEquals(ReportSettings.NONE, ConfigReader.report(env("REPORT", "true"), work),
                "a run that cannot report fails for it with the rest, and sends nothing");
    }

    @Test
    void notABooleanIsAProblem() {
        assertEquals(List.of(new Problem("REPORT", "'yes' is neither true nor false")),
                problems(pipeline("REPORT", "yes")));
        assertEquals(ReportSettings.NONE, ConfigReader.report(pipeline("REPORT", "yes"), work));
    }

    @Test
    void aPipelineContextThatNamesNoCommitLeavesTheDefaultReportOutWithAWarning() {
        ConfigReader.Result result = ConfigReader.read(pipeline("BITBUCKET_COMMIT", "not a commit"), work);
        assertEquals(List.of("No Code Insights report: BITBUCKET_COMMIT 'not a commit' is not a commit hash (7 to 64"
                + " hexadecimal digits)."), result.warnings());
        assertEquals(ReportSettings.NONE, ConfigReader.report(pipeline("BITBUCKET_COMMIT", "not a commit"), work));
    }

    @Test
    void reportProxyIsAPlainHttpAddress() {
        assertEquals(URI.create("http://localhost:29418"), settings(pipeline("REPORT_PROXY",
                "http://localhost:29418/")).target().orElseThrow().proxy());
        assertEquals(URI.create("http://127.0.0.1:8080"), settings(pipeline("REPORT_PROXY",
                "http://127.0.0.1:8080")).target().orElseThrow().proxy());
        for (String bad : List.of("localhost:29418", "https://localhost:29418", "http://user:pw@localhost:29418",
                "http://localhost:29418/2.0", "tcp://localhost:29418")) {
            List<Problem> problems = problems(pipeline("REPORT_PROXY", bad));
            assertEquals(List.of(new Problem("REPORT_PROXY", "'" + bad + "' is not the address of an HTTP proxy"
                    + " (http://host:port); the pipeline's proxy is http://host.docker.internal:29418 from a pipe's"
                    + " container, http://localhost:29418 from a step's script")), problems, bad);
            assertEquals(ReportSettings.NONE, ConfigReader.report(pipeline("REPORT_PROXY", bad), work));
        }
        assertEquals(List.of(new Problem("REPORT_PROXY", "'http://localhost:99999' names the port 99999, outside 1"
                + " to 65535")), problems(pipeline("REPORT_PROXY", "http://localhost:99999")));
    }

    @Test
    void aRunWhoseOtherVariablesFailStillKnowsItsReport() {
        Map<String, String> env = pipeline("RETRIES", "many");
        env.remove("AWS_KEY");
        assertEquals(2, problems(env).size());
        ReportSettings.Target target = ConfigReader.report(env, work).target().orElseThrow();
        assertEquals(settings(pipeline()).target().orElseThrow().id(), target.id());
    }
}
