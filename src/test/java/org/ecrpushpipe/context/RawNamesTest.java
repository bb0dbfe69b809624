package org.ecrpushpipe.context;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Names read back as the bytes they are, whatever the JVM's locale decodes them to, and Go's reading of bytes as
 * text. The names are made by bash's printf from {@code \xNN} escapes, the same escapes {@link #raw} reads.
 */
class RawNamesTest {
    @TempDir
    Path dir;

    @Test
    void theBytesOfEveryNameInADirectoryListing() throws Exception {
        List<String> names = List.of("x\\xe9", "x\\xe8", "caf\\xc3\\xa9", "p%41q", "why?", "sp ace", "\\xff\\xfe");
        Set<String> expected = new TreeSet<>();
        for (String name : names) {
            shell("printf x > \"$(printf %b \"$1\")\"", name);
            expected.add(HexFormat.of().formatHex(raw(name)));
        }
        Set<String> read = new TreeSet<>();
        try (DirectoryStream<Path> listing = Files.newDirectoryStream(dir)) {
            for (Path child : listing) {
                read.add(HexFormat.of().formatHex(RawNames.of(child.getFileName())));
            }
        }
        assertEquals(expected, read);
    }

    @Test
    void linkTargetsKeepTheirBytesAndTheirSlashes() throws Exception {
        List<String> targets = List.of("tar\\xe9get/", "\\xe9", "usr", "/abs/\\xe9", "\\xe9/../usr", "%e9");
        for (int i = 0; i < targets.size(); i++) {
            shell("ln -s \"$(printf %b \"$1\")\" link" + i, targets.get(i));
        }
        for (int i = 0; i < targets.size(); i++) {
            // "/usr" is a directory, for which toUri() adds a slash that is not the name's
            assertArrayEquals(raw(targets.get(i)), RawNames.of(Files.readSymbolicLink(dir.resolve("link" + i))),
                    targets.get(i));
        }
    }

    @Test
    void printableShowsTheBytesThatAreNotUtf8() {
        assertEquals("caf\u00e9 x\\xE9 \\xE9\\x80", RawNames.printable(raw("caf\\xc3\\xa9 x\\xe9 \\xe9\\x80")));
    }

    @Test
    void goReadsEachStrayByteAsOneReplacementCharacter() {
        assertEquals("y\uFFFD\uFFFDA", GoStrings.decodeUtf8(raw("y\\xe9\\x80A")),
                "a cut-off sequence is one U+FFFD a byte (Java's decoder makes one of the two)");
        assertEquals("\uFFFD\uFFFD", GoStrings.decodeUtf8(raw("\\xc0\\x80")), "overlong");
        assertEquals("\uFFFD\uFFFD\uFFFD", GoStrings.decodeUtf8(raw("\\xed\\xa0\\x80")), "a surrogate");
        assertEquals("\uFFFD\uFFFD\uFFFD\uFFFD", GoStrings.decodeUtf8(raw("\\xf4\\x90\\x80\\x80")), "above U+10FFFF");
        assertEquals("caf\u00e9 \ud83d\ude00", GoStrings.decodeUtf8(raw("caf\\xc3\\xa9 \\xf0\\x9f\\x98\\x80")));
        assertTrue(GoStrings.isValidUtf8(raw("caf\\xc3\\xa9 \\xf0\\x9f\\x98\\x80")));
        assertFalse(GoStrings.isValidUtf8(raw("x\\xe9")));
    }

    /** ASCII text with {@code \xNN} escapes, as bytes. */
    static byte[] raw(String escaped) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = 0; i < escaped.length(); i++) {
            if (escaped.startsWith("\\x", i)) {
                bytes.write(Integer.parseInt(escaped, i + 2, i + 4, 16));
                i += 3;
            } else {
                bytes.write(escaped.charAt(i));
            }
        }
        return bytes.toByteArray();
    }

    private void shell(String command, String argument) throws IOException, InterruptedException {
        Process process = new ProcessBuilder("bash", "-c", command, "_", argument).directory(dir.toFile())
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, process.waitFor(), output);
    }
}
