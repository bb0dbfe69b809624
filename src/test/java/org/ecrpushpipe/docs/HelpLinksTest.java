package org.ecrpushpipe.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.ecrpushpipe.cli.PipeLauncher;
import org.ecrpushpipe.config.Variable;
import org.ecrpushpipe.config.VariableGroup;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/**
 * {@code --help} ends with a link to the README section of each group of variables, and every link leads to a
 * heading README.md has, addressed as Bitbucket addresses the headings of a repository's README.
 */
class HelpLinksTest {
    private static final Pattern HEADING = Pattern.compile("(?m)^#{1,6} +(.+?) *#*$");

    private static String help() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int exit = PipeLauncher.launch(new String[] {"--help"}, Map.of("NO_COLOR", "1"), Path.of("."),
                new PrintStream(out, true, StandardCharsets.UTF_8));
        assertEquals(0, exit);
        return out.toString(StandardCharsets.UTF_8);
    }

    /**
     * The anchor Bitbucket gives a Markdown heading: {@code markdown-header-} and Python-Markdown's slug of the
     * heading's text (inline code shown as its text; letters, digits, {@code _} and {@code -} kept, lower case, runs
     * of spaces and dashes one dash).
     */
    static String bitbucketAnchor(String heading) {
        String text = heading.replace("`", "").replaceAll("\\[([^]]*)]\\([^)]*\\)", "$1").replace("*", "");
        String ascii = Normalizer.normalize(text, Normalizer.Form.NFKD).replaceAll("[^\\p{ASCII}]", "");
        return "markdown-header-" + ascii.replaceAll("[^\\w\\s-]", "").strip().toLowerCase(Locale.ROOT)
                .replaceAll("[-\\s]+", "-");
    }

    private static Set<String> readmeAnchors() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        // headings only, not the comment lines of shell and YAML in code blocks
        String prose = readme.replaceAll("(?ms)^```.*?^```", "");
        Matcher heading = HEADING.matcher(prose);
        Set<String> anchors = new HashSet<>();
        while (heading.find()) {
            anchors.add(bitbucketAnchor(heading.group(1)));
        }
        return anchors;
    }

    @Test
    void bitbucketsAnchorsAreWorkedOutAsItsMarkdownDoes() {
        assertEquals("markdown-header-yaml-definition", bitbucketAnchor("YAML Definition"));
        assertEquals("markdown-header-results-for-later-steps", bitbucketAnchor("Results for later steps"));
        assertEquals("markdown-header-the-pipes-own-pipeline-and-releases",
                bitbucketAnchor("The pipe's own pipeline and releases"));
        assertEquals("markdown-header-policy-the-iam-policy", bitbucketAnchor("`policy` — the IAM policy"));
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
    void helpEndsWithALinkToTheReadmeSectionOfEachGroup() throws Exception {
        String repository = new ObjectMapper(new YAMLFactory()).readTree(Path.of("pipe.yml").toFile())
                .get("repository").asText();
        List<String> lines = help().strip().lines().toList();
        int start = lines.indexOf("More in README.md, a section for each group of variables:");
        assertTrue(start > 0, "the links section: " + lines);
        List<String> links = lines.subList(start + 1, lines.size());
        assertEquals(2 * VariableGroup.values().length, links.size(), "a title and a link for each group, last: " + links);
        Set<String> anchors = readmeAnchors();
        for (int i = 0; i < VariableGroup.values().length; i++) {
            VariableGroup group = VariableGroup.values()[i];
            assertEquals(group.title() + ":", links.get(2 * i));
            String link = links.get(2 * i + 1);
            assertTrue(link.startsWith(repository + "#markdown-header-"), "a link into pipe.yml's repository: " + link);
            String anchor = link.substring(link.indexOf('#') + 1);
            assertTrue(anchors.contains(anchor), group + "'s link " + link + " leads to a heading of README.md (its"
                    + " heading: '" + group.readmeHeading() + "'); README's anchors: " + anchors.stream().sorted()
                    .collect(Collectors.joining(", ")));
            assertEquals(bitbucketAnchor(group.readmeHeading()), anchor, group.toString());
            assertTrue(link.length() <= 80, "whole within 80 columns, so a terminal can open it: " + link);
        }
        assertTrue(help().indexOf("Exit codes:") < help().indexOf("More in README.md"), "the links come last");
    }
}
