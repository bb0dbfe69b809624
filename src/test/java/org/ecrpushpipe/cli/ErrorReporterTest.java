package org.ecrpushpipe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.ecrpushpipe.console.Console;
import org.ecrpushpipe.errors.ExitCode;
import org.ecrpushpipe.errors.PipeException;
import org.ecrpushpipe.errors.PipeException.Configuration.Problem;
import org.junit.jupiter.api.Test;

/** The one place that turns failures into output and exit codes. */
class ErrorReporterTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    private int report(Throwable failure, boolean debug) {
        Console console = new Console(new PrintStream(bytes, true, StandardCharsets.UTF_8), false, debug);
        console.addSecret("s3cr3t-value");
        return new ErrorReporter(console).report(failure);
    }

    private String out() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void eachFailureClassHasItsExitCode() {
        assertEquals(ExitCode.AUTHENTICATION.code(), report(new PipeException.Authentication("a", "h", null), false));
        assertEquals(ExitCode.DOCKER_ENGINE.code(), report(new PipeException.DockerEngine("a", "h", null), false));
        assertEquals(ExitCode.BUILD.code(), report(new PipeException.Build("a", "h", null), false));
        assertEquals(ExitCode.PUSH.code(), report(new PipeException.Push("a", "h", null), false));
        assertEquals(ExitCode.CANCELLED.code(), report(new PipeException.Cancelled("a", "h", null), false));
        assertEquals(ExitCode.SCAN_GATE.code(), report(new PipeException.ScanGate("a", "h"), false));
        assertEquals(ExitCode.SCAN_INCOMPLETE.code(), report(new PipeException.ScanIncomplete("a", "h", null), false));
        assertEquals(ExitCode.UNEXPECTED.code(), report(new IllegalStateException("boom"), false));
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 143), java.util.Arrays.stream(ExitCode.values()).map(ExitCode::code).toList());
    }

    @Test
    void configurationProblemsAreGroupedByVariable() {
        report(new PipeException.Configuration(List.of(new Problem("IMAGE", "x"), new Problem("IMAGE", "y"),
                new Problem("TAGS", "z"))), false);
        assertTrue(out().startsWith("✖ Validation errors:\nIMAGE:\n- x\n- y\nTAGS:\n- z\n  Hint: "), out());
    }

    @Test
    void causeAndHintWithoutStackTraceUnlessDebugging() {
        report(new PipeException.Push("The push failed.", "run it again",
                new RuntimeException("inner s3cr3t-value")), false);
        assertEquals("✖ The push failed.\n  Hint: run it again\n", out());
    }

    @Test
    void aFailureIsDescribedOnOneLineForTheReportInTheWordsTheLogShows() {
        Console console = new Console(new PrintStream(bytes, true, StandardCharsets.UTF_8), false, false);
        ErrorReporter reporter = new ErrorReporter(console);
        assertEquals(new ErrorReporter.Described("The push failed.", "run it again", 6),
                reporter.describe(new PipeException.Push("The push failed.", "run it again", null)));
        assertEquals(new ErrorReporter.Described("Validation errors: IMAGE: x; y. TAGS: z", "set the variables in the"
                + " pipe's 'variables:' block; README lists them all", 2), reporter.describe(
                new PipeException.Configuration(List.of(new Problem("IMAGE", "x"), new Problem("IMAGE", "y"),
                        new Problem("TAGS", "z")))));
        assertEquals(new ErrorReporter.Described("Unexpected error: IllegalStateException: boom", "rerun with"
                + " DEBUG=true for the stack trace, and report it", 1),
                reporter.describe(new IllegalStateException("boom")));
        assertEquals("", out(), "describing prints nothing");
    }

    @Test
    void debugAddsTheStackTraceMasked() {
        report(new IllegalStateException("boom s3cr3t-value"), true);
        assertTrue(out().startsWith("✖ Unexpected error: IllegalStateException: boom ****\n"), out());
        assertTrue(out().contains("\tat org.ecrpushpipe.cli.ErrorReporterTest"), out());
        assertFalse(out().contains("s3cr3t-value"), out());
    }
}
