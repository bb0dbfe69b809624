package org.ecrpushpipe.docker.engine;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.ecrpushpipe.errors.BuildProblem;

/**
 * Classifies the error a BuildKit build ended with (the engine's final message, and the vertex that failed, as
 * plain output names it) into a {@link BuildProblem}. BuildKit's wording is known here only; what the classic
 * builder's wording shares with it (a Dockerfile the parser refuses, a pull refused) is taken from
 * {@link BuildErrors}.
 */
final class BuildKitErrors {
    /**
     * A command's exit code: {@code executor failed running [/bin/sh -c …]: exit code: 3} (BuildKit 0.8, Docker
     * 20.10), {@code process "/bin/sh -c …" did not complete successfully: exit code: 3} (Docker 23 and later).
     */
    private static final Pattern EXIT_CODE = Pattern.compile(
            "(?:executor failed running \\[.*]|did not complete successfully): exit code: (\\d+)", Pattern.DOTALL);
    private static final Pattern UNKNOWN_FLAG = Pattern.compile("Unknown flag: ([\\w-]+)");
    /**
     * Flags that Dockerfile frontends newer than 1.2 (BuildKit 0.8 in Docker 20.10) know: {@code COPY --link}
     * (1.4), {@code ADD --keep-git-dir} (1.5), {@code ADD --checksum} and {@code HEALTHCHECK --start-interval}
     * (1.6), {@code COPY --parents} and {@code --exclude} (1.7 and later), {@code ADD --unpack}, {@code RUN --device}.
     */
    private static final Set<String> NEWER_FLAGS = Set.of("link", "keep-git-dir", "checksum", "start-interval",
            "parents", "exclude", "unpack", "device");
    /** A vertex of a Dockerfile's RUN step: {@code [stage-1 2/3] RUN …}. */
    private static final Pattern RUN_STEP = Pattern.compile("\\[[^\\]]*\\b\\d+/\\d+] RUN .*", Pattern.DOTALL);
    /** BuildKit's vertexes that resolve or pull an image: {@code [internal] load metadata for …}, a FROM step. */
    private static final Pattern IMAGE_STEP = Pattern.compile(
            "\\[internal] load metadata for .*|\\[[^\\]]*\\b\\d+/\\d+] FROM .*", Pattern.DOTALL);

    private BuildKitErrors() {
    }

    /**
     * @param message   the engine's final error
     * @param step      the vertex that failed, when one did (a Dockerfile the frontend refuses fails none)
     * @param heredocs  whether the Dockerfile has here-documents: only then is an unknown instruction the body of
     *                  one, which a frontend without here-documents reads as instructions
     */
    static BuildProblem classify(String message, Optional<String> step, BooleanSupplier heredocs) {
        String lower = message.toLowerCase(Locale.ROOT);
        Matcher code = EXIT_CODE.matcher(message);
        if (lower.contains("network bridge not found")
                || lower.contains("network mode") && lower.contains("not supported by buildkit")) {
            return BuildProblem.NETWORK_UNAVAILABLE;
        }
        if (code.find()) {
            // 137 = 128 + SIGKILL: the kernel's OOM killer killed the command
            return code.group(1).equals("137") ? BuildProblem.STEP_KILLED : BuildProblem.STEP_FAILED;
        }
        if (lower.contains("secret") && lower.contains("not found")
                && step.filter(s -> RUN_STEP.matcher(s).matches() && s.contains("type=secret")).isPresent()) {
            return BuildProblem.SECRET_MISSING;
        }
        if (lower.contains("no active sessions")) {
            return step.filter(s -> RUN_STEP.matcher(s).matches()).isPresent()
                    ? BuildProblem.SESSION_NEEDED : BuildProblem.BASE_IMAGE;
        }
        if (tooNew(message, heredocs)) {
            return BuildProblem.FRONTEND_TOO_OLD;
        }
        if (step.filter(s -> IMAGE_STEP.matcher(s).matches()).isPresent()) {
            return BuildProblem.BASE_IMAGE;
        }
        if (lower.contains("failed to compute cache key") || lower.contains("failed to calculate checksum")) {
            return BuildProblem.CONTEXT_FILE;
        }
        return BuildErrors.classify(message);
    }

    /** Syntax a newer frontend reads: one of its flags, or an instruction that is a here-document's body. */
    private static boolean tooNew(String message, BooleanSupplier heredocs) {
        Matcher flag = UNKNOWN_FLAG.matcher(message);
        if (flag.find() && NEWER_FLAGS.contains(flag.group(1))) {
            return true;
        }
        return message.contains("unknown instruction") && heredocs.getAsBoolean();
    }
}
