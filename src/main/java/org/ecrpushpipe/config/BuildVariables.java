package org.ecrpushpipe.config;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.regex.Pattern;

import org.ecrpushpipe.dockerfile.Dockerfile;

/**
 * Reads the build options (BUILD_ARGS, TARGET, LABELS, NO_CACHE, PULL), LOCAL_IMAGE, and the commit the step runs
 * for into one {@link BuildSettings}, reporting problems to the caller. Build-argument values are never quoted in a
 * problem: they may be the user's secrets.
 */
final class BuildVariables {
    /** A build argument's name: what a Dockerfile's {@code ARG} can declare and a shell can expand. */
    private static final Pattern ARG_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern LIST_INDEX = Pattern.compile("\\d{1,4}");
    /** The variables that only a build uses: none of them may come with LOCAL_IMAGE. */
    static final List<Variable> BUILD_ONLY = List.of(Variable.DOCKERFILE, Variable.BUILD_CONTEXT,
            Variable.BUILD_ARGS, Variable.TARGET, Variable.LABELS, Variable.NO_CACHE, Variable.PULL);

    private final Map<String, String> env;
    private final BiConsumer<Variable, String> problems;

    private BuildVariables(Map<String, String> env, BiConsumer<Variable, String> problems) {
        this.env = env;
        this.problems = problems;
    }

    /** Reads the settings; problems go to {@code problems}, each under its variable. */
    static BuildSettings read(Map<String, String> env, BiConsumer<Variable, String> problems) {
        return new BuildVariables(env, problems).read();
    }

    private BuildSettings read() {
        Optional<String> localImage = set(Variable.LOCAL_IMAGE.name());
        if (localImage.isPresent()) {
            List<String> conflicting = BUILD_ONLY.stream().map(Variable::name)
                    .filter(n -> set(n).isPresent() || set(n + "_COUNT").isPresent()).toList();
            // with SOURCE_TAG or SOURCE_DIGEST, the promotion's one problem already names them all, LOCAL_IMAGE too
            boolean promotion = set(Variable.SOURCE_TAG.name()).isPresent()
                    || set(Variable.SOURCE_DIGEST.name()).isPresent();
            if (!conflicting.isEmpty() && !promotion) {
                problems.accept(Variable.LOCAL_IMAGE, "LOCAL_IMAGE pushes an image already built, so "
                        + String.join(", ", conflicting) + (conflicting.size() == 1 ? " has" : " have")
                        + " nothing to build; remove " + (conflicting.size() == 1 ? "it" : "them")
                        + ", or remove LOCAL_IMAGE to let the pipe build");
            }
            if (!localImage.get().matches("[\\x21-\\x7e]+")) {
                problems.accept(Variable.LOCAL_IMAGE, "'" + ConfigReader.printable(localImage.get())
                        + "' is not an image name or id (one word, like my-app or my-app:1.0)");
            }
        }
        List<BuildArg> buildArgs = readBuildArgs();
        Optional<String> target = set(Variable.TARGET.name());
        target.filter(t -> !t.matches("[A-Za-z0-9][A-Za-z0-9_.-]*")).ifPresent(t -> problems.accept(Variable.TARGET,
                "'" + ConfigReader.printable(t) + "' is not a stage name (letters, digits, '_', '.' and '-')"));
        Map<String, String> labels = readLabels();
        boolean noCache = readBoolean(Variable.NO_CACHE);
        boolean pull = readBoolean(Variable.PULL);
        String ref = set("BITBUCKET_TAG").or(() -> set("BITBUCKET_BRANCH")).orElse(null);
        BuildSettings.Commit commit = new BuildSettings.Commit(set("BITBUCKET_COMMIT"),
                set("BITBUCKET_GIT_HTTP_ORIGIN"), Optional.ofNullable(ref));
        return new BuildSettings(localImage, buildArgs, target, labels, noCache, pull, commit);
    }

    /**
     * Checks that TARGET names a stage of the Dockerfile, before anything is built.
     *
     * @param written the Dockerfile as DOCKERFILE names it, for the message
     */
    static void checkTarget(BuildSettings settings, Path dockerfile, String written,
                            BiConsumer<Variable, String> problems) {
        if (settings.target().isEmpty()) {
            return;
        }
        String target = settings.target().get();
        List<String> stages;
        try {
            stages = Dockerfile.read(dockerfile).stageNames();
        } catch (IOException e) {
            return; // the Dockerfile's own check has said why it cannot be read
        }
        if (!stages.contains(target.toLowerCase(Locale.ROOT))) {
            problems.accept(Variable.TARGET, "'" + target + "' is not a stage of " + written + ", which "
                    + (stages.isEmpty() ? "names no stage (no FROM … AS name line)"
                    : "has the stage" + (stages.size() == 1 ? " " : "s ") + String.join(", ", stages)));
        }
    }

    /** Items of a list variable: Bitbucket's list form (NAME_COUNT, NAME_0, …) one item each, else split on blanks. */
    private List<String> items(Variable variable) {
        String name = variable.name();
        Optional<String> count = set(name + "_COUNT");
        if (count.isPresent()) {
            if (!LIST_INDEX.matcher(count.get()).matches()) {
                problems.accept(variable, name + "_COUNT is '" + ConfigReader.printable(count.get())
                        + "', not a number of items (0 to 9999)");
                return List.of();
            }
            List<String> items = new ArrayList<>();
            int missing = 0;
            for (int i = 0; i < Integer.parseInt(count.get()); i++) {
                Optional<String> item = set(name + "_" + i);
                if (item.isPresent()) {
                    items.add(item.get());
                } else {
                    missing++;
                }
            }
            if (missing > 0) {
                problems.accept(variable, name + "_COUNT is " + count.get() + " but " + missing + " of its items "
                        + (missing == 1 ? "is" : "are") + " not set");
            }
            return items;
        }
        return set(name).map(v -> List.of(v.split("\\s+"))).orElse(List.of());
    }

    private List<BuildArg> readBuildArgs() {
        List<BuildArg> args = new ArrayList<>();
        int position = 0;
        for (String item : items(Variable.BUILD_ARGS)) {
            position++;
            int equals = item.indexOf('=');
            String name = equals < 0 ? item : item.substring(0, equals);
            if (!ARG_NAME.matcher(name).matches()) {
                // the value is never quoted: it may be a secret
                problems.accept(Variable.BUILD_ARGS, "item " + position + " is not KEY=VALUE or KEY: "
                        + (name.isEmpty() ? "its name is empty" : "its name '" + ConfigReader.printable(name)
                        + "' is not a build argument name (letters, digits and '_', not starting with a digit)"));
                continue;
            }
            if (equals >= 0) {
                String value = item.substring(equals + 1);
                if (value.codePoints().anyMatch(c -> Character.isISOControl(c) && c != '\t')) {
                    problems.accept(Variable.BUILD_ARGS, "the value of " + name
                            + " holds a line break or control character (value not shown)");
                    continue;
                }
                args.add(new BuildArg(name, Optional.of(value)));
            } else {
                // as docker build --build-arg KEY: the pipe's variable of that name, when it is set (even empty)
                args.add(new BuildArg(name, Optional.ofNullable(env.get(name))));
            }
        }
        return args;
    }

    private Map<String, String> readLabels() {
        Map<String, String> labels = new LinkedHashMap<>();
        for (String item : items(Variable.LABELS)) {
            int equals = item.indexOf('=');
            if (equals <= 0) {
                problems.accept(Variable.LABELS, "'" + ConfigReader.printable(item) + "' is not key=value"
                        + (equals == 0 ? " (the key is empty)" : ""));
                continue;
            }
            labels.put(item.substring(0, equals), item.substring(equals + 1));
        }
        return labels;
    }

    private boolean readBoolean(Variable variable) {
        Optional<String> value = set(variable.name());
        if (value.isEmpty()) {
            return false;
        }
        String v = value.get().toLowerCase(Locale.ROOT);
        if (!v.equals("true") && !v.equals("false")) {
            problems.accept(variable, "'" + ConfigReader.printable(value.get()) + "' is neither true nor false");
        }
        return v.equals("true");
    }

    /** A variable's value, trimmed; empty when unset or blank (Bitbucket passes an unset $VAR as ""). */
    private Optional<String> set(String name) {
        String v = env.get(name);
        return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.strip());
    }
}
