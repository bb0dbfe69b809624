package org.ecrpushpipe.scenarios;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.ecrpushpipe.docker.BuilderKind;

/**
 * One Dockerfile of the oracle table ({@link OracleTable}): what the clone holds, the pipe's variables (from which the
 * {@code docker build} arguments follow), and what each builder makes of it. The context always holds the static
 * busybox ({@code busybox}), {@code app.txt}, and {@code unique.txt} with a token of its own per build, so no earlier
 * build's cache answers for the docker CLI.
 *
 * @param key               a short name, for repositories and directories
 * @param title             what the row is about, as test reports show it
 * @param dockerfile        the Dockerfile's text
 * @param dockerfilePath    where the Dockerfile is, relative to the clone
 * @param context           the build context, relative to the clone ({@code BUILD_CONTEXT}; {@code .} the clone)
 * @param files             more files, relative to the clone
 * @param setup             what else to make in the clone (links, archives)
 * @param variables         the pipe's variables; {@code BUILD_ARGS}, {@code TARGET}, {@code LABELS} and
 *                          {@code DOCKERFILE} become the CLI's {@code --build-arg}, {@code --target}, {@code --label}
 *                          and {@code -f}
 * @param environment       the environment of both (the value of a bare build argument)
 * @param classic           what the classic builder does on the main engine (Docker 20.10)
 * @param buildKit          what BuildKit does on the main engine (Docker 20.10, Dockerfile frontend 1.2)
 * @param current           what BuildKit does on the bed's current engine
 * @param copiesContextRoot whether the image holds the whole context ({@code COPY . …}): under BuildKit the pipe's
 *                          tar body then never gives the CLI's image id, and the files are compared instead
 */
record OracleRow(String key, String title, String dockerfile, String dockerfilePath, String context,
                 Map<String, String> files, Setup setup, Map<String, String> variables,
                 Map<String, String> environment, Outcome classic, Outcome buildKit, Outcome current,
                 boolean copiesContextRoot) {

    /** What a builder does with the row: builds it, or fails with the pipe's exit code and a part of its ✖ line. */
    record Outcome(int exitCode, String failure) {
        static final Outcome BUILDS = new Outcome(0, "");

        static Outcome fails(int exitCode, String failure) {
            return new Outcome(exitCode, failure);
        }

        boolean builds() {
            return exitCode == 0;
        }

        @Override
        public String toString() {
            return builds() ? "builds" : "fails (exit " + exitCode + ", ✖ … " + failure + " …)";
        }
    }

    /** Makes more of the clone, in its directory. */
    @FunctionalInterface
    interface Setup {
        void make(Path clone) throws IOException, InterruptedException;
    }

    /** What the builder {@code kind} does with it on the main engine, or on the current one. */
    Outcome expected(BuilderKind kind, boolean currentEngine) {
        if (kind == BuilderKind.CLASSIC) {
            return classic;
        }
        return currentEngine ? current : buildKit;
    }

    /** The {@code docker build} arguments that ask what the variables ask. */
    List<String> cliArguments() {
        List<String> args = new ArrayList<>();
        for (String item : split(variables.get("BUILD_ARGS"))) {
            args.addAll(List.of("--build-arg", item));
        }
        Optional.ofNullable(variables.get("TARGET")).ifPresent(t -> args.addAll(List.of("--target", t)));
        for (String label : split(variables.get("LABELS"))) {
            args.addAll(List.of("--label", label));
        }
        Optional.ofNullable(variables.get("DOCKERFILE")).ifPresent(f -> args.addAll(List.of("-f", f)));
        return args;
    }

    private static List<String> split(String value) {
        return value == null ? List.of() : List.of(value.trim().split("\\s+"));
    }

    @Override
    public String toString() {
        return title;
    }

    /** Starts a row whose Dockerfile (in the clone's root, the context) has these lines. */
    static Builder row(String key, String title, String... lines) {
        return new Builder(key, title, String.join("\n", lines) + "\n");
    }

    /** A row under construction: by default every builder builds it, on both engines. */
    static final class Builder {
        private final String key;
        private final String title;
        private final String dockerfile;
        private String dockerfilePath = "Dockerfile";
        private String context = ".";
        private final Map<String, String> files = new LinkedHashMap<>();
        private Setup setup = clone -> { };
        private final Map<String, String> variables = new LinkedHashMap<>();
        private final Map<String, String> environment = new LinkedHashMap<>();
        private Outcome classic = Outcome.BUILDS;
        private Outcome buildKit = Outcome.BUILDS;
        private Optional<Outcome> current = Optional.empty();
        private boolean copiesContextRoot;

        private Builder(String key, String title, String dockerfile) {
            this.key = key;
            this.title = title;
            this.dockerfile = dockerfile;
        }

        Builder file(String path, String content) {
            files.put(path, content);
            return this;
        }

        Builder setup(Setup more) {
            setup = more;
            return this;
        }

        Builder variable(String name, String value) {
            variables.put(name, value);
            return this;
        }

        Builder environment(String name, String value) {
            environment.put(name, value);
            return this;
        }

        /**
         * The Dockerfile at {@code dockerfilePath} and the context at {@code context}, both in the clone: the
         * variables {@code DOCKERFILE} (relative to the context, as the CLI's {@code -f} run in the context) and
         * {@code BUILD_CONTEXT} say so.
         */
        Builder layout(String dockerfilePath, String context) {
            this.dockerfilePath = dockerfilePath;
            this.context = context;
            if (!context.equals(".")) {
                variables.put("BUILD_CONTEXT", context);
            }
            variables.put("DOCKERFILE", context.equals(".") ? dockerfilePath
                    : Path.of(context).relativize(Path.of(dockerfilePath)).toString());
            return this;
        }

        Builder classic(Outcome outcome) {
            classic = outcome;
            return this;
        }

        /** What BuildKit does on the main engine, and on the current one unless {@link #current} says otherwise. */
        Builder buildKit(Outcome outcome) {
            buildKit = outcome;
            return this;
        }

        Builder current(Outcome outcome) {
            current = Optional.of(outcome);
            return this;
        }

        Builder copiesContextRoot() {
            copiesContextRoot = true;
            return this;
        }

        OracleRow build() {
            return new OracleRow(key, title, dockerfile, dockerfilePath, context, Map.copyOf(files), setup,
                    Map.copyOf(variables), Map.copyOf(environment), classic, buildKit, current.orElse(buildKit),
                    copiesContextRoot);
        }
    }
}
