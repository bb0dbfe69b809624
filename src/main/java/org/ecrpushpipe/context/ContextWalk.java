package org.ecrpushpipe.context;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.ecrpushpipe.context.PatternMatcher.BadPatternException;
import org.ecrpushpipe.context.PatternMatcher.MatchInfo;

/**
 * Walks a context directory as moby's archiver ({@code Tarballer.Do}) does and lists the entries that go: names
 * sorted by their bytes, as Go's walk sorts them; a directory's pattern results passed down to what it holds; an
 * excluded directory still walked when an exception pattern names something inside it. Files are named and opened
 * through the {@link Path} objects the directory listing gave, which hold the names' bytes.
 */
final class ContextWalk {
    /** One entry of a directory: the path to open it by, and its name's bytes. */
    record Child(Path path, byte[] name) {
    }

    private final Path root;
    private final PatternMatcher matcher;
    private final String ignoreFile;
    private final List<String> warnings;
    private final List<ContextTar.Entry> entries = new ArrayList<>();
    private final Map<Long, byte[]> seenInodes = new HashMap<>();
    private final OwnerNames ownerNames = new OwnerNames();

    private ContextWalk(Path root, PatternMatcher matcher, String ignoreFile, List<String> warnings) {
        this.root = root;
        this.matcher = matcher;
        this.ignoreFile = ignoreFile;
        this.warnings = warnings;
    }

    /**
     * The entries that go, in the order moby's archiver writes them.
     *
     * @param ignoreFile the ignore file the patterns come from, to name it when one is malformed
     * @param warnings   where what is left out, as docker build leaves it out, is said
     */
    static List<ContextTar.Entry> list(Path root, PatternMatcher matcher, String ignoreFile,
                                       List<String> warnings) throws BuildContext.Unusable {
        ContextWalk walk = new ContextWalk(root, matcher, ignoreFile, warnings);
        walk.walk(root, ContextPath.ROOT, MatchInfo.NONE);
        return walk.entries;
    }

    /** A directory's entries sorted as Go sorts names: by their bytes. */
    static List<Child> sortedChildren(Path dir) throws IOException {
        List<Child> children = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            for (Path child : stream) {
                children.add(new Child(child, RawNames.of(child.getFileName())));
            }
        }
        children.sort((a, b) -> Arrays.compareUnsigned(a.name(), b.name()));
        return children;
    }

    private void walk(Path dir, ContextPath rel, MatchInfo dirInfo) throws BuildContext.Unusable {
        List<Child> children;
        try {
            children = sortedChildren(dir);
        } catch (IOException e) {
            warnings.add("cannot read the directory '" + rel.printable() + "' (" + BuildContext.reason(e)
                    + "); its contents are left out, as docker build does");
            return;
        }
        for (Child child : children) {
            visit(child.path(), rel.child(child.name()), dirInfo);
        }
    }

    private void visit(Path path, ContextPath rel, MatchInfo parentInfo) throws BuildContext.Unusable {
        Map<String, Object> attributes;
        try {
            attributes = Files.readAttributes(path, "unix:mode,ino,nlink,size,lastModifiedTime,rdev,uid,gid",
                    LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            warnings.add("cannot read '" + rel.printable() + "' (" + BuildContext.reason(e)
                    + "); left out, as docker build does");
            return;
        }
        boolean isDir = ((Integer) attributes.get("mode") & ContextTar.S_IFMT) == ContextTar.S_IFDIR;
        PatternMatcher.Result result;
        try {
            result = matcher.matchesUsingParentResults(rel.text(), parentInfo);
        } catch (BadPatternException e) {
            throw BuildContext.badPattern(ignoreFile, e);
        }
        if (result.matched()) {
            if (isDir && mustDescend(rel.text())) {
                walk(path, rel, result.info());
            }
            return;
        }
        add(path, rel, attributes);
        if (isDir) {
            walk(path, rel, result.info());
        }
    }

    /** An excluded directory is still walked when an exception pattern names something inside it. */
    private boolean mustDescend(String dir) {
        if (!matcher.exclusions()) {
            return false;
        }
        String dirSlash = dir + "/";
        return matcher.patterns().stream().anyMatch(p -> p.exclusion() && (p + "/").startsWith(dirSlash));
    }

    private void add(Path path, ContextPath rel, Map<String, Object> attributes) {
        int mode = (Integer) attributes.get("mode");
        int type = mode & ContextTar.S_IFMT;
        char flag = typeFlag(type);
        if (flag == 0) {
            warnings.add("'" + rel.printable() + "' is a socket; left out, as docker build does");
            return;
        }
        if (flag == ContextTar.TYPE_REG && !Files.isReadable(path)) {
            warnings.add("cannot read '" + rel.printable() + "' (permission denied); left out, as docker build does");
            return;
        }
        byte[] link = flag == ContextTar.TYPE_SYMLINK ? linkTarget(path, rel) : new byte[0];
        if (link == null) {
            return;
        }
        byte[] name = flag == ContextTar.TYPE_DIR ? withSlash(rel.bytes()) : rel.bytes();
        long size = flag == ContextTar.TYPE_REG ? (Long) attributes.get("size") : 0;
        if (flag != ContextTar.TYPE_DIR && (Integer) attributes.get("nlink") > 1) {
            byte[] first = seenInodes.putIfAbsent((Long) attributes.get("ino"), name);
            if (first != null) {
                flag = ContextTar.TYPE_LINK;
                link = first;
                size = 0;
            }
        }
        long[] device = device(type, (Long) attributes.get("rdev"));
        String[] owner = ownerNames.of(path, (Integer) attributes.get("uid"), (Integer) attributes.get("gid"));
        entries.add(new ContextTar.Entry(name, flag == ContextTar.TYPE_REG ? path : null, null, flag,
                mode & (07777 | ContextTar.S_IFMT), size,
                ((FileTime) attributes.get("lastModifiedTime")).toInstant().getEpochSecond(),
                link, device[0], device[1], owner[0], owner[1]));
    }

    private static byte[] withSlash(byte[] name) {
        byte[] dir = Arrays.copyOf(name, name.length + 1);
        dir[name.length] = '/';
        return dir;
    }

    /** The tar type of a file type, or 0 for a socket, which tar cannot hold. */
    private static char typeFlag(int type) {
        return switch (type) {
            case ContextTar.S_IFREG -> ContextTar.TYPE_REG;
            case ContextTar.S_IFDIR -> ContextTar.TYPE_DIR;
            case ContextTar.S_IFLNK -> ContextTar.TYPE_SYMLINK;
            case ContextTar.S_IFCHR -> ContextTar.TYPE_CHAR;
            case ContextTar.S_IFBLK -> ContextTar.TYPE_BLOCK;
            case ContextTar.S_IFIFO -> ContextTar.TYPE_FIFO;
            default -> 0;
        };
    }

    /** A symbolic link's target as bytes, or null after a warning when it cannot be read. */
    private byte[] linkTarget(Path path, ContextPath rel) {
        try {
            return RawNames.of(Files.readSymbolicLink(path));
        } catch (IOException e) {
            warnings.add("cannot read the link '" + rel.printable() + "' (" + BuildContext.reason(e)
                    + "); left out, as docker build does");
            return null;
        }
    }

    /**
     * Major and minor device numbers, glibc's way; zero unless moby's test says device, which also holds for
     * directories and links ({@code mode & 060000 != 0}).
     */
    private static long[] device(int type, long rdev) {
        if ((type & 0060000) == 0) {
            return new long[] {0, 0};
        }
        return new long[] {((rdev >>> 8) & 0xfff) | ((rdev >>> 32) & ~0xfffL), (rdev & 0xff) | ((rdev >>> 12) & ~0xffL)};
    }
}
