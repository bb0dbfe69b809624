package org.ecrpushpipe.context;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * File names as the bytes they are. Linux names are bytes, and the JDK decodes them with the locale's charset
 * ({@code sun.jnu.encoding}) in {@link Path#toString()}: {@code x\xe9} reads {@code x\uFFFD} under UTF-8, and
 * {@code café} reads {@code caf??} without a locale, so two files can read the same. A {@link Path} the JDK hands
 * out (a directory listing, a link's target, a real path) keeps the bytes, though, and {@link Path#toUri()}
 * percent-encodes them one by one (the JDK's {@code UnixUriUtils}): that is where they are read back from.
 */
final class RawNames {
    private static final Path ROOT = Path.of("/");

    private RawNames() {
    }

    /** The bytes of a path, absolute or relative, exactly as the system holds them. */
    static byte[] of(Path path) {
        String text = path.toString();
        if (plainAscii(text)) {
            return text.getBytes(StandardCharsets.US_ASCII);
        }
        // a relative path is read as "/" + it: toUri() would otherwise prefix the working directory
        byte[] bytes = percentDecoded((path.isAbsolute() ? path : ROOT.resolve(path)).toUri().getRawPath());
        int start = path.isAbsolute() ? 0 : 1;
        int end = bytes.length;
        // toUri() adds a '/' when the path names a directory; a '/' of the name's own survives decoding in the text
        if (end - start > 1 && bytes[end - 1] == '/' && !text.endsWith("/")) {
            end--;
        }
        return Arrays.copyOfRange(bytes, start, end);
    }

    /** A name for messages: valid UTF-8 as it is, every byte that is not part of a character as {@code \xE9}. */
    static String printable(byte[] name) {
        StringBuilder text = new StringBuilder(name.length);
        for (int i = 0; i < name.length; ) {
            int length = GoStrings.sequenceLength(name, i);
            if (length == 0) {
                text.append(String.format("\\x%02X", name[i] & 0xff));
                i++;
            } else {
                text.append(new String(name, i, length, StandardCharsets.UTF_8));
                i += length;
            }
        }
        return text.toString();
    }

    /**
     * Whether the text is the name's bytes: ASCII without {@code ?}, which is what a charset without the name's
     * letters (ASCII, in the C locale) puts in their place. Every charset Linux locales use keeps ASCII as it is.
     */
    private static boolean plainAscii(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= 0x80 || c == '?') {
                return false;
            }
        }
        return true;
    }

    private static byte[] percentDecoded(String rawPath) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(rawPath.length());
        for (int i = 0; i < rawPath.length(); i++) {
            char c = rawPath.charAt(i);
            if (c == '%') {
                bytes.write(Integer.parseInt(rawPath, i + 1, i + 3, 16));
                i += 2;
            } else {
                bytes.write(c);
            }
        }
        return bytes.toByteArray();
    }
}
