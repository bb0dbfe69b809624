package org.ecrpushpipe.context;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * Lists a tar with its names as bytes. Libraries decode names, PAX {@code path} records included, as UTF-8, which
 * turns the bytes under test into {@code U+FFFD}: this reads the headers itself.
 */
final class RawTar {
    private RawTar() {
    }

    /** Each entry's name (bytes that are not UTF-8 as {@code \xE9}) → type, mode, link target or contents' digest. */
    static Map<String, String> list(InputStream tar) throws IOException {
        Map<String, String> entries = new TreeMap<>();
        byte[] paxPath = null;
        byte[] paxLink = null;
        while (true) {
            byte[] header = tar.readNBytes(512);
            if (header.length < 512 || header[0] == 0) {
                return entries;
            }
            String sizeField = field(header, 124, 12).trim();
            long size = sizeField.isEmpty() ? 0 : Long.parseLong(sizeField, 8);
            byte[] data = tar.readNBytes((int) size);
            tar.skipNBytes((512 - size % 512) % 512);
            char type = (char) header[156];
            if (type == 'x') {
                paxPath = record(data, "path");
                paxLink = record(data, "linkpath");
                continue;
            }
            byte[] name = paxPath != null ? paxPath : ustarName(header);
            byte[] link = paxLink != null ? paxLink : bytes(header, 157, 100);
            paxPath = null;
            paxLink = null;
            String mode = Integer.toOctalString(Integer.parseInt(field(header, 100, 8).trim(), 8) & 07777);
            String what = switch (type) {
                case '2' -> "link→" + RawNames.printable(link);
                case '1' -> "hardlink→" + RawNames.printable(link);
                case '5' -> "dir";
                default -> "file " + digest(data);
            };
            entries.put(RawNames.printable(name), what + " " + mode);
        }
    }

    private static byte[] ustarName(byte[] header) {
        byte[] name = bytes(header, 0, 100);
        byte[] prefix = bytes(header, 345, 155);
        if (prefix.length == 0) {
            return name;
        }
        byte[] joined = Arrays.copyOf(prefix, prefix.length + 1 + name.length);
        joined[prefix.length] = '/';
        System.arraycopy(name, 0, joined, prefix.length + 1, name.length);
        return joined;
    }

    /** A PAX record's value as bytes ("{length} {key}={value}\n" records), or null. */
    private static byte[] record(byte[] data, String key) {
        int i = 0;
        while (i < data.length) {
            int space = indexOf(data, (byte) ' ', i);
            int length = Integer.parseInt(new String(data, i, space - i, StandardCharsets.US_ASCII));
            int equals = indexOf(data, (byte) '=', space);
            String k = new String(data, space + 1, equals - space - 1, StandardCharsets.US_ASCII);
            if (k.equals(key)) {
                return Arrays.copyOfRange(data, equals + 1, i + length - 1);
            }
            i += length;
        }
        return null;
    }

    private static int indexOf(byte[] data, byte b, int from) {
        for (int i = from; i < data.length; i++) {
            if (data[i] == b) {
                return i;
            }
        }
        return data.length;
    }

    private static byte[] bytes(byte[] header, int offset, int length) {
        int end = offset;
        while (end < offset + length && header[end] != 0) {
            end++;
        }
        return Arrays.copyOfRange(header, offset, end);
    }

    private static String field(byte[] header, int offset, int length) {
        return new String(bytes(header, offset, length), StandardCharsets.US_ASCII);
    }

    private static String digest(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data)).substring(0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
