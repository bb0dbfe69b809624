package org.ecrpushpipe.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.ecrpushpipe.console.Console;
import org.ecrpushpipe.errors.ExitCode;
import org.ecrpushpipe.errors.PipeException;

/**
 * The one place that turns a failure into output and an exit code: a {@code ✖} line with the cause, a hint,
 * and a stack trace only when debugging.
 */
final class ErrorReporter {
    private final Console console;

    ErrorReporter(Console console) {
        this.console = console;
    }

    int report(Throwable failure) {
        if (failure instanceof PipeException.Configuration configuration) {
            console.failure(configuration.getMessage(), null);
            Map<String, List<String>> byVariable = new LinkedHashMap<>();
            configuration.problems().forEach(p ->
                    byVariable.computeIfAbsent(p.variable(), k -> new ArrayList<>()).add(p.message()));
            byVariable.forEach((variable, messages) -> {
                console.failureDetail(variable + ":");
                messages.forEach(m -> console.failureDetail("- " + m));
            });
            console.failureDetail("  Hint: " + configuration.hint());
            return configuration.exitCode().code();
        }
        if (failure instanceof PipeException known) {
            known.shownLines().forEach(console::plain);
            console.failure(known.getMessage(), known.hint());
            if (known.getCause() != null) {
                console.stackTrace(known);
            }
            return known.exitCode().code();
        }
        Described unexpected = describe(failure);
        console.failure(unexpected.failure(), unexpected.hint());
        console.stackTrace(failure);
        return ExitCode.UNEXPECTED.code();
    }

    /**
     * A failure as the log ends with it, on one line: the {@code ✖} line's words (a configuration failure's
     * problems after them, {@code VARIABLE: problem; …}), the hint and the exit code; for the report on the commit.
     *
     * @param failure the {@code ✖} line without the mark
     */
    record Described(String failure, String hint, int exitCode) {
    }

    Described describe(Throwable failure) {
        if (failure instanceof PipeException.Configuration configuration) {
            Map<String, List<String>> byVariable = new LinkedHashMap<>();
            configuration.problems().forEach(p ->
                    byVariable.computeIfAbsent(p.variable(), k -> new ArrayList<>()).add(p.message()));
            List<String> problems = new ArrayList<>();
            byVariable.forEach((variable, messages) -> problems.add(variable + ": " + String.join("; ", messages)));
            return new Described(configuration.getMessage() + " " + String.join(". ", problems),
                    configuration.hint(), configuration.exitCode().code());
        }
        if (failure instanceof PipeException known) {
            return new Described(known.getMessage(), known.hint(), known.exitCode().code());
        }
        return new Described("Unexpected error: " + failure.getClass().getSimpleName()
                + (failure.getMessage() == null ? "" : ": " + failure.getMessage()),
                console.debugEnabled() ? "please report this with the output above"
                        : "rerun with DEBUG=true for the stack trace, and report it", ExitCode.UNEXPECTED.code());
    }
}
