package org.ecrpushpipe.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.ecrpushpipe.config.Variable;
import org.ecrpushpipe.errors.ExitCode;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/** README, pipe.yml and the code say the same things about variables and exit codes. */
class DocumentationTest {
    private static final Pattern VARIABLE_ROW = Pattern.compile("(?m)^\\| ([A-Z_]+)( \\(\\*{1,2}\\))? \\| (.*) \\|$");
    private static final Pattern EXIT_ROW = Pattern.compile("(?m)^\\| (\\d+) \\| (.*) \\|$");

    private static String readme() throws IOException {
        return Files.readString(Path.of("README.md"));
    }

    @Test
    void readmeVariablesTableMatchesTheRegistry() throws IOException {
        Map<String, String> rows = new LinkedHashMap<>();
        Map<String, String> markers = new LinkedHashMap<>();
        Matcher m = VARIABLE_ROW.matcher(readme());
        while (m.find()) {
            rows.put(m.group(1), m.group(3));
            markers.put(m.group(1), m.group(2) == null ? "" : m.group(2).trim());
        }
        assertEquals(Stream.of(Variable.values()).map(Enum::name).toList(), new ArrayList<>(rows.keySet()),
                "README's variables table lists the registry's variables in its order");
        for (Variable v : Variable.values()) {
            String expectedMarker = switch (v.need()) {
                case REQUIRED -> "(*)";
                case REQUIRED_MAY_COME_FROM_CONTEXT -> "(**)";
                case OPTIONAL -> "";
            };
            assertEquals(expectedMarker, markers.get(v.name()), v.name());
            for (String alias : v.aliases()) {
                assertTrue(rows.get(v.name()).contains("`" + alias + "`"), v.name() + " row names alias " + alias);
            }
        }
    }

    @Test
    void readmeExitCodesMatchTheCode() throws IOException {
        Map<Integer, String> rows = new LinkedHashMap<>();
        Matcher m = EXIT_ROW.matcher(readme());
        while (m.find()) {
            rows.put(Integer.parseInt(m.group(1)), m.group(2));
        }
        assertEquals(Stream.of(ExitCode.values()).collect(Collectors.toMap(ExitCode::code, ExitCode::meaning,
                (a, b) -> a, LinkedHashMap::new)), rows);
    }

    @Test
    void pipeYmlPassesOnlyKnownVariablesFromContext() throws IOException {
        JsonNode pipe = new ObjectMapper(new YAMLFactory()).readTree(Path.of("pipe.yml").toFile());
        Set<String> known = Stream.of(Variable.values()).flatMap(v -> v.names().stream()).collect(Collectors.toSet());
        assertTrue(pipe.get("variables").size() > 0);
        for (JsonNode variable : pipe.get("variables")) {
            String name = variable.get("name").asText();
            assertTrue(known.contains(name), name + " is a variable the pipe reads");
            assertEquals("$" + name, variable.get("default").asText());
        }
        for (String field : List.of("name", "image", "description", "category", "repository", "tags")) {
            assertTrue(pipe.hasNonNull(field), "pipe.yml has " + field);
        }
    }

    @Test
    void changelogHasTheCurrentVersionAndEveryChangeFileIsValid() throws IOException {
        String changelog = Files.readString(Path.of("CHANGELOG.md"));
        assertTrue(changelog.startsWith("# Changelog"));
        String image = new ObjectMapper(new YAMLFactory()).readTree(Path.of("pipe.yml").toFile()).get("image").asText();
        String version = image.substring(image.lastIndexOf(':') + 1);
        assertTrue(changelog.contains("\n## " + version + "\n"), "CHANGELOG has a section for pipe.yml's " + version);
        assertTrue(readme().contains("pipe: org/ecr-push-pipe:" + version), "README's YAML uses " + version);
        java.util.Properties built = new java.util.Properties();
        try (var in = DocumentationTest.class.getResourceAsStream("/pipe-version.properties")) {
            built.load(in);
        }
        assertEquals(version, built.getProperty("version"), "--version says pom.xml's version, which is pipe.yml's");
        List<Path> documents = new java.util.ArrayList<>(List.of(Path.of("README.md")));
        try (Stream<Path> examples = Files.walk(Path.of("examples"))) {
            examples.filter(p -> p.toString().endsWith(".yml")).forEach(documents::add);
        }
        // the release's tags: X.Y.Z, and X.Y and X, which each release moves to itself
        String[] parts = version.split("\\.");
        Set<String> tags = Set.of(version, parts[0] + "." + parts[1], parts[0]);
        for (Path document : documents) {
            Matcher used = Pattern.compile("org/ecr-push-pipe:([^\\s'\"`]+)").matcher(Files.readString(document));
            while (used.find()) {
                assertTrue(tags.contains(used.group(1)), document + " names the pipe's one version " + version
                        + " (or its X.Y or X tag), not " + used.group(1));
            }
        }
        ObjectMapper json = new ObjectMapper();
        Path next = Path.of(".changes/next-release");
        // right after a release the directory is gone: the release moved its entries to .changes/<version>.json
        List<Path> entries = List.of();
        if (Files.isDirectory(next)) {
            try (Stream<Path> files = Files.list(next)) {
                entries = files.toList();
            }
        }
        for (Path file : entries) {
            JsonNode change = json.readTree(file.toFile());
            assertTrue(Set.of("major", "minor", "patch").contains(change.get("type").asText()), file.toString());
            assertTrue(change.get("description").asText().length() > 10, file.toString());
            String unreleased = changelog.substring(changelog.indexOf("\n## Unreleased\n"),
                    changelog.indexOf("\n## " + version + "\n"));
            assertTrue(unreleased.contains("- " + change.get("type").asText() + ": "
                    + change.get("description").asText() + "\n"), "CHANGELOG's Unreleased section has " + file);
        }
    }

    /**
     * ARCHITECTURE.md names rooms and types as {@code package.Type} (and packages alone): each must exist, so the map
     * stays true as the code moves.
     */
    @Test
    void theArchitectureMapNamesOnlyWhatExists() throws Exception {
        String map = Files.readString(Path.of("ARCHITECTURE.md"));
        Path sources = Path.of("src/main/java/org/ecrpushpipe");
        Matcher named = Pattern.compile("`([a-z]+(?:\\.[a-z]+)*)\\.([A-Z]\\w*)").matcher(map);
        int checked = 0;
        while (named.find()) {
            Path type = sources.resolve(named.group(1).replace('.', '/')).resolve(named.group(2) + ".java");
            assertTrue(Files.isRegularFile(type), "ARCHITECTURE.md names " + named.group(1) + "." + named.group(2)
                    + ", which is not " + type);
            checked++;
        }
        assertTrue(checked >= 10, "ARCHITECTURE.md names the main types: " + checked);
        String drawing = map.substring(map.indexOf("```") + 3, map.indexOf("```", map.indexOf("```") + 3));
        Matcher rooms = Pattern.compile("(?:──►|[├└]── ) *([a-z]+(?:\\.[a-z]+)?)[ ,]").matcher(drawing);
        int drawn = 0;
        while (rooms.find()) {
            Path room = sources.resolve(rooms.group(1).replace('.', '/'));
            assertTrue(Files.isDirectory(room), "ARCHITECTURE.md draws the room " + rooms.group(1) + ", not " + room);
            drawn++;
        }
        assertTrue(drawn >= 8, "ARCHITECTURE.md draws the rooms: " + drawn);
    }
}
