package org.ecrpushpipe.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
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

/**
 * README, the pages of docs/, pipe.yml and the code say the same things about variables and exit codes, README keeps
 * the official pipes' order and length, and every link between the documents leads somewhere.
 */
class DocumentationTest {
    /** A row of README's table: the name linked to its section of docs/variables.md, the usage, the default. */
    private static final Pattern VARIABLE_ROW = Pattern.compile(
            "(?m)^\\| \\[([A-Z_]+)]\\(docs/variables\\.md#([^)]*)\\)( \\(\\*{1,2}\\))? \\| (.*) \\| (.*) \\|$");
    private static final Pattern ANY_ROW_STARTING_WITH_A_NAME = Pattern.compile("(?m)^\\| \\[?`?([A-Z][A-Z_]+)`?]?\\W");
    private static final Pattern VARIABLE_SECTION = Pattern.compile("(?m)^## ([A-Z_]+)\\n\\n(.*?)(?=^## |\\z)",
            Pattern.DOTALL);
    private static final Pattern EXIT_ROW = Pattern.compile("(?m)^\\| (\\d+) \\| (.*) \\|$");
    private static final Path VARIABLES_PAGE = Path.of("docs/variables.md");
    private static final Path ERRORS_PAGE = Path.of("docs/errors.md");
    /** The order of Bitbucket's official pipes' READMEs; other sections may come between. */
    private static final List<String> README_SECTIONS = List.of("YAML Definition", "Variables", "Details",
            "Prerequisites", "Authentication", "Examples", "Development", "Support", "License");
    private static final int README_MAX_LINES = 350;

    private static String readme() throws IOException {
        return Files.readString(MarkdownDocs.README);
    }

    private static List<String> registry() {
        return Stream.of(Variable.values()).map(Enum::name).toList();
    }

    @Test
    void readmeVariablesTableMatchesTheRegistry() throws IOException {
        Map<String, String> rows = new LinkedHashMap<>();
        Matcher m = VARIABLE_ROW.matcher(readme());
        while (m.find()) {
            rows.put(m.group(1), m.group(4));
            String anchor = m.group(2);
            assertEquals(MarkdownDocs.bitbucketAnchor(m.group(1)), anchor, m.group(1) + " links to its own section");
            String marker = m.group(3) == null ? "" : m.group(3).trim();
            Variable v = Variable.valueOf(m.group(1));
            String expectedMarker = switch (v.need()) {
                case REQUIRED -> "(*)";
                case REQUIRED_MAY_COME_FROM_CONTEXT -> "(**)";
                case OPTIONAL -> "";
            };
            assertEquals(expectedMarker, marker, v.name());
            for (String alias : v.aliases()) {
                assertTrue(m.group(4).contains("`" + alias + "`"), v.name() + " row names alias " + alias);
            }
            assertFalse(m.group(4).isBlank(), v.name() + " says what it does");
            assertFalse(m.group(5).isBlank(), v.name() + " gives its default");
            assertTrue(m.group(4).length() <= 100, v.name() + "'s usage fits one line; the detail is in"
                    + " docs/variables.md: " + m.group(4));
        }
        assertEquals(registry(), new ArrayList<>(rows.keySet()),
                "README's variables table lists the registry's variables in its order, one line each");
        Matcher anyRow = ANY_ROW_STARTING_WITH_A_NAME.matcher(readme());
        int named = 0;
        while (anyRow.find()) {
            named += registry().contains(anyRow.group(1)) ? 1 : 0;
        }
        assertEquals(registry().size(), named, "no other README row starts with a variable's name (a row the pattern"
                + " above missed)");
    }

    @Test
    void variablesPageDescribesEveryVariableInTheRegistrysOrder() throws IOException {
        Map<String, String> sections = new LinkedHashMap<>();
        Matcher m = VARIABLE_SECTION.matcher(Files.readString(VARIABLES_PAGE));
        while (m.find()) {
            sections.put(m.group(1), m.group(2).strip());
        }
        assertEquals(registry(), new ArrayList<>(sections.keySet()),
                "docs/variables.md has a section for each of the registry's variables, in its order");
        for (Variable v : Variable.values()) {
            String section = sections.get(v.name());
            assertTrue(section.length() > 20, v.name() + " is described: " + section);
            for (String alias : v.aliases()) {
                assertTrue(section.contains("`" + alias + "`"), v.name() + "'s section names alias " + alias);
            }
            assertEquals(v.need() == Variable.Need.REQUIRED, section.startsWith("Required."),
                    v.name() + "'s section says whether it is required");
        }
    }

    @Test
    void exitCodesMatchTheCodeWhereverTheyAreListed() throws IOException {
        Map<Integer, String> expected = Stream.of(ExitCode.values()).collect(Collectors.toMap(ExitCode::code,
                ExitCode::meaning, (a, b) -> a, LinkedHashMap::new));
        List<Path> listing = new ArrayList<>();
        for (Path document : MarkdownDocs.documents()) {
            Map<Integer, String> rows = new LinkedHashMap<>();
            Matcher m = EXIT_ROW.matcher(Files.readString(document));
            while (m.find()) {
                rows.put(Integer.parseInt(m.group(1)), m.group(2));
            }
            if (!rows.isEmpty()) {
                assertEquals(expected, rows, document + "'s exit codes are the code's");
                listing.add(document);
            }
        }
        assertEquals(List.of(ERRORS_PAGE), listing, "the exit codes are listed in one place");
        assertTrue(readme().contains("](" + ERRORS_PAGE + ")"), "README links to the exit codes");
    }

    @Test
    void readmeKeepsTheOfficialPipesOrderAndLength() throws IOException {
        List<String> sections = MarkdownDocs.headings(MarkdownDocs.README).stream()
                .filter(README_SECTIONS::contains).toList();
        assertEquals(README_SECTIONS, sections, "README's sections, in the official pipes' order");
        assertTrue(readme().startsWith("# Bitbucket Pipelines Pipe: "), "README's title");
        long lines = readme().lines().count();
        assertTrue(lines <= README_MAX_LINES, "README has " + lines + " lines; at most " + README_MAX_LINES
                + ": move the detail to a page of docs/");
        assertTrue(readme().contains("\nbash test/try-it.sh ") || readme().contains("\nbash test/try-it.sh\n"),
                "README keeps the command that runs the pipe end to end");
        assertTrue(readme().contains("\nbash test/run-tests.sh ") || readme().contains("\nbash test/run-tests.sh\n"),
                "README keeps the test command");
    }

    @Test
    void everyRelativeLinkLeadsToAFileAndHeadingThatExist() throws IOException {
        List<String> broken = new ArrayList<>();
        int checked = 0;
        for (Path document : MarkdownDocs.documents()) {
            for (String link : MarkdownDocs.relativeLinks(document)) {
                String why = MarkdownDocs.brokenLink(document, link);
                if (why != null) {
                    broken.add(why);
                }
                checked++;
            }
        }
        assertEquals(List.of(), broken, "links that lead nowhere");
        assertTrue(checked > 100, "the documents link to each other: " + checked);
    }

    @Test
    void readmeLinksToEveryPageOfDocs() throws IOException {
        List<String> linked = MarkdownDocs.relativeLinks(MarkdownDocs.README).stream()
                .map(l -> l.contains("#") ? l.substring(0, l.indexOf('#')) : l).toList();
        for (Path page : MarkdownDocs.documents()) {
            if (!page.equals(MarkdownDocs.README)) {
                assertTrue(linked.contains(page.toString()), "README links to " + page);
            }
        }
    }

    @Test
    void bitbucketsAnchorsAreWorkedOutAsItsMarkdownDoes() {
        assertEquals("markdown-header-yaml-definition", MarkdownDocs.bitbucketAnchor("YAML Definition"));
        assertEquals("markdown-header-aws_key", MarkdownDocs.bitbucketAnchor("AWS_KEY"));
        assertEquals("markdown-header-the-pipes-own-pipeline-and-releases",
                MarkdownDocs.bitbucketAnchor("The pipe's own pipeline and releases"));
        assertEquals("markdown-header-policy-the-iam-policy",
                MarkdownDocs.bitbucketAnchor("`policy` — the IAM policy"));
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
        List<Path> documents = MarkdownDocs.documents();
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
        String unreleased = changelog.substring(changelog.indexOf("\n## Unreleased\n"),
                changelog.indexOf("\n## " + version + "\n")) + "\n";
        // the release notes' headings: release/changes.py's GROUPS, in their order, each at most once
        List<String> groups = changeGroups();
        List<String> headings = Pattern.compile("(?m)^### (.*)$").matcher(unreleased).results()
                .map(m -> m.group(1).strip()).toList();
        assertTrue(groups.containsAll(headings), "Unreleased's headings " + headings + " are among " + groups);
        assertEquals(headings.stream().distinct().sorted(Comparator.comparing(groups::indexOf)).toList(),
                headings, "Unreleased's headings come once each, in release/changes.py's order " + groups);
        for (Path file : entries) {
            JsonNode change = json.readTree(file.toFile());
            assertTrue(Set.of("major", "minor", "patch").contains(change.get("type").asText()), file.toString());
            assertTrue(change.get("description").asText().length() > 10, file.toString());
            String line = "- " + change.get("type").asText() + ": " + change.get("description").asText() + "\n";
            assertTrue(unreleased.contains(line), "CHANGELOG's Unreleased section has " + file);
            if (change.hasNonNull("group")) {
                String group = change.get("group").asText();
                assertTrue(groups.contains(group), file + "'s group " + group + " is one of " + groups);
                int heading = unreleased.indexOf("\n### " + group + "\n");
                assertTrue(heading >= 0, "Unreleased has the heading ### " + group + " of " + file);
                int after = unreleased.indexOf("\n### ", heading + 1);
                assertTrue(unreleased.substring(heading, after < 0 ? unreleased.length() : after).contains("\n" + line),
                        file + "'s line is under ### " + group);
            }
        }
        // the release notes link docs/ pages: each relative link names a file that exists
        Matcher link = Pattern.compile("\\]\\(([^)#\\s]+)[^)]*\\)").matcher(unreleased);
        while (link.find()) {
            if (!link.group(1).contains("://")) {
                assertTrue(Files.isRegularFile(Path.of(link.group(1))), "CHANGELOG links " + link.group(1));
            }
        }
    }

    /** The headings of a release's section, as release/changes.py groups the entries ({@code GROUPS}). */
    private static List<String> changeGroups() throws IOException {
        Matcher tuple = Pattern.compile("(?m)^GROUPS = \\(([^)]*)\\)")
                .matcher(Files.readString(Path.of("release/changes.py")));
        assertTrue(tuple.find(), "release/changes.py has GROUPS = (…)");
        return Pattern.compile("'([^']+)'").matcher(tuple.group(1)).results().map(m -> m.group(1)).toList();
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
