package org.ecrpushpipe.docker.engine;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.ecrpushpipe.errors.BuildProblem;

/**
 * Classifies the error a classic build ended with (the engine's own words, from the build's message stream or its
 * refusal of the request) into a {@link BuildProblem}. The classic builder's wording is known here only.
 */
final class BuildErrors {
    private static final Pattern NON_ZERO = Pattern.compile("returned a non-zero code: (\\d+)");

    private BuildErrors() {
    }

    /**
     * @param step the step the error came in ({@code Step 1/3 : FROM …}): a registry error while a FROM step runs is
     *             the base image that could not be pulled, whatever words the registry used
     */
    static BuildProblem classify(String message, Optional<String> step) {
        BuildProblem problem = classify(message);
        boolean fromStep = step.filter(s -> s.matches("(?i)Step \\d+/\\d+ : FROM\\b.*")).isPresent();
        return problem == BuildProblem.OTHER && fromStep ? BuildProblem.BASE_IMAGE : problem;
    }

    static BuildProblem classify(String message) {
        String lower = message.toLowerCase(Locale.ROOT);
        Matcher code = NON_ZERO.matcher(message);
        if (code.find()) {
            // 137 = 128 + SIGKILL: the kernel's OOM killer (or the engine's memory limit) killed the command
            return code.group(1).equals("137") ? BuildProblem.STEP_KILLED : BuildProblem.STEP_FAILED;
        }
        if (lower.contains("dockerfile parse error") || lower.contains("cannot be empty")
                || lower.contains("unknown instruction") || lower.contains("unknown flag")
                || lower.contains("failed to process") || lower.contains("no build stage")
                || lower.contains("dockerfile") && lower.contains("syntax")
                || lower.contains("requires at least") || lower.contains("requires exactly")
                || lower.contains("invalid reference format")) {
            return BuildProblem.DOCKERFILE;
        }
        if (lower.contains("pull access denied") || lower.contains("manifest unknown")
                || lower.contains("not found: manifest") || lower.contains("repository does not exist or may require")
                || lower.contains("error pulling image") || lower.contains("failed to resolve reference")) {
            return BuildProblem.BASE_IMAGE;
        }
        if (lower.contains("copy failed") || lower.contains("add failed")
                || lower.contains("not found in build context") || lower.contains("outside the build context")
                || lower.contains("forbidden path outside")) {
            return BuildProblem.CONTEXT_FILE;
        }
        return BuildProblem.OTHER;
    }
}
