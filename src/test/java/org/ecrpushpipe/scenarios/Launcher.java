package org.ecrpushpipe.scenarios;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One way of running the pipe: in-process, the packaged jar, the pipe's image the way Bitbucket runs it, or the
 * native binary. The same scenarios run through each, so every layer the user can meet is proved the same way.
 */
public interface Launcher {

    /**
     * Runs the pipe once and waits for it.
     *
     * @param variables the step's variables, as the user writes them (plain values)
     * @param lists     list variables (such as {@code TAGS: [a, b]}), which reach a pipe split as
     *                  {@code TAGS_COUNT}, {@code TAGS_0}, …
     * @param clone     the repository clone, the pipe's working directory
     * @param args      command-line arguments (none in a pipeline; {@code --help}, {@code --version})
     */
    PipeRun run(Map<String, String> variables, Map<String, List<String>> lists, Path clone, String... args);

    /** A name for test reports. */
    String name();

    /** A finished run: its exit code and everything it printed (stdout and stderr, in order). */
    record PipeRun(int exitCode, String output) {
        public List<String> lines() {
            return output.lines().toList();
        }

        /** The first {@code ✖} line, or a placeholder that no assertion mistakes for one. */
        public String failureLine() {
            return lines().stream().filter(l -> l.startsWith("✖")).findFirst().orElse("(no ✖ line)");
        }
    }

    /** Bitbucket's form of list variables: {@code NAME_COUNT} and {@code NAME_i}. */
    static void splitLists(Map<String, List<String>> lists, Map<String, String> into) {
        lists.forEach((name, values) -> {
            into.put(name + "_COUNT", Integer.toString(values.size()));
            for (int i = 0; i < values.size(); i++) {
                into.put(name + "_" + i, values.get(i));
            }
        });
    }
}
