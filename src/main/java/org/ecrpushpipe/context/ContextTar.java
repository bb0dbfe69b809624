package org.ecrpushpipe.context;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A build context as a plain (uncompressed) tar stream, written the way the docker CLI 20.10's archiver writes it
 * (Go's {@code archive/tar} with moby 20.10's {@code FileInfoHeader}; the CLI Bitbucket's runtime v2 gives a step,
 * whose {@code docker build} uses the classic builder): a USTAR header when the entry fits one, else a PAX extended
 * header first; owner and group 0 with the names of the file's real owner and group ({@code uname},
 * {@code gname}, looked up as Go looks them up), mode = permission bits plus set-uid/set-gid/sticky plus the file
 * type bits (moby's {@code fillGo18FileTypeBits}), modification time in whole seconds, no access or change times;
 * hard links after the first as link entries; two zero blocks at the end. The classic builder's cache keys on these
 * header fields ({@code COPY}'s tarsum), so matching them lets the pipe's build reuse an earlier {@code docker build}
 * of the same context; BuildKit keys on contents and modes alone. Newer CLIs (23 and later) leave out the type bits
 * and the names, so a classic build by one of them is not reused. Names and link targets are bytes, written as
 * they are (Go's strings are bytes too): a name that is not UTF-8 goes into a PAX {@code path} record unchanged,
 * as the CLI sends it. One difference: a first entry that needs a PAX header changes places with a plain one (see
 * {@link #plainFirst(List)}).
 *
 * <p>It is read lazily: headers are made, and file contents read from disk, as the stream is consumed.
 */
final class ContextTar extends InputStream {
    static final int S_IFMT = 0170000;
    static final int S_IFSOCK = 0140000;
    static final int S_IFLNK = 0120000;
    static final int S_IFREG = 0100000;
    static final int S_IFBLK = 0060000;
    static final int S_IFDIR = 0040000;
    static final int S_IFCHR = 0020000;
    static final int S_IFIFO = 0010000;

    static final char TYPE_REG = '0';
    static final char TYPE_LINK = '1';
    static final char TYPE_SYMLINK = '2';
    static final char TYPE_CHAR = '3';
    static final char TYPE_BLOCK = '4';
    static final char TYPE_DIR = '5';
    static final char TYPE_FIFO = '6';
    private static final char TYPE_PAX = 'x';

    private static final int BLOCK = 512;
    private static final int NAME_SIZE = 100;
    private static final int PREFIX_SIZE = 155;

    /**
     * One entry of the archive.
     *
     * @param name    the path inside the context as bytes, slash-separated; directories end in {@code /}
     * @param source  the file whose contents follow the header (regular files read from disk), else null
     * @param data    the contents, for a regular file made in memory, else null
     * @param type    the tar type flag
     * @param mode    permission bits and set-uid, set-gid, sticky ({@code 07777}), and the file type bits
     * @param size    the content size (0 but for regular files)
     * @param mtime   the modification time, in seconds since the epoch
     * @param link    the link target (symbolic links) or first name (hard links) as bytes, else empty
     * @param uname   the owner's user name, empty when it has none
     * @param gname   the owner's group name, empty when it has none
     */
    record Entry(byte[] name, Path source, byte[] data, char type, int mode, long size, long mtime, byte[] link,
                 long devMajor, long devMinor, String uname, String gname) {

        /**
         * A file made in memory as the docker CLI makes the ones it adds to a context (its {@code hdrTmpl}): mode
         * 0600 without type bits, owner 0 without names.
         */
        static Entry inMemory(byte[] name, byte[] data, long mtime) {
            return new Entry(name, null, data, TYPE_REG, 0600, data.length, mtime, new byte[0], 0, 0, "", "");
        }

        /** This entry's header with other contents. */
        Entry withData(byte[] contents) {
            return new Entry(name, null, contents, type, mode, contents.length, mtime, link, devMajor, devMinor,
                    uname, gname);
        }

        /** The name for messages. */
        String printableName() {
            return RawNames.printable(name);
        }

        boolean named(byte[] other) {
            return Arrays.equals(name, other);
        }
    }

    private final Iterator<Entry> entries;
    private ByteBuffer pending = ByteBuffer.allocate(0);
    private FileChannel content;
    private Entry current;
    private long contentLeft;
    private boolean finished;
    private volatile boolean closed;

    ContextTar(List<Entry> entries) {
        this.entries = plainFirst(entries).iterator();
    }

    /**
     * The entries with a plain one first: one whose header is a single USTAR block. The engine's BuildKit builder,
     * given the context as the body of its build request, takes the body for a tar only when a whole entry header
     * fits in its first 1024 bytes (BuildKit's Dockerfile frontend, {@code isArchive}); an entry with a PAX header
     * (a non-ASCII name, a long one) needs 1536, and the whole body would be read as the Dockerfile. So when the
     * first entry needs one, the first plain entry is moved to the front, a top-level one if there is one. Both
     * builders unpack the context before reading it, creating missing parent directories, and key their caches
     * on each file's header and contents, never on the order of the entries; a hard link is never moved, as it
     * must follow the file it links to. When every entry needs a PAX header the order stays.
     */
    static List<Entry> plainFirst(List<Entry> entries) {
        if (entries.isEmpty() || plain(entries.get(0))) {
            return entries;
        }
        int chosen = -1;
        for (int i = 1; i < entries.size(); i++) {
            Entry entry = entries.get(i);
            if (plain(entry)) {
                if (topLevel(entry.name())) {
                    chosen = i;
                    break;
                }
                chosen = chosen < 0 ? i : chosen;
            }
        }
        if (chosen < 0) {
            return entries;
        }
        List<Entry> reordered = new ArrayList<>(entries.size());
        reordered.add(entries.get(chosen));
        for (int i = 0; i < entries.size(); i++) {
            if (i != chosen) {
                reordered.add(entries.get(i));
            }
        }
        return reordered;
    }

    private static boolean plain(Entry entry) {
        return entry.type() != TYPE_LINK && header(entry).length == BLOCK;
    }

    /** Whether a name has no slash but a directory's trailing one. */
    private static boolean topLevel(byte[] name) {
        for (int i = 0; i < name.length - 1; i++) {
            if (name[i] == '/') {
                return false;
            }
        }
        return true;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        if (closed) {
            // never end a closed stream cleanly: a cut-off context must fail the upload, not be built
            throw new IOException("the build context stream was closed");
        }
        if (length == 0) {
            return 0;
        }
        while (true) {
            if (pending.hasRemaining()) {
                int n = Math.min(length, pending.remaining());
                pending.get(buffer, offset, n);
                return n;
            }
            if (content != null) {
                int n = readContent(buffer, offset, length);
                if (n > 0) {
                    return n;
                }
                continue;
            }
            if (finished) {
                return -1;
            }
            next();
        }
    }

    /** Reads the current file's contents from disk; after the last byte, queues the padding. */
    private int readContent(byte[] buffer, int offset, int length) throws IOException {
        int n = content.read(ByteBuffer.wrap(buffer, offset, (int) Math.min(length, contentLeft)));
        if (n < 0) {
            throw new BuildContext.SendFailure("'" + current.printableName()
                    + "' in the build context shrank while it was being sent; run the step again", null);
        }
        contentLeft -= n;
        if (contentLeft == 0) {
            content.close();
            content = null;
            pending = ByteBuffer.wrap(new byte[padding(current.size())]);
        }
        return n;
    }

    /** Queues the next entry's header (and opens its contents), or the end-of-archive blocks. */
    private void next() throws IOException {
        if (!entries.hasNext()) {
            pending = ByteBuffer.wrap(new byte[2 * BLOCK]);
            finished = true;
            return;
        }
        current = entries.next();
        byte[] header = header(current);
        if (current.data() != null) {
            byte[] all = Arrays.copyOf(header, header.length + current.data().length + padding(current.size()));
            System.arraycopy(current.data(), 0, all, header.length, current.data().length);
            pending = ByteBuffer.wrap(all);
            return;
        }
        pending = ByteBuffer.wrap(header);
        if (current.type() == TYPE_REG && current.size() > 0) {
            try {
                content = FileChannel.open(current.source(), StandardOpenOption.READ);
            } catch (IOException e) {
                throw new BuildContext.SendFailure("'" + current.printableName() + "' in the build context cannot be"
                        + " read any more (" + e.getMessage() + "); run the step again", e);
            }
            contentLeft = current.size();
        }
    }

    private static int padding(long size) {
        return (int) ((BLOCK - size % BLOCK) % BLOCK);
    }

    /** Ends the stream: later reads fail. May be called from another thread to stop an upload. */
    @Override
    public void close() throws IOException {
        closed = true;
        FileChannel open = content;
        if (open != null) {
            open.close();
        }
    }

    /**
     * The header block(s) of one entry, as Go's tar writer makes them for a PAX-or-USTAR header: USTAR when every
     * field fits one (a long ASCII name split into prefix and name), else a PAX extended header first.
     */
    static byte[] header(Entry entry) {
        Map<String, byte[]> pax = paxRecords(entry);
        byte[][] split = splitUstarPath(entry.name());
        if (pax.isEmpty() || pax.size() == 1 && pax.containsKey("path") && split != null) {
            return ustarHeader(entry, split);
        }
        return paxHeader(entry, pax);
    }

    /** Go's {@code allowedFormats}: the fields USTAR cannot hold, as PAX records (a split path is one it can). */
    private static Map<String, byte[]> paxRecords(Entry entry) {
        Map<String, byte[]> pax = new TreeMap<>();
        if (!isAscii(entry.name()) || entry.name().length > NAME_SIZE) {
            pax.put("path", entry.name());
        }
        if (!isAscii(entry.link()) || entry.link().length > NAME_SIZE) {
            pax.put("linkpath", entry.link());
        }
        if (!fitsOctal(12, entry.size())) {
            pax.put("size", ascii(Long.toString(entry.size())));
        }
        if (!fitsOctal(12, entry.mtime())) {
            pax.put("mtime", ascii(Long.toString(entry.mtime())));
        }
        for (String[] owner : new String[][] {{"uname", entry.uname()}, {"gname", entry.gname()}}) {
            byte[] value = owner[1].getBytes(StandardCharsets.UTF_8);
            if (!isAscii(value) || value.length > 32) {
                pax.put(owner[0], value);
            }
        }
        return pax;
    }

    private static byte[] ustarHeader(Entry entry, byte[][] split) {
        byte[] block = new byte[BLOCK];
        fill(block, entry, split == null ? entry.name() : split[1]);
        putBytes(block, 345, 155, split == null ? new byte[0] : split[0]);
        checksum(block);
        return block;
    }

    /** An extended header named as Go names it, its records, then the entry's own header with ASCII fields. */
    private static byte[] paxHeader(Entry entry, Map<String, byte[]> pax) {
        ByteArrayOutputStream records = new ByteArrayOutputStream();
        pax.forEach((k, v) -> records.writeBytes(paxRecord(k, v)));
        byte[] data = records.toByteArray();
        byte[] extended = new byte[BLOCK];
        putBytes(extended, 0, 100, paxHeaderName(entry.name()));
        putOctal(extended, 100, 8, 0);
        putOctal(extended, 108, 8, 0);
        putOctal(extended, 116, 8, 0);
        putOctal(extended, 124, 12, data.length);
        putOctal(extended, 136, 12, 0);
        extended[156] = (byte) TYPE_PAX;
        putBytes(extended, 257, 6, ascii("ustar\0"));
        putBytes(extended, 263, 2, ascii("00"));
        checksum(extended);
        byte[] main = new byte[BLOCK];
        fill(main, entry, toAscii(entry.name()));
        checksum(main);
        int dataBlocks = data.length + padding(data.length);
        byte[] all = new byte[BLOCK + dataBlocks + BLOCK];
        System.arraycopy(extended, 0, all, 0, BLOCK);
        System.arraycopy(data, 0, all, BLOCK, data.length);
        System.arraycopy(main, 0, all, BLOCK + dataBlocks, BLOCK);
        return all;
    }

    /**
     * Go: {@code path.Join(path.Split(name)..., "PaxHeaders.0", file)}, made ASCII, cut to 100 bytes, without
     * trailing slashes. The bytes pass through {@link GoPath#clean} as ISO-8859-1 text, one character per byte.
     */
    private static byte[] paxHeaderName(byte[] name) {
        String latin1 = new String(name, StandardCharsets.ISO_8859_1);
        int slash = latin1.lastIndexOf('/');
        String joined = GoPath.clean(latin1.substring(0, slash + 1) + "/PaxHeaders.0/" + latin1.substring(slash + 1));
        byte[] ascii = toAscii(joined.getBytes(StandardCharsets.ISO_8859_1));
        int length = Math.min(ascii.length, NAME_SIZE);
        while (length > 0 && ascii[length - 1] == '/') {
            length--;
        }
        return Arrays.copyOf(ascii, length);
    }

    /** Go's {@code templateV7Plus} plus the USTAR magic: every field but the prefix and the checksum. */
    private static void fill(byte[] block, Entry entry, byte[] name) {
        putBytes(block, 0, 100, name);
        putOctal(block, 100, 8, entry.mode());
        putOctal(block, 108, 8, 0);
        putOctal(block, 116, 8, 0);
        putOctal(block, 124, 12, fitsOctal(12, entry.size()) ? entry.size() : 0);
        putOctal(block, 136, 12, fitsOctal(12, entry.mtime()) ? entry.mtime() : 0);
        block[156] = (byte) entry.type();
        putBytes(block, 157, 100, toAscii(entry.link()));
        putBytes(block, 257, 6, ascii("ustar\0"));
        putBytes(block, 263, 2, ascii("00"));
        putBytes(block, 265, 32, toAscii(entry.uname().getBytes(StandardCharsets.UTF_8)));
        putBytes(block, 297, 32, toAscii(entry.gname().getBytes(StandardCharsets.UTF_8)));
        putOctal(block, 329, 8, entry.devMajor());
        putOctal(block, 337, 8, entry.devMinor());
    }

    /** Go's {@code splitUSTARPath}: a long ASCII name split at a slash into prefix (≤155) and name (≤100). */
    static byte[][] splitUstarPath(byte[] name) {
        int length = name.length;
        if (length <= NAME_SIZE || !isAscii(name)) {
            return null;
        } else if (length > PREFIX_SIZE + 1) {
            length = PREFIX_SIZE + 1;
        } else if (name[length - 1] == '/') {
            length--;
        }
        int i = length - 1;
        while (i >= 0 && name[i] != '/') {
            i--;
        }
        int nameLength = name.length - i - 1;
        if (i <= 0 || nameLength > NAME_SIZE || nameLength == 0 || i > PREFIX_SIZE) {
            return null;
        }
        return new byte[][] {Arrays.copyOfRange(name, 0, i), Arrays.copyOfRange(name, i + 1, name.length)};
    }

    /** Go's {@code formatPAXRecord}: "{length} {key}={value}\n", the length counting itself. */
    static byte[] paxRecord(String key, byte[] value) {
        int size = key.length() + value.length + 3;
        size += Integer.toString(size).length();
        byte[] head = ascii(size + " " + key + "=");
        if (head.length + value.length + 1 != size) {
            head = ascii((head.length + value.length + 1) + " " + key + "=");
        }
        byte[] record = Arrays.copyOf(head, head.length + value.length + 1);
        System.arraycopy(value, 0, record, head.length, value.length);
        record[record.length - 1] = '\n';
        return record;
    }

    /** Go's {@code fitsInOctal} for the 8- and 12-byte fields. */
    private static boolean fitsOctal(int fieldLength, long value) {
        return value >= 0 && value < (1L << (3 * (fieldLength - 1)));
    }

    /** Go's {@code isASCII}: NUL counts as not ASCII. */
    private static boolean isAscii(byte[] s) {
        for (byte b : s) {
            if (b <= 0) {
                return false;
            }
        }
        return true;
    }

    /** Go's {@code toASCII}: only the ASCII bytes but NUL; a byte of a longer character, or a stray one, goes. */
    private static byte[] toAscii(byte[] s) {
        if (isAscii(s)) {
            return s;
        }
        ByteArrayOutputStream ascii = new ByteArrayOutputStream(s.length);
        for (byte b : s) {
            if (b > 0) {
                ascii.write(b);
            }
        }
        return ascii.toByteArray();
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Go's {@code formatString}: the bytes, NUL-terminated when there is room; a cut-off value whose last kept byte
     * is '/' loses its trailing slashes, so no reader takes a file for a directory.
     */
    private static void putBytes(byte[] block, int offset, int length, byte[] bytes) {
        System.arraycopy(bytes, 0, block, offset, Math.min(length, bytes.length));
        if (bytes.length < length) {
            block[offset + bytes.length] = 0;
        }
        if (bytes.length > length && block[offset + length - 1] == '/') {
            int n = length - 1;
            while (n > 0 && bytes[n - 1] == '/') {
                n--;
            }
            block[offset + n] = 0;
        }
    }

    /** Go's {@code formatOctal}: zero-padded octal digits and a NUL. */
    private static void putOctal(byte[] block, int offset, int length, long value) {
        String digits = Long.toOctalString(value);
        int zeros = length - digits.length() - 1;
        putBytes(block, offset, length, ascii((zeros > 0 ? "0".repeat(zeros) : "") + digits));
    }

    /** The checksum field: six octal digits, NUL, space; computed with the field itself as spaces. */
    private static void checksum(byte[] block) {
        Arrays.fill(block, 148, 156, (byte) ' ');
        long sum = 0;
        for (byte b : block) {
            sum += b & 0xff;
        }
        putOctal(block, 148, 7, sum);
        block[155] = ' ';
    }
}
