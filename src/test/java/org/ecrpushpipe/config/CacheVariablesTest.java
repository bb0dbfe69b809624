package org.ecrpushpipe.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.ecrpushpipe.errors.PipeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CACHE, CACHE_FROM and OUTPUT_FILE, read through {@link ConfigReader} as a run reads them. */
class CacheVariablesTest {
    @TempDir
    Path clone;

    private Map<String, String> env() throws Exception {
        java.nio.file.Files.writeString(clone.resolve("Dockerfile"), "FROM scratch\n");
        Map<String, String> env = new HashMap<>();
        env.put("AWS_KEY", "AKIAEXAMPLE000000001");
        env.put("AWS_SECRET", "secret");
        env.put("IMAGE", "123456789012.dkr.ecr.ap-southeast-1.amazonaws.com/app");
        env.put("TAGS", "1.0");
        return env;
    }

    private CacheSettings read(Map<String, String> env) {
        return ConfigReader.read(env, clone).config().cache();
    }

    private ResultSettings results(Map<String, String> env) {
        return ConfigReader.read(env, clone).config().results();
    }

    private List<PipeException.Configuration.Problem> problems(Map<String, String> env) {
        try {
            ConfigReader.read(env, clone);
        } catch (PipeException.Configuration e) {
            return e.problems();
        }
        throw new AssertionError("no problem reported");
    }

    @Test
    void theCacheIsOnByDefaultWithTheBranchAsACandidate() throws Exception {
        Map<String, String> env = env();
        env.put("BITBUCKET_BRANCH", "feature/login");
        CacheSettings cache = read(env);
        assertEquals(CacheSettings.CacheMode.ON, cache.mode());
        assertEquals(Optional.of(new Tag("feature-login")), cache.branchTag());
        assertEquals(Optional.empty(), results(env).outputFile());
    }

    @Test
    void cacheValues() throws Exception {
        Map<String, String> env = env();
        env.put("CACHE", "False");
        assertEquals(CacheSettings.CacheMode.OFF, read(env).mode());
        env.put("CACHE", "stages");
        assertEquals(CacheSettings.CacheMode.STAGES, read(env).mode());
        env.put("CACHE", "maybe");
        assertEquals(List.of(new PipeException.Configuration.Problem("CACHE", "'maybe' is not one of true, false,"
                + " stages")), problems(env));
    }

    @Test
    void cacheFromReadsReferencesAsDockerDoes() throws Exception {
        Map<String, String> env = env();
        env.put("CACHE_FROM", "team/base:main 123456789012.dkr.ecr.ap-southeast-1.amazonaws.com/other "
                + "localhost:5000/x:1");
        assertEquals(List.of(
                new CacheSettings.CacheImage(Optional.empty(), "team/base", new Tag("main")),
                new CacheSettings.CacheImage(Optional.of("123456789012.dkr.ecr.ap-southeast-1.amazonaws.com"), "other",
                        new Tag("latest")),
                new CacheSettings.CacheImage(Optional.of("localhost:5000"), "x", new Tag("1"))), read(env).cacheFrom());
    }

    @Test
    void cacheFromAsAList() throws Exception {
        Map<String, String> env = env();
        env.put("CACHE_FROM_COUNT", "2");
        env.put("CACHE_FROM_0", "a:1");
        env.put("CACHE_FROM_1", "b");
        assertEquals(List.of("a:1", "b:latest"), read(env).cacheFrom().stream().map(Object::toString).toList());
    }

    @Test
    void aCacheFromListWithAnItemMissingIsAProblemAsForEveryList() throws Exception {
        Map<String, String> env = env();
        env.put("CACHE_FROM_COUNT", "2");
        env.put("CACHE_FROM_0", "a:1");
        assertEquals(List.of(new PipeException.Configuration.Problem("CACHE_FROM", "CACHE_FROM_COUNT is 2 but"
                + " CACHE_FROM_1 is not set")), problems(env));
    }

    @Test
    void lineBreaksSeparateCacheFromImagesAsSpacesDo() throws Exception {
        Map<String, String> env = env();
        env.put("CACHE_FROM", "a:1\nb\tc");
        assertEquals(List.of("a:1", "b:latest", "c:latest"),
                read(env).cacheFrom().stream().map(Object::toString).toList());
    }

    @Test
    void everyBadCacheFromItemIsNamed() throws Exception {
        Map<String, String> env = env();
        env.put("CACHE_FROM", "ok:1 Bad:1 x@sha256:00");
        assertEquals(2, problems(env).size());
        assertTrue(problems(env).get(0).message().startsWith("'Bad:1' is not an image reference"));
    }

    @Test
    void outputFileIsResolvedInTheClone() throws Exception {
        Map<String, String> env = env();
        java.nio.file.Files.createDirectories(clone.resolve("out"));
        env.put("OUTPUT_FILE", "out/image.json");
        assertEquals(Optional.of(clone.resolve("out/image.json").toAbsolutePath()), results(env).outputFile());
        env.put("OUTPUT_FILE", "missing/image.env");
        assertEquals(List.of(new PipeException.Configuration.Problem("OUTPUT_FILE", "the directory of"
                + " 'missing/image.env' does not exist (create it in an earlier script line, or name a file in the"
                + " clone)")), problems(env));
    }

    @Test
    void sharedStorageComesFromBitbucket() throws Exception {
        Map<String, String> env = env();
        env.put("BITBUCKET_PIPE_SHARED_STORAGE_DIR", "/opt/atlassian/pipelines/agent/build/.bitbucket/pipelines/"
                + "generated/pipeline/pipes");
        assertEquals(Optional.of(Path.of("/opt/atlassian/pipelines/agent/build/.bitbucket/pipelines/generated/"
                + "pipeline/pipes")), results(env).sharedStorageDir());
    }
}
