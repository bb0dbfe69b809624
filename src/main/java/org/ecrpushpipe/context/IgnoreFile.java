package org.ecrpushpipe.context;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads a {@code .dockerignore} the way the docker CLI does (moby's {@code ignorefile.ReadAll}): a UTF-8 BOM is
 * dropped; a line starting with {@code #} is a comment; other lines are trimmed, blank ones dropped, cleaned like a
 * path, and a leading {@code /} is removed ({@code /a} and {@code a} mean the same), keeping a leading {@code !}.
 * Lines are read as Go reads bytes ({@link GoStrings#decodeUtf8}): a byte that is not UTF-8 becomes {@code U+FFFD},
 * which in a pattern then matches any such byte of a name, as it does for the docker CLI 20.10 (whose pattern
 * compiler reads the pattern rune by rune, warning {@code invalid UTF-8 encoding}) and for BuildKit.
 */
final class IgnoreFile {
    /** bufio.Scanner's limit: Go fails on a longer line ("token too long"), and so does the CLI. */
    static final int MAX_LINE = 64 * 1024;

    private IgnoreFile() {
    }

    /**
     * An ignore file as read.
     *
     * @param raw      its bytes, to which the docker CLI appends when it adds a file of its own to the context
     * @param patterns its patterns, in order
     */
    record Contents(byte[] raw, List<String> patterns) {
        /** Whether every line is UTF-8: the CLI warns of any other. */
        boolean validUtf8() {
            return GoStrings.isValidUtf8(raw);
        }
    }

    static Contents read(byte[] raw) throws IOException {
        return new Contents(raw.clone(), readAll(new ByteArrayInputStream(raw)));
    }

    static List<String> readAll(InputStream in) throws IOException {
        List<String> excludes = new ArrayList<>();
        int lineNumber = 0;
        for (byte[] line : lines(in.readAllBytes())) {
            String pattern = GoStrings.decodeUtf8(line);
            if (lineNumber++ == 0 && pattern.startsWith("\uFEFF")) {
                pattern = pattern.substring(1);
            }
            if (pattern.startsWith("#")) {
                continue;
            }
            pattern = GoStrings.trimSpace(pattern);
            if (pattern.isEmpty()) {
                continue;
            }
            boolean invert = pattern.charAt(0) == '!';
            if (invert) {
                pattern = GoStrings.trimSpace(pattern.substring(1));
            }
            if (!pattern.isEmpty()) {
                pattern = GoPath.clean(pattern);
                if (pattern.length() > 1 && pattern.charAt(0) == '/') {
                    pattern = pattern.substring(1);
                }
            }
            excludes.add(invert ? "!" + pattern : pattern);
        }
        return excludes;
    }

    /** bufio.ScanLines: split on \n, drop one \r before it; a last line without \n counts. */
    private static List<byte[]> lines(byte[] data) throws IOException {
        List<byte[]> lines = new ArrayList<>();
        ByteArrayOutputStream current = new ByteArrayOutputStream();
        for (int i = 0; i <= data.length; i++) {
            if (i == data.length && current.size() == 0) {
                break;
            }
            if (i == data.length || data[i] == '\n') {
                byte[] line = current.toByteArray();
                if (line.length > 0 && line[line.length - 1] == '\r') {
                    line = Arrays.copyOf(line, line.length - 1);
                }
                lines.add(line);
                current.reset();
                continue;
            }
            current.write(data[i]);
            if (current.size() > MAX_LINE) {
                throw new IOException("bufio.Scanner: token too long (a line of more than " + MAX_LINE + " bytes)");
            }
        }
        return lines;
    }
}
