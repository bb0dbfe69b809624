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
        console.failure("Unexpected error: " + failure.getClass().getSimpleName()
                        + (failure.getMessage() == null ? "" : ": " + failure.getMessage()),
                console.debugEnabled() ? "please report this with the output above"
                        : "rerun with DEBUG=true for the stack trace, and report it");
        console.stackTrace(failure);
        return ExitCode.UNEXPECTED.code();
    }
}
