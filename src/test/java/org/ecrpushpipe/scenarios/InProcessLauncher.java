package org.ecrpushpipe.scenarios;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.ecrpushpipe.cli.PipeLauncher;

/** The pipe in the test's own JVM, through the same entry point {@code main} uses: fast, and debuggable. */
public final class InProcessLauncher implements Launcher {
    @Override
    public PipeRun run(Map<String, String> variables, Map<String, List<String>> lists, Path clone, String... args) {
        Map<String, String> env = new HashMap<>(variables);
        Launcher.splitLists(lists, env);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int code = PipeLauncher.launch(args, env, clone, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return new PipeRun(code, bytes.toString(StandardCharsets.UTF_8));
    }

    @Override
    public String name() {
        return "in-process";
    }
}
