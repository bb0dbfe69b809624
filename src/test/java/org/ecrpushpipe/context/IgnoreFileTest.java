package org.ecrpushpipe.context;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

/** moby's {@code ignorefile_test.go}, and the CLI's line handling around it. */
class IgnoreFileTest {
    private static List<String> read(String content) throws IOException {
        return IgnoreFile.readAll(new ByteArrayInputStream(content.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void mobysTable() throws IOException {
        String content = "test1\n/test2\n/a/file/here\n\nlastfile\n# this is a comment\n! /inverted/abs/path\n!\n! ";
        assertEquals(List.of("test1", "test2", "a/file/here", "lastfile", "!inverted/abs/path", "!", "!"), read(content));
    }

    @Test
    void bomCrlfWhitespaceAndCleaning() throws IOException {
        assertEquals(List.of("a", "b/c", "d", "/", "\\\\"),
                read("\uFEFFa\r\n./b//c/\r\n  d  \n/\n\\\\\n"));
        assertEquals(List.of(), read(""));
        assertEquals(List.of("#not-a-comment"), read("  #not-a-comment"), "only a leading # makes a comment");
        assertEquals(List.of("a\u00A0b"), read("\u00A0a\u00A0b\u2003"), "Go trims Unicode white space");
    }

    @Test
    void anOverlongLineFailsAsInGo() {
        assertThrows(IOException.class, () -> read("x".repeat(IgnoreFile.MAX_LINE + 1)));
    }
}
