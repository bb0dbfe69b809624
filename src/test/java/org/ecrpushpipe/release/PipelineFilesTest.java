package org.ecrpushpipe.release;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/**
 * pipe.yml as Bitbucket's pipe convention asks (its keys, its image at the pipe's one version), and the pipe's own
 * bitbucket-pipelines.yml as Bitbucket reads it: a step for every push, on main the release after the tests, each
 * step's commands naming scripts this repository has.
 */
class PipelineFilesTest {
    /** A repository file a step's command runs: {@code bash test/run-tests.sh}, {@code sh .ci/privileged.sh}. */
    private static final Pattern SCRIPT = Pattern.compile("(?:^|\\s)((?:\\.ci|test|release)/[\\w./-]+)");

    private static JsonNode pipeYml() throws IOException {
        return new ObjectMapper(new YAMLFactory()).readTree(Path.of("pipe.yml").toFile());
    }

    /**
     * The pipeline with its anchors, aliases and merge keys resolved, as Bitbucket resolves them: SnakeYAML (the
     * parser under Jackson's YAML module) builds the document, Jackson's tree model walks it. Jackson's own YAML
     * reader keeps an alias as the anchor's name.
     */
    private static JsonNode pipeline() throws IOException {
        Object document = new Yaml(new SafeConstructor(new LoaderOptions()))
                .load(Files.readString(Path.of("bitbucket-pipelines.yml")));
        return new ObjectMapper().valueToTree(document);
    }

    @Test
    void pipeYmlHasTheKeysOfAPipeAndItsImageIsThePipesVersion() throws Exception {
        JsonNode pipe = pipeYml();
        for (String key : List.of("name", "image", "category", "description", "repository", "maintainer", "tags")) {
            JsonNode value = pipe.path(key);
            assertTrue(value.isTextual() ? !value.asText().isBlank() : value.size() > 0, "pipe.yml has " + key);
        }
        assertTrue(pipe.get("maintainer").hasNonNull("name"), "the maintainer has a name");
        assertTrue(pipe.get("tags").isArray() && pipe.get("tags").size() > 0, "tags is a list");
        assertTrue(pipe.get("repository").asText().startsWith("https://bitbucket.org/"), "a Bitbucket repository");
        String pom = Files.readString(Path.of("pom.xml"));
        Matcher version = Pattern.compile("<artifactId>ecr-push-pipe</artifactId>\\s*<version>([^<]+)</version>").matcher(pom);
        assertTrue(version.find(), "pom.xml's version");
        assertTrue(pipe.get("image").asText().matches("[\\w.:/-]+/ecr-push-pipe:" + Pattern.quote(version.group(1))),
                "pipe.yml's image is tagged with pom.xml's version " + version.group(1) + ": " + pipe.get("image"));
    }

    @Test
    void everyPushRunsTheTestsAndMainReleasesAfterThem() throws Exception {
        JsonNode pipeline = pipeline();
        assertEquals("3", pipeline.path("options").path("runtime").path("cloud").path("version").asText(),
                "runtime v3: the docker service allows the privileged container the bed needs");
        JsonNode everyPush = pipeline.path("pipelines").path("default");
        assertEquals(1, everyPush.size(), "one step on every push: " + everyPush);
        assertTrue(commands(everyPush.get(0).get("step")).contains("sh .ci/privileged.sh bash test/run-tests.sh"),
                "README's test command, in the privileged container: " + everyPush);

        JsonNode main = pipeline.path("pipelines").path("branches").path("main");
        assertEquals(2, main.size(), "tests, then the release: " + main);
        assertEquals(commands(everyPush.get(0).get("step")), commands(main.get(0).get("step")), "main is tested first");
        JsonNode release = main.get(1).get("step");
        assertTrue(commands(release).stream().anyMatch(c -> c.startsWith("sh .ci/privileged.sh bash release/release.sh --pull-bases")),
                "the release builds on the public bases: " + release);
        assertEquals(".changes/next-release/**",
                release.path("condition").path("changesets").path("includePaths").path(0).asText(),
                "main releases when a push brings change entries");
        assertEquals("full", release.path("clone").path("depth").asText(), "the release clones the whole history");

        JsonNode byHand = pipeline.path("pipelines").path("custom").path("release");
        assertEquals("RELEASE_VERSION", byHand.path(0).path("variables").path(0).path("name").asText(), byHand.toString());
        assertEquals(commands(release), commands(byHand.get(2).get("step")), "the custom release is main's release");
        for (JsonNode step : List.of(everyPush.get(0).get("step"), release)) {
            assertEquals("docker", step.path("services").path(0).asText(), "the step has the docker service");
        }
        assertTrue(pipeline.path("definitions").path("services").path("docker").path("memory").asInt() >= 4096,
                "the docker service holds the suite's engine and JVMs");
    }

    @Test
    void everyScriptAStepRunsExists() throws Exception {
        List<String> scripts = new ArrayList<>();
        collectScripts(pipeline().path("pipelines"), scripts);
        assertTrue(scripts.containsAll(List.of(".ci/privileged.sh", "test/run-tests.sh", "release/release.sh")), scripts.toString());
        for (String script : scripts) {
            assertTrue(Files.isRegularFile(Path.of(script)), "a step runs " + script + ", which exists");
        }
        String privileged = Files.readString(Path.of(".ci/privileged.sh"));
        assertTrue(privileged.contains("-f .ci/Dockerfile"), "the container's image is .ci/Dockerfile");
        assertTrue(Files.isRegularFile(Path.of(".ci/Dockerfile")));
        assertTrue(privileged.contains("docker run --rm --privileged"), "privileged, as the bed needs");
    }

    private static List<String> commands(JsonNode step) {
        assertNotNull(step, "a step");
        List<String> commands = new ArrayList<>();
        step.path("script").forEach(line -> commands.add(line.asText()));
        assertTrue(!commands.isEmpty(), "the step has a script: " + step);
        return commands;
    }

    private static void collectScripts(JsonNode node, List<String> scripts) {
        if (node.has("script")) {
            for (String command : commands(node)) {
                Matcher named = SCRIPT.matcher(command);
                while (named.find()) {
                    scripts.add(named.group(1));
                }
            }
        }
        node.forEach(child -> collectScripts(child, scripts));
    }
}
