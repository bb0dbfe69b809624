package org.ecrpushpipe.errors;

import java.util.List;

/**
 * A failure the pipe explains to its user: a one-line cause, a one-line hint, and the exit code of its class.
 * Adapters translate library exceptions into these at their boundary; the CLI's error reporter is the only
 * place that turns one into output and an exit code. Messages never carry secrets.
 */
public abstract sealed class PipeException extends RuntimeException
        permits PipeException.Configuration, PipeException.Authentication, PipeException.DockerEngine,
        PipeException.Build, PipeException.Push, PipeException.Cancelled, PipeException.ScanGate,
        PipeException.ScanIncomplete {

    private final String hint;
    private final ExitCode exitCode;

    protected PipeException(ExitCode exitCode, String cause, String hint, Throwable origin) {
        super(cause, origin);
        this.hint = hint;
        this.exitCode = exitCode;
    }

    /** What the user can do about it, one line; may be empty. */
    public String hint() {
        return hint;
    }

    /** The exit code of this failure's class. */
    public final ExitCode exitCode() {
        return exitCode;
    }

    /** Lines that show the failure (a failed build step's last output), printed before its {@code ✖} line. */
    public List<String> shownLines() {
        return List.of();
    }

    /** Configuration problems, all of them at once: each names the variable and what is wrong with it. */
    public static final class Configuration extends PipeException {
        private final List<Problem> problems;

        /** One problem with one variable. */
        public record Problem(String variable, String message) {
        }

        public Configuration(List<Problem> problems) {
            super(ExitCode.CONFIGURATION, "Validation errors:",
                    "set the variables in the pipe's 'variables:' block; README lists them all", null);
            this.problems = List.copyOf(problems);
        }

        /** Every problem found, in the order of the variable registry. */
        public List<Problem> problems() {
            return problems;
        }
    }

    /** AWS refused the credentials, or the IAM policy denies an action the pipe needs. */
    public static final class Authentication extends PipeException {
        public Authentication(String cause, String hint, Throwable origin) {
            super(ExitCode.AUTHENTICATION, cause, hint, origin);
        }
    }

    /** The Docker engine cannot be reached or refused an operation unrelated to building or pushing. */
    public static final class DockerEngine extends PipeException {
        public DockerEngine(String cause, String hint, Throwable origin) {
            super(ExitCode.DOCKER_ENGINE, cause, hint, origin);
        }
    }

    /** The image build failed. */
    public static final class Build extends PipeException {
        private final List<String> shownLines;

        public Build(String cause, String hint, Throwable origin) {
            this(cause, hint, List.of(), origin);
        }

        /** @param shownLines lines that show the failure, such as a failed step's last output */
        public Build(String cause, String hint, List<String> shownLines, Throwable origin) {
            super(ExitCode.BUILD, cause, hint, origin);
            this.shownLines = List.copyOf(shownLines);
        }

        @Override
        public List<String> shownLines() {
            return shownLines;
        }
    }

    /** The push failed, the repository is missing, or the registry does not hold what was pushed. */
    public static final class Push extends PipeException {
        public Push(String cause, String hint, Throwable origin) {
            super(ExitCode.PUSH, cause, hint, origin);
        }
    }

    /** The scan gate found what SCAN_FAIL_ON does not let through: no tag was added. */
    public static final class ScanGate extends PipeException {
        public ScanGate(String cause, String hint) {
            super(ExitCode.SCAN_GATE, cause, hint, null);
        }
    }

    /** The scan gate got no findings to decide on (the scan failed, cannot be made, or took too long). */
    public static final class ScanIncomplete extends PipeException {
        public ScanIncomplete(String cause, String hint, Throwable origin) {
            super(ExitCode.SCAN_INCOMPLETE, cause, hint, origin);
        }
    }

    /** The run was stopped from outside (SIGTERM, Ctrl-C) before it was done. */
    public static final class Cancelled extends PipeException {
        public Cancelled(String cause, String hint, Throwable origin) {
            super(ExitCode.CANCELLED, cause, hint, origin);
        }
    }
}
