package org.ecrpushpipe.context;

import java.nio.charset.StandardCharsets;

/**
 * Go's string handling where it differs from Java's: {@code strings.TrimSpace}, which trims what Go's
 * {@code unicode.IsSpace} calls space (Java's strip does not), and the way Go reads bytes as text.
 */
final class GoStrings {
    private static final char RUNE_ERROR = '\uFFFD';

    private GoStrings() {
    }

    static String trimSpace(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && isSpace(s.charAt(start))) {
            start++;
        }
        while (end > start && isSpace(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(start, end);
    }

    /** Go's {@code unicode.IsSpace} (the Unicode White_Space property); all such characters are in the BMP. */
    static boolean isSpace(char c) {
        return switch (c) {
            case '\t', '\n', 0x0B, '\f', '\r', ' ', 0x85, 0xA0, 0x1680, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000 -> true;
            default -> c >= 0x2000 && c <= 0x200A;
        };
    }

    /**
     * Bytes as Go's {@code range} over a string and its regexp read them: each valid UTF-8 sequence is one character,
     * and each byte that does not start one is a {@code U+FFFD} of its own. Java's decoder replaces a cut-off
     * sequence ({@code E9 80}) by one {@code U+FFFD}; Go by one per byte, and a {@code ?} pattern counts them so.
     */
    static String decodeUtf8(byte[] bytes) {
        StringBuilder text = new StringBuilder(bytes.length);
        for (int i = 0; i < bytes.length; ) {
            int length = sequenceLength(bytes, i);
            if (length == 0) {
                text.append(RUNE_ERROR);
                i++;
            } else {
                text.append(new String(bytes, i, length, StandardCharsets.UTF_8));
                i += length;
            }
        }
        return text.toString();
    }

    /** Whether the bytes are valid UTF-8 by Go's rules ({@code utf8.Valid}). */
    static boolean isValidUtf8(byte[] bytes) {
        for (int i = 0; i < bytes.length; ) {
            int length = sequenceLength(bytes, i);
            if (length == 0) {
                return false;
            }
            i += length;
        }
        return true;
    }

    /**
     * The length of the valid UTF-8 sequence at {@code i}, or 0: Go's {@code utf8.DecodeRune}, which refuses overlong
     * forms, surrogates and code points above U+10FFFF by the range allowed for the second byte.
     */
    static int sequenceLength(byte[] bytes, int i) {
        int first = bytes[i] & 0xff;
        if (first < 0x80) {
            return 1;
        }
        int length;
        int low = 0x80;
        int high = 0xBF;
        if (first >= 0xC2 && first <= 0xDF) {
            length = 2;
        } else if (first >= 0xE0 && first <= 0xEF) {
            length = 3;
            low = first == 0xE0 ? 0xA0 : low;
            high = first == 0xED ? 0x9F : high;
        } else if (first >= 0xF0 && first <= 0xF4) {
            length = 4;
            low = first == 0xF0 ? 0x90 : low;
            high = first == 0xF4 ? 0x8F : high;
        } else {
            return 0;
        }
        if (i + length > bytes.length || (bytes[i + 1] & 0xff) < low || (bytes[i + 1] & 0xff) > high) {
            return 0;
        }
        for (int k = 2; k < length; k++) {
            if ((bytes[i + k] & 0xC0) != 0x80) {
                return 0;
            }
        }
        return length;
    }
}
