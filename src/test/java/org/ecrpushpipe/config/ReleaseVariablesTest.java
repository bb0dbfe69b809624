package org.ecrpushpipe.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SOURCE_TAG, SOURCE_DIGEST, PLATFORM_TAGS and MIRROR_REGIONS, read with all the other variables by
 * {@link ConfigReader}.
 */
class ReleaseVariablesTest {
    private static final String IMAGE = "123456789012.dkr.ecr.ap-southeast-1.amazonaws.com/my-service";
    private static final String DIGEST = "sha256:" + "ab".repeat(32);

    @TempDir
    Path work;

    private Map<String, String> env(String... pairs) {
        Map<String, String> env = new HashMap<>(Map.of("AWS_KEY", "AKIAEXAMPLE", "AWS_SECRET", "secret/value",
                "IMAGE", IMAGE));
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return env;
    }

    private ConfigReader.Result read(Map<String, String> env) {
        return ConfigReader.read(env, work);
    }

    private List<Problem> problems(Map<String, String> env) {
        return assertThrows(PipeException.Configuration.class, () -> read(env)).problems();
    }

    @Test
    void noneByDefault() throws IOException {
        Files.writeString(work.resolve("Dockerfile"), "FROM scratch\n");
        assertEquals(ReleaseSettings.NONE, read(env()).config().release());
    }

    @Test
    void aPromotionNeedsNoDockerfileAndBuildsNothing() {
        PipeConfig config = read(env("SOURCE_TAG", "build-42", "TAGS", "1.4.0 latest")).config();
        assertEquals(Optional.of(new Tag("build-42")), config.release().sourceTag());
        assertTrue(config.release().promotes());
        assertNull(config.build());
        assertEquals(Optional.of(DIGEST), read(env("SOURCE_DIGEST", DIGEST)).config().release().sourceDigest());
    }

    @Test
    void malformedSourcesAndSourcesWithBuildVariables() {
        assertEquals(List.of(new Problem("SOURCE_TAG", "'-rc1' starts with '-'; a tag starts with a letter, digit"
                + " or '_'")), problems(env("SOURCE_TAG", "-rc1")));
        assertTrue(problems(env("SOURCE_DIGEST", "sha256:abc")).get(0).message()
                .startsWith("'sha256:abc' is not a manifest digest"));
        assertEquals(List.of(new Problem("SOURCE_DIGEST", "set together with SOURCE_TAG; name the image to promote"
                + " once, by its tag or by its digest")), problems(env("SOURCE_TAG", "a", "SOURCE_DIGEST", DIGEST)));
        assertEquals(List.of(new Problem("SOURCE_TAG", "set together with DOCKERFILE and BUILD_CONTEXT: SOURCE_TAG"
                + " promotes an image already in the repository and builds nothing; remove DOCKERFILE and"
                + " BUILD_CONTEXT from this step, or SOURCE_TAG to build")),
                problems(env("SOURCE_TAG", "a", "DOCKERFILE", "Dockerfile", "BUILD_CONTEXT", ".")));
        // one cause, one problem: LOCAL_IMAGE's own objection to the build variables is not repeated
        assertEquals(List.of(new Problem("SOURCE_TAG", "set together with BUILD_ARGS and LOCAL_IMAGE: SOURCE_TAG"
                + " promotes an image already in the repository and builds nothing; remove BUILD_ARGS and"
                + " LOCAL_IMAGE from this step, or SOURCE_TAG to build")),
                problems(env("SOURCE_TAG", "a", "LOCAL_IMAGE", "my-app", "BUILD_ARGS", "A=1")));
    }

    @Test
    void aPromotionDoesNotCreateTheRepository() {
        assertEquals(List.of(new Problem("SOURCE_DIGEST", "set together with CREATE_REPOSITORY: true, but"
                + " SOURCE_DIGEST promotes an image already in the repository, so the repository must exist; remove"
                + " CREATE_REPOSITORY and its settings from this step (LIFECYCLE_POLICY still applies to the"
                + " repository)")), problems(env("SOURCE_DIGEST", DIGEST, "CREATE_REPOSITORY", "TRUE",
                "IMAGE_TAG_MUTABILITY", "IMMUTABLE")));
        assertTrue(read(env("SOURCE_TAG", "a", "CREATE_REPOSITORY", "false")).config().release().promotes(),
                "CREATE_REPOSITORY: false goes with a promotion");
    }

    @Test
    void aPromotionRefusesBuildVariablesGivenAsYamlListsToo() {
        assertEquals(List.of(new Problem("SOURCE_TAG", "set together with BUILD_ARGS and LABELS: SOURCE_TAG promotes"
                + " an image already in the repository and builds nothing; remove BUILD_ARGS and LABELS from this"
                + " step, or SOURCE_TAG to build")), problems(env("SOURCE_TAG", "a", "BUILD_ARGS_COUNT", "1",
                "BUILD_ARGS_0", "A=1", "LABELS_COUNT", "1", "LABELS_0", "team=payments")));
    }

    @Test
    void platformTagsSpaceSeparatedOrAListDeduplicatedBuildNothing() {
        PipeConfig config = read(env("PLATFORM_TAGS", " 42-amd64  42-arm64 ", "TAGS", "1.4 latest")).config();
        assertEquals(List.of(new Tag("42-amd64"), new Tag("42-arm64")), config.release().platformTags());
        assertTrue(config.release().combines());
        assertNull(config.build(), "nothing is built: the clone needs no Dockerfile");
        ConfigReader.Result list = read(env("PLATFORM_TAGS_COUNT", "3", "PLATFORM_TAGS_0", "42-amd64",
                "PLATFORM_TAGS_1", "42-arm64", "PLATFORM_TAGS_2", "42-amd64", "TAGS", "1.4"));
        assertEquals(List.of(new Tag("42-amd64"), new Tag("42-arm64")), list.config().release().platformTags());
        assertEquals(List.of("PLATFORM_TAGS lists 42-amd64 more than once; using it once."), list.warnings());
    }

    @Test
    void platformTagsProblemsAreAllListed() {
        assertEquals(List.of(new Problem("PLATFORM_TAGS", "one tag given ('42-amd64'): a multi-platform image is made"
                + " of two or more images, one per platform; to give one image more tags, use SOURCE_TAG")),
                problems(env("PLATFORM_TAGS", "42-amd64 42-amd64", "TAGS", "1.4")));
        assertEquals(List.of(new Problem("PLATFORM_TAGS", "no tag given")), problems(env("PLATFORM_TAGS_COUNT",
                "0", "TAGS", "1.4")));
        assertEquals(List.of(
                        new Problem("PLATFORM_TAGS", "'42-arm64' is also in TAGS: the multi-platform image would take"
                                + " the tag of an image it is made of; give it other TAGS"),
                        new Problem("PLATFORM_TAGS", "set together with SOURCE_TAG: PLATFORM_TAGS makes a new"
                                + " multi-platform image of several images, SOURCE_TAG gives one image more tags;"
                                + " keep one of them"),
                        new Problem("PLATFORM_TAGS", "set together with DOCKERFILE and LOCAL_IMAGE: PLATFORM_TAGS"
                                + " combines images already in the repository and builds nothing; remove DOCKERFILE"
                                + " and LOCAL_IMAGE from this step, or PLATFORM_TAGS to build"),
                        new Problem("PLATFORM_TAGS", "set together with CREATE_REPOSITORY: true, but PLATFORM_TAGS"
                                + " combines images already in the repository, so the repository must exist; remove"
                                + " CREATE_REPOSITORY and its settings from this step (LIFECYCLE_POLICY still applies"
                                + " to the repository)")),
                problems(env("PLATFORM_TAGS", "42-amd64 42-arm64", "TAGS", "42-arm64 latest", "SOURCE_TAG", "b",
                        "DOCKERFILE", "Dockerfile", "LOCAL_IMAGE", "my-app", "CREATE_REPOSITORY", "true")).stream()
                        .filter(p -> p.variable().equals("PLATFORM_TAGS")).toList());
    }

    @Test
    void mirrorRegionsSpaceSeparatedOrAListDeduplicated() {
        assertEquals(List.of("eu-west-1", "us-east-1"), read(env("SOURCE_TAG", "a",
                "MIRROR_REGIONS", "eu-west-1  us-east-1\n")).config().release().mirrorRegions());
        ConfigReader.Result list = read(env("SOURCE_TAG", "a", "MIRROR_REGIONS_COUNT", "3",
                "MIRROR_REGIONS_0", "eu-west-1", "MIRROR_REGIONS_1", "us-east-1", "MIRROR_REGIONS_2", "eu-west-1"));
        assertEquals(List.of("eu-west-1", "us-east-1"), list.config().release().mirrorRegions());
        assertEquals(List.of("MIRROR_REGIONS lists eu-west-1 more than once; mirroring to it once."), list.warnings());
    }

    @Test
    void badMirrorRegionsAreAllListed() {
        assertEquals(List.of(
                        new Problem("MIRROR_REGIONS", "'Ireland' is not an AWS region name (like eu-west-1)"),
                        new Problem("MIRROR_REGIONS", "'ap-southeast-1' is the region of IMAGE itself; list only the"
                                + " other regions the image should also go to"),
                        new Problem("MIRROR_REGIONS", "'cn-north-1' is in another AWS partition than IMAGE's region"
                                + " 'ap-southeast-1'; an account's registries are in one partition")),
                problems(env("SOURCE_TAG", "a", "MIRROR_REGIONS", "Ireland ap-southeast-1 cn-north-1")));
        assertEquals(List.of(new Problem("MIRROR_REGIONS", "MIRROR_REGIONS_COUNT is 2 but MIRROR_REGIONS_1 is not"
                + " set")), problems(env("SOURCE_TAG", "a", "MIRROR_REGIONS_COUNT", "2",
                "MIRROR_REGIONS_0", "eu-west-1")));
    }
}
