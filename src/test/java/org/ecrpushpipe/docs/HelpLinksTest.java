package org.ecrpushpipe.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.ecrpushpipe.cli.PipeLauncher;
import org.ecrpushpipe.config.Variable;
import org.ecrpushpipe.config.VariableGroup;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/**
 * {@code --help} ends with a link to the README section or docs/ page of each group of variables, and every link
 * leads to a heading README.md has or a page that exists, addressed as Bitbucket addresses them.
 */
class HelpLinksTest {
    private static String help() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int exit = PipeLauncher.launch(new String[] {"--help"}, Map.of("NO_COLOR", "1"), Path.of("."),
                new PrintStream(out, true, StandardCharsets.UTF_8));
        assertEquals(0, exit);
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void everyVariableIsInExactlyOneGroup() {
        List<Variable> grouped = new ArrayList<>();
        for (VariableGroup group : VariableGroup.values()) {
            assertTrue(!group.variables().isEmpty(), group + " has variables");
            grouped.addAll(group.variables());
        }
        assertEquals(EnumSet.allOf(Variable.class), EnumSet.copyOf(grouped), "every variable is in a group");
        assertEquals(Variable.values().length, grouped.size(), "and in one only: " + grouped);
    }

    @Test
    void everyGroupNamesAPlaceOfTheDocumentationThatExists() {
        for (VariableGroup group : VariableGroup.values()) {
            Path page = Path.of(group.page());
            assertTrue(Files.isRegularFile(page), group + "'s page " + page);
            group.heading().ifPresent(heading -> assertTrue(MarkdownDocs.headings(page).contains(heading),
                    group + "'s heading '" + heading + "' in " + page + ": " + MarkdownDocs.headings(page)));
            for (Variable v : group.variables()) {
                String text = MarkdownDocs.prose(page);
                assertTrue(text.contains(v.name()), group + "'s place " + page + " speaks of " + v.name());
            }
        }
    }

    @Test
    void helpEndsWithALinkToTheDocumentationOfEachGroup() throws Exception {
        String repository = new ObjectMapper(new YAMLFactory()).readTree(Path.of("pipe.yml").toFile())
                .get("repository").asText();
        List<String> lines = help().strip().lines().toList();
        int start = lines.indexOf("More in README.md and docs/, a section or page for each group of variables:");
        assertTrue(start > 0, "the links section: " + lines);
        List<String> links = lines.subList(start + 1, lines.size());
        assertEquals(2 * VariableGroup.values().length, links.size(),
                "a title and a link for each group, last: " + links);
        String pages = repository + "/src/main/";
        for (int i = 0; i < VariableGroup.values().length; i++) {
            VariableGroup group = VariableGroup.values()[i];
            assertEquals(group.title() + ":", links.get(2 * i));
            String link = links.get(2 * i + 1);
            assertTrue(link.length() <= 80, "whole within 80 columns, so a terminal can open it: " + link);
            assertTrue(link.startsWith(repository), "a link into pipe.yml's repository: " + link);
            String address = link.contains("#") ? link.substring(0, link.indexOf('#')) : link;
            Path page;
            if (address.equals(repository)) {
                page = MarkdownDocs.README;
            } else {
                assertTrue(address.startsWith(pages), "a page of the release branch: " + link);
                page = Path.of(address.substring(pages.length()));
            }
            assertTrue(Files.isRegularFile(page), group + "'s link " + link + " leads to a page that exists: " + page);
            assertEquals(Path.of(group.page()), page, group.toString());
            if (link.contains("#")) {
                String anchor = link.substring(link.indexOf('#') + 1);
                assertTrue(MarkdownDocs.anchors(page).contains(anchor), group + "'s link " + link
                        + " leads to a heading of " + page + "; its anchors: " + MarkdownDocs.anchors(page).stream()
                        .sorted().collect(Collectors.joining(", ")));
                assertEquals(MarkdownDocs.bitbucketAnchor(group.heading().orElseThrow()), anchor, group.toString());
            } else {
                assertTrue(group.heading().isEmpty(), group + " links to its heading");
            }
        }
        assertTrue(help().indexOf("Exit codes:") < help().indexOf("More in README.md"), "the links come last");
    }
}
