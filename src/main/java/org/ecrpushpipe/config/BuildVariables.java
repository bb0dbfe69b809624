package org.ecrpushpipe.config;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import org.ecrpushpipe.dockerfile.Dockerfile;

/**
 * Reads the build options (BUILD_ARGS, BUILD_SECRETS, TARGET, LABELS, NO_CACHE, PULL, BUILDER, BUILD_NETWORK),
 * LOCAL_IMAGE, and the commit the step runs for into one {@link BuildSettings}. Build-argument values are never
 * quoted in a problem: they may be the user's secrets.
 */
final class BuildVariables {
    /** A build argument's name: what a Dockerfile's {@code ARG} can declare and a shell can expand. */
    private static final Pattern ARG_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    /**
     * The variables that ask for a build: none of them may come with LOCAL_IMAGE. BUILDER and BUILD_NETWORK only say
     * how to build, when there is a build: they may be set for a whole repository, and a run that builds nothing
     * leaves them unused.
     */
    static final List<Variable> BUILD_ONLY = List.of(Variable.DOCKERFILE, Variable.BUILD_CONTEXT,
            Variable.BUILD_ARGS, Variable.BUILD_SECRETS, Variable.TARGET, Variable.LABELS, Variable.NO_CACHE,
            Variable.PULL);

    private final VariableReader reader;

    BuildVariables(VariableReader reader) {
        this.reader = reader;
    }

    BuildSettings read() {
        Optional<String> localImage = reader.value(Variable.LOCAL_IMAGE);
        if (localImage.isPresent()) {
            List<String> conflicting = BUILD_ONLY.stream().filter(reader::isSet).map(Variable::name).toList();
            // with SOURCE_TAG, SOURCE_DIGEST or PLATFORM_TAGS, that variable's one problem already names them all,
            // LOCAL_IMAGE too
            boolean promotion = reader.isSet(Variable.SOURCE_TAG) || reader.isSet(Variable.SOURCE_DIGEST)
                    || reader.isSet(Variable.PLATFORM_TAGS);
            if (!conflicting.isEmpty() && !promotion) {
                reader.problem(Variable.LOCAL_IMAGE, "LOCAL_IMAGE pushes an image already built, so "
                        + String.join(", ", conflicting) + (conflicting.size() == 1 ? " has" : " have")
                        + " nothing to build; remove " + (conflicting.size() == 1 ? "it" : "them")
                        + ", or remove LOCAL_IMAGE to let the pipe build");
            }
            if (!localImage.get().matches("[\\x21-\\x7e]+")) {
                reader.problem(Variable.LOCAL_IMAGE, "'" + localImage.get()
                        + "' is not an image name or id (one word, like my-app or my-app:1.0)");
            }
        }
        List<BuildArg> buildArgs = readBuildArgs();
        Optional<String> target = reader.value(Variable.TARGET);
        target.filter(t -> !t.matches("[A-Za-z0-9][A-Za-z0-9_.-]*")).ifPresent(t -> reader.problem(Variable.TARGET,
                "'" + t + "' is not a stage name (letters, digits, '_', '.' and '-')"));
        Map<String, String> labels = readLabels();
        boolean noCache = reader.flag(Variable.NO_CACHE);
        boolean pull = reader.flag(Variable.PULL);
        Optional<String> ref = reader.bitbucket(VariableReader.Context.BITBUCKET_TAG)
                .or(() -> reader.bitbucket(VariableReader.Context.BITBUCKET_BRANCH));
        BuildSettings.Commit commit = new BuildSettings.Commit(
                reader.bitbucket(VariableReader.Context.BITBUCKET_COMMIT),
                reader.bitbucket(VariableReader.Context.BITBUCKET_GIT_HTTP_ORIGIN), ref);
        BuildSettings.Builder builder = readBuilder();
        return new BuildSettings(localImage, buildArgs, target, labels, noCache, pull, commit, builder,
                readNetwork(), readSecrets(builder));
    }

    /** BUILD_SECRETS; only BuildKit serves secrets to a build. */
    private List<BuildSecret> readSecrets(BuildSettings.Builder builder) {
        List<BuildSecret> secrets = new SecretVariables(reader).read();
        if (builder == BuildSettings.Builder.CLASSIC && reader.isSet(Variable.BUILD_SECRETS)) {
            reader.problem(Variable.BUILD_SECRETS, "build secrets need BuildKit, but BUILDER is classic; set BUILDER:"
                    + " auto (or buildkit), or remove BUILD_SECRETS");
        }
        return secrets;
    }

    private BuildSettings.Builder readBuilder() {
        Optional<String> written = reader.value(Variable.BUILDER);
        if (written.isEmpty()) {
            return BuildSettings.Builder.AUTO;
        }
        for (BuildSettings.Builder builder : BuildSettings.Builder.values()) {
            if (builder.name().equalsIgnoreCase(written.get())) {
                return builder;
            }
        }
        reader.problem(Variable.BUILDER, "'" + written.get() + "' is not one of auto, buildkit, classic");
        return BuildSettings.Builder.AUTO;
    }

    private String readNetwork() {
        Optional<String> written = reader.value(Variable.BUILD_NETWORK).map(n -> n.toLowerCase(Locale.ROOT));
        if (written.isPresent() && !BuildSettings.NETWORKS.contains(written.get())) {
            reader.problem(Variable.BUILD_NETWORK, "'" + reader.value(Variable.BUILD_NETWORK).get() + "' is not one of "
                    + String.join(", ", BuildSettings.NETWORKS) + " (docker build --network's values the pipe takes)");
            return BuildSettings.NETWORKS.get(0);
        }
        return written.orElse(BuildSettings.NETWORKS.get(0));
    }

    /**
     * Checks that TARGET names a stage of the Dockerfile, before anything is built.
     *
     * @param written the Dockerfile as DOCKERFILE names it, for the message
     */
    void checkTarget(BuildSettings settings, Path dockerfile, String written) {
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
            reader.problem(Variable.TARGET, "'" + target + "' is not a stage of " + written + ", which "
                    + (stages.isEmpty() ? "names no stage (no FROM … AS name line)"
                    : "has the stage" + (stages.size() == 1 ? " " : "s ") + String.join(", ", stages)));
        }
    }

    private List<BuildArg> readBuildArgs() {
        List<BuildArg> args = new ArrayList<>();
        int position = 0;
        for (String item : reader.list(Variable.BUILD_ARGS).orElse(List.of())) {
            position++;
            int equals = item.indexOf('=');
            String name = equals < 0 ? item : item.substring(0, equals);
            if (!ARG_NAME.matcher(name).matches()) {
                // the value is never quoted: it may be a secret
                reader.problem(Variable.BUILD_ARGS, "item " + position + " is not KEY=VALUE or KEY: "
                        + (name.isEmpty() ? "its name is empty" : "its name '" + name + "' is not a build argument"
                        + " name (letters, digits and '_', not starting with a digit)"));
                continue;
            }
            if (equals >= 0) {
                String value = item.substring(equals + 1);
                if (value.codePoints().anyMatch(c -> Character.isISOControl(c) && c != '\t')) {
                    reader.problem(Variable.BUILD_ARGS, "the value of " + name
                            + " holds a line break or control character (value not shown)");
                    continue;
                }
                args.add(new BuildArg(name, Optional.of(value)));
            } else {
                // as docker build --build-arg KEY: the pipe's variable of that name, when it is set (even empty)
                args.add(new BuildArg(name, reader.passedThrough(name)));
            }
        }
        return args;
    }

    private Map<String, String> readLabels() {
        Map<String, String> labels = new LinkedHashMap<>();
        for (String item : reader.list(Variable.LABELS).orElse(List.of())) {
            int equals = item.indexOf('=');
            if (equals <= 0) {
                reader.problem(Variable.LABELS, "'" + item + "' is not key=value"
                        + (equals == 0 ? " (the key is empty)" : ""));
                continue;
            }
            labels.put(item.substring(0, equals), item.substring(equals + 1));
        }
        return labels;
    }
}
