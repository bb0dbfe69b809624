package org.ecrpushpipe.testbed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The by-hand recipe of docs/testing.md ("Start the bed by hand"), typed line by line into an interactive bash with job control
 * on, as a reader would type it: the engine and the stand-in must answer, the pipe must push, and when the shell
 * exits, every process started from it (found by a mark in its environment, so a process that slipped out of the
 * shell's process tree is found too) must be gone.
 */
class ByHandRecipeTest {
    private static final Duration LINE_TIMEOUT = Duration.ofMinutes(10);
    private static final Pattern PUSHED = Pattern.compile("✔ Successfully pushed (\\S+):latest \\((sha256:[0-9a-f]{64})\\)");
    private static final Pattern ANSI = Pattern.compile("\u001b\\[[0-9;]*m");

    /** The fenced block after docs/testing.md's "Start the bed by hand" line, one string a line. */
    static List<String> readmeRecipe() throws IOException {
        List<String> readme = Files.readAllLines(Path.of("docs/testing.md"));
        int intro = -1;
        for (int i = 0; i < readme.size(); i++) {
            if (readme.get(i).startsWith("Start the bed by hand")) {
                intro = i;
                break;
            }
        }
        assertTrue(intro >= 0, "docs/testing.md has a line starting 'Start the bed by hand'");
        int open = intro + 1;
        while (open < readme.size() && !readme.get(open).startsWith("```")) {
            open++;
        }
        List<String> recipe = new ArrayList<>();
        for (int i = open + 1; i < readme.size() && !readme.get(i).startsWith("```"); i++) {
            recipe.add(readme.get(i));
        }
        assertFalse(recipe.isEmpty(), "the recipe block is not empty");
        return recipe;
    }

    @Test
    @Timeout(value = 25, unit = TimeUnit.MINUTES)
    void theRecipeWorksTypedIntoAnInteractiveShellAndLeavesNothingRunning() throws Exception {
        List<String> recipe = readmeRecipe();
        String last = recipe.get(recipe.size() - 1);
        assertTrue(last.startsWith("exit"), "the recipe ends by leaving the shell: " + last);
        MachineFiles before = MachineFiles.read();

        MarkedProcesses marked = MarkedProcesses.create("BED_RECIPE_TEST_MARK");
        Map<String, String> env = new HashMap<>(System.getenv());
        // a reader's fresh shell: no engine, stand-in or AWS settings of the test run around it
        env.keySet().removeIf(name -> name.startsWith("DOCKER_") || name.startsWith("BED_") || name.startsWith("AWS_")
                || name.equals("IMAGE"));
        env.put("TERM", "dumb");
        env.put(marked.variable(), marked.value());

        List<MarkedProcesses.Found> started = List.of();
        String transcript = "";
        try (InteractiveShell shell = InteractiveShell.start(Path.of("").toAbsolutePath(), env, Duration.ofSeconds(30))) {
            try {
                for (String line : recipe.subList(0, recipe.size() - 1)) {
                    shell.type(line, LINE_TIMEOUT);
                }
                // printf, so that the terminal's echo of the typed line cannot match what the test looks for
                shell.type("printf 'probe%s dir=%s image=%s\\n' : \"$BED_DIR\" \"$IMAGE\"", LINE_TIMEOUT);
                shell.type("bed_engine_answers \"$DOCKER_HOST\" && printf 'probe%s engine answers at %s\\n' : \"$DOCKER_HOST\"",
                        LINE_TIMEOUT);
                started = marked.running();
                int code = shell.typeLast(last, Duration.ofMinutes(2));
                transcript = ANSI.matcher(shell.transcript()).replaceAll("");
                assertEquals(0, code, "the shell's exit code:\n" + transcript);
            } finally {
                transcript = ANSI.matcher(shell.transcript()).replaceAll("");
            }
        } finally {
            List<MarkedProcesses.Found> left = MarkedProcesses.awaitEnd(marked.running(), 60);
            if (!left.isEmpty()) {
                MarkedProcesses.stop(left);
                throw new AssertionError("still running after the shell exited (now stopped by PID): "
                        + left + "\n" + transcript);
            }
        }

        Matcher probe = Pattern.compile("probe: dir=(\\S+) image=(\\S+)").matcher(transcript);
        assertTrue(probe.find(), transcript);
        String image = probe.group(2);
        assertTrue(transcript.contains("probe: engine answers at tcp://127.0.0.1:"), transcript);
        Matcher pushed = PUSHED.matcher(transcript);
        assertTrue(pushed.find(), "the pipe pushed: " + transcript);
        assertEquals("123456789012.dkr.ecr.ap-southeast-1.amazonaws.com/my-service", image, "IMAGE is the full URI");
        assertEquals(image, pushed.group(1));
        assertTrue(transcript.contains("\"imageDigest\": \"" + pushed.group(2) + "\""),
                "aws ecr describe-images lists the pushed digest: " + transcript);

        List<String> commands = started.stream().map(MarkedProcesses.Found::command).distinct().sorted().toList();
        for (String expected : List.of("dockerd", "containerd", "docker-registry", "java")) {
            assertTrue(commands.contains(expected), expected + " ran while the bed was up: " + commands);
        }
        assertFalse(Files.exists(Path.of(probe.group(1))), "the bed's directory is removed: " + probe.group(1));
        assertEquals(before, MachineFiles.read(), "the machine's /etc/hosts and /etc/docker are unchanged");
    }

    /** What of the machine the bed must never change: /etc/hosts and everything under /etc/docker. */
    record MachineFiles(Map<String, String> contents) {
        static MachineFiles read() throws IOException {
            Map<String, String> contents = new HashMap<>();
            contents.put("/etc/hosts", Files.readString(Path.of("/etc/hosts")));
            Path docker = Path.of("/etc/docker");
            if (Files.isDirectory(docker)) {
                try (var files = Files.walk(docker)) {
                    for (Path p : files.sorted().toList()) {
                        contents.put(p.toString(), Files.isRegularFile(p)
                                ? java.util.HexFormat.of().formatHex(Files.readAllBytes(p)) : "(directory)");
                    }
                }
            }
            return new MachineFiles(contents);
        }

        @Override
        public String toString() {
            return contents.keySet().stream().sorted().collect(Collectors.joining(", "));
        }
    }
}
