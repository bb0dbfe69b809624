package org.ecrpushpipe.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.ecrpushpipe.cli.PipeLauncher;
import org.junit.jupiter.api.Test;

/**
 * The IAM policies of README and docs/ are the {@code policy} subcommand's output: each block marked
 * {@code <!-- policy: NAME=value … -->} is compared with what the subcommand prints for those variables.
 */
class ReadmePolicyTest {
    private static final Pattern BLOCK = Pattern.compile(
            "(?m)^( *)<!-- policy: (.*?) -->\\n *```json\\n(.*?)\\n *```$", Pattern.DOTALL);

    @Test
    void everyPolicyInTheReadmeAndDocsIsWhatTheSubcommandPrints() throws IOException {
        List<String> compared = new ArrayList<>();
        List<String> readmes = new ArrayList<>();
        for (Path document : MarkdownDocs.documents()) {
            Matcher m = BLOCK.matcher(Files.readString(document));
            while (m.find()) {
                compare(document, m);
                compared.add(document + ": " + m.group(2));
                if (document.equals(MarkdownDocs.README)) {
                    readmes.add(m.group(2));
                }
            }
        }
        assertFalse(readmes.isEmpty(), "README shows at least one policy");
        assertTrue(compared.size() > readmes.size(), "docs/ shows policies too: " + compared);
    }

    private static void compare(Path document, Matcher m) {
        String indent = m.group(1);
        Map<String, String> env = new HashMap<>();
        for (String assignment : m.group(2).trim().split(" +")) {
            int eq = assignment.indexOf('=');
            env.put(assignment.substring(0, eq), assignment.substring(eq + 1));
        }
        String documented = m.group(3).lines().map(l -> l.startsWith(indent) ? l.substring(indent.length()) : l)
                .reduce((a, b) -> a + "\n" + b).orElse("");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = PipeLauncher.launch(new String[] {"policy"}, env, Path.of(""),
                new PrintStream(out, true, StandardCharsets.UTF_8));
        assertEquals(0, code, out.toString(StandardCharsets.UTF_8));
        assertEquals(out.toString(StandardCharsets.UTF_8).strip(), documented, document + "'s policy for " + env);
    }
}
