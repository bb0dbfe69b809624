package org.ecrpushpipe.context;

import java.util.Arrays;

/**
 * A path inside the build context, slash-separated: its bytes, which name the file in the tar as the system names
 * it, and its text, which is what {@code .dockerignore} patterns are matched against (Go's reading of the bytes,
 * see {@link GoStrings#decodeUtf8}).
 */
final class ContextPath {
    /** The context directory itself. */
    static final ContextPath ROOT = new ContextPath(new byte[0], ".");

    private final byte[] bytes;
    private final String text;

    private ContextPath(byte[] bytes, String text) {
        this.bytes = bytes;
        this.text = text;
    }

    /** A path given as bytes, relative to the context. */
    static ContextPath of(byte[] bytes) {
        return new ContextPath(bytes.clone(), GoStrings.decodeUtf8(bytes));
    }

    /** The entry {@code name} of this directory. */
    ContextPath child(byte[] name) {
        if (bytes.length == 0) {
            return of(name);
        }
        byte[] joined = Arrays.copyOf(bytes, bytes.length + 1 + name.length);
        joined[bytes.length] = '/';
        System.arraycopy(name, 0, joined, bytes.length + 1, name.length);
        // a '/' is never part of a longer UTF-8 sequence, so the parts read as the whole does
        return new ContextPath(joined, text + "/" + GoStrings.decodeUtf8(name));
    }

    byte[] bytes() {
        return bytes.clone();
    }

    /** The path as Go reads it, for matching. */
    String text() {
        return text;
    }

    /** The path for messages, every byte that is not UTF-8 shown as {@code \xE9}. */
    String printable() {
        return bytes.length == 0 ? "." : RawNames.printable(bytes);
    }

    /** Whether the bytes are these (a name held as text, such as the Dockerfile's, encoded as UTF-8). */
    boolean is(byte[] other) {
        return Arrays.equals(bytes, other);
    }

    @Override
    public String toString() {
        return printable();
    }
}
