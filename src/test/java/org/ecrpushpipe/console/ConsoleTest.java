package org.ecrpushpipe.console;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class ConsoleTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    private Console console(boolean color, boolean debug) {
        return new Console(new PrintStream(bytes, true, StandardCharsets.UTF_8), color, debug);
    }

    private String out() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void linesInBitbucketStyleWithoutColour() {
        Console console = console(false, false);
        console.info("a");
        console.warning("b");
        console.success("c");
        console.failure("d", "e");
        console.debug("hidden");
        assertEquals("INFO: a\nWARNING: b\n✔ c\n✖ d\n  Hint: e\n", out());
    }

    @Test
    void coloursAreAnsiEscapes() {
        console(true, false).success("ok");
        assertEquals("\u001b[0;32m✔ ok\u001b[0m\n", out());
    }

    @Test
    void secretsAreMaskedEverywhereLongestFirst() {
        Console console = console(false, true);
        console.addSecret("abcd");
        console.addSecret("abcdefgh");
        console.info("key abcdefgh and abcd");
        console.plain("build says abcd");
        console.stackTrace(new IllegalStateException("leaked abcdefgh"));
        String out = out();
        assertEquals(false, out.contains("abcd"), out);
        assertEquals(true, out.startsWith("INFO: key **** and ****\nbuild says ****\n"), out);
    }

    @Test
    void debugLinesOnlyWhenDebugging() {
        console(false, true).debug("x");
        assertEquals("DEBUG: x\n", out());
    }
}
