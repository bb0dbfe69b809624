package org.ecrpushpipe.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

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
 * README's IAM policies are the {@code policy} subcommand's output: each block marked
 * {@code <!-- policy: NAME=value … -->} is compared with what the subcommand prints for those variables.
 */
class ReadmePolicyTest {
    private static final Pattern BLOCK = Pattern.compile(
            "(?m)^( *)<!-- policy: (.*?) -->\\n *```json\\n(.*?)\\n *```$", Pattern.DOTALL);

    @Test
    void everyPolicyInTheReadmeIsWhatTheSubcommandPrints() throws IOException {
        Matcher m = BLOCK.matcher(Files.readString(Path.of("README.md")));
        List<String> compared = new ArrayList<>();
        while (m.find()) {
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
            assertEquals(out.toString(StandardCharsets.UTF_8).strip(), documented, "README's policy for " + env);
            compared.add(m.group(2));
        }
        assertFalse(compared.isEmpty(), "README shows at least one policy");
    }
}
