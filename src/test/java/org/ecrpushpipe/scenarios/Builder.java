package org.ecrpushpipe.scenarios;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The engine's builder a scenario runs the pipe with, and how the build output the pipe streams reads under it: the
 * classic builder's {@code Step 2/3 : RUN …}, the command's own lines as they are, {@code  ---> Using cache}; or
 * BuildKit's plain progress, {@code #4 [2/3] RUN …}, {@code #4 0.213 a line of the command}, {@code #4 CACHED},
 * {@code #4 DONE 0.3s}. BuildKit is what users get by default ({@code BUILDER} unset: {@code auto} picks it on the
 * bed's engine, as on Bitbucket's); the classic builder is asked for with {@code BUILDER: classic}.
 */
public enum Builder {
    BUILDKIT(Optional.empty(), "BuildKit"),
    CLASSIC(Optional.of("classic"), "the classic builder");

    /** A Dockerfile step's header: {@code Step 2/3 : RUN …}. */
    private static final Pattern CLASSIC_STEP = Pattern.compile("^Step (\\d+)/\\d+ : (.*)$", Pattern.MULTILINE);
    /** A Dockerfile step's block header: {@code #4 [2/3] RUN …}, {@code #7 [stage-1 1/2] COPY …}. */
    private static final Pattern BUILDKIT_STEP = Pattern.compile("^#(\\d+) \\[(?:[^\\]]* )?(\\d+)/\\d+] (.*)$",
            Pattern.MULTILINE);

    private final Optional<String> variable;
    private final String said;

    Builder(Optional<String> variable, String said) {
        this.variable = variable;
        this.said = said;
    }

    /** {@code env} with BUILDER set for this builder (left unset for BuildKit, the default). */
    public Map<String, String> in(Map<String, String> env) {
        variable.ifPresent(value -> env.put("BUILDER", value));
        return env;
    }

    /** The line a run that builds prints once, before building: which builder, on which engine. */
    public String announcement() {
        return "INFO: Building with " + said + " on Docker ";
    }

    /**
     * Runs every run of {@code inner} with this builder, and fails a run that said it built with another: a scenario
     * class named for a builder proves that builder, not the default.
     */
    public Launcher launching(Launcher inner) {
        Builder builder = this;
        return new Launcher() {
            @Override
            public PipeRun run(Map<String, String> variables, Map<String, List<String>> lists, Path clone,
                               String... args) {
                PipeRun run = inner.run(builder.in(new HashMap<>(variables)), lists, clone, args);
                builder.assertBuiltWithIt(run.output());
                return run;
            }

            @Override
            public String name() {
                return inner.name();
            }
        };
    }

    /** Fails when the output says the build ran with another builder than this one. */
    public void assertBuiltWithIt(String output) {
        List<String> said = output.lines().filter(l -> l.startsWith("INFO: Building with ")).toList();
        if (!said.isEmpty()) {
            assertEquals(1, said.size(), "the builder is named once: " + output);
            assertTrue(said.get(0).startsWith(announcement()), "built with " + this + ": " + output);
        }
    }

    /** Whether the output shows a step of the Dockerfile begun: {@code Step 1/3 : …}, {@code #3 [1/3] …}. */
    public boolean showsAStep(String output) {
        return (this == CLASSIC ? CLASSIC_STEP : BUILDKIT_STEP).matcher(output).find();
    }

    /**
     * Whether the output holds any of the build's own output: a step under the classic builder, any block of
     * BuildKit's progress (its context transfer included). False for a run that never started its build.
     */
    public boolean showsBuildOutput(String output) {
        return this == CLASSIC ? showsAStep(output) : Pattern.compile("^#\\d+ ", Pattern.MULTILINE).matcher(output)
                .find();
    }

    /**
     * Whether a line is one of the build's own: a step's header and the builder's own lines ({@code  ---> …}) under the
     * classic builder, which shows a command's lines as they are; any line of a block of BuildKit's plain progress.
     */
    public boolean isBuildLine(String line) {
        return this == CLASSIC ? line.matches("Step \\d+/\\d+ : .*| --->.*|Successfully built .*"
                + "|Removing intermediate container .*") : line.matches("#\\d+ .*");
    }

    /** The index of the first line of the build's own output, or -1 when there is none. */
    public int firstBuildLine(List<String> lines) {
        for (int i = 0; i < lines.size(); i++) {
            if (showsBuildOutput(lines.get(i))) {
                return i;
            }
        }
        return -1;
    }

    /**
     * A regular expression of a Dockerfile step as the pipe names it in a failure: {@code Step 4/4 : RUN …} or
     * {@code [4/4] RUN …}.
     *
     * @param instruction a regular expression of the instruction, as the Dockerfile writes it
     */
    public String step(String instruction) {
        return this == CLASSIC ? "Step \\d+/\\d+ : " + instruction : "\\[\\d+/\\d+] " + instruction;
    }

    /**
     * A regular expression of the engine's words for a shell-form RUN whose command exited with {@code code}.
     *
     * @param command a regular expression of the command, as the Dockerfile writes it after {@code RUN}
     */
    public String commandFailed(String command, int code) {
        return this == CLASSIC ? "The command '/bin/sh -c " + command + "' returned a non-zero code: " + code
                : "executor failed running \\[/bin/sh -c " + command + "]: exit code: " + code;
    }

    /** A regular expression of a line a RUN step's command printed, as the output shows it. */
    public String commandLine(String text) {
        return this == CLASSIC ? "^" + text + "$" : "^#\\d+ \\d+\\.\\d+ " + text + "$";
    }

    /** Whether the output shows a line a RUN step's command printed. */
    public boolean printed(String output, String text) {
        return Pattern.compile(commandLine(Pattern.quote(text)), Pattern.MULTILINE).matcher(output).find();
    }

    /**
     * Whether the output shows the step {@code instruction} (as the Dockerfile writes it, e.g. {@code RUN date})
     * taken from a cache, not run: {@code  ---> Using cache} after its header, or {@code #n CACHED} in its block.
     */
    public boolean cached(String output, String instruction) {
        List<Step> steps = steps(output).stream().filter(s -> s.instruction().equals(instruction)).toList();
        if (steps.isEmpty()) {
            throw new AssertionError("no step " + instruction + " in the output: " + output);
        }
        return steps.stream().allMatch(s -> s.cached(output));
    }

    /** Whether any step of the Dockerfile was taken from a cache. */
    public boolean anyCached(String output) {
        return steps(output).stream().anyMatch(s -> s.cached(output));
    }

    /** Whether every step of the Dockerfile (its FROM lines aside) was taken from a cache; there is one at least. */
    public boolean allCached(String output) {
        List<Step> steps = steps(output).stream().filter(s -> !s.instruction().startsWith("FROM ")).toList();
        return !steps.isEmpty() && steps.stream().allMatch(s -> s.cached(output));
    }

    /** A step of the Dockerfile as the output shows it: its block (BuildKit) or its position, and its instruction. */
    private record Step(Builder builder, String block, String instruction, int end) {
        boolean cached(String output) {
            if (builder == CLASSIC) {
                // the line after the header
                int next = output.indexOf('\n', end);
                return next >= 0 && output.startsWith(" ---> Using cache\n", next + 1);
            }
            return Pattern.compile("^#" + block + " CACHED$", Pattern.MULTILINE).matcher(output).find();
        }
    }

    private List<Step> steps(String output) {
        Matcher m = (this == CLASSIC ? CLASSIC_STEP : BUILDKIT_STEP).matcher(output);
        List<Step> steps = new ArrayList<>();
        while (m.find()) {
            steps.add(this == CLASSIC ? new Step(this, m.group(1), m.group(2), m.end())
                    : new Step(this, m.group(1), m.group(3), m.end()));
        }
        return steps;
    }
}
