package org.ecrpushpipe.context;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.ecrpushpipe.context.PatternMatcher.BadPatternException;
import org.ecrpushpipe.context.PatternMatcher.MatchInfo;

/**
 * A build context as the docker CLI sends it: the files of a directory that {@code .dockerignore} keeps (the
 * Dockerfile and {@code .dockerignore} always go; the engine drops them afterwards if they are excluded), checked
 * for readability first, and written as a plain tar with the CLI's headers (see {@link ContextTar}) so the engine
 * sees the same context, and the same build cache applies, as for {@code docker build}.
 *
 * <p>This follows the CLI's {@code runBuild} → {@code ReadDockerignore}, {@code ValidateContextDirectory},
 * {@code TrimBuildFilesFromExcludes} and moby's {@code TarWithOptions} step by step. Symbolic links are sent as
 * links and never followed. Nothing is read into memory: {@link #openTar()} streams file contents from disk.
 */
public final class BuildContext {
    /** At most this many unreadable paths are named in one report. */
    private static final int MAX_REPORTED = 10;

    private final Path directory;
    private final String dockerfile;
    private final List<ContextTar.Entry> entries;
    private final List<String> warnings;

    private BuildContext(Path directory, String dockerfile, List<ContextTar.Entry> entries, List<String> warnings) {
        this.directory = directory;
        this.dockerfile = dockerfile;
        this.entries = entries;
        this.warnings = warnings;
    }

    /** Why a context cannot be sent, in the user's words: each is one problem to report. */
    public static final class Unusable extends Exception {
        private final List<String> problems;

        Unusable(List<String> problems) {
            super(String.join("; ", problems));
            this.problems = List.copyOf(problems);
        }

        public List<String> problems() {
            return problems;
        }
    }

    /** A file of the context changed or vanished while the context was being sent. */
    public static final class SendFailure extends IOException {
        SendFailure(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * Reads {@code .dockerignore}, checks that every file that would be sent can be read, and lists what goes.
     *
     * @param directory  the context directory, symbolic links resolved
     * @param dockerfile the Dockerfile's path inside it, slash-separated, symbolic links resolved
     * @throws Unusable when {@code .dockerignore} cannot be read or holds a malformed pattern, or a file or
     *                  directory that would be sent cannot be read (docker build refuses these contexts too)
     */
    public static BuildContext scan(Path directory, String dockerfile) throws Unusable {
        List<String> excludes = readDockerignore(directory);
        PatternMatcher original = matcher(excludes);
        List<String> unreadable = new ArrayList<>();
        validate(directory, original, unreadable);
        if (!unreadable.isEmpty()) {
            List<String> problems = new ArrayList<>(unreadable.subList(0, Math.min(unreadable.size(), MAX_REPORTED)));
            if (unreadable.size() > MAX_REPORTED) {
                problems.add("and " + (unreadable.size() - MAX_REPORTED) + " more paths that cannot be read");
            }
            throw new Unusable(problems);
        }
        List<String> trimmed = trimBuildFilesFromExcludes(excludes, dockerfile);
        List<String> warnings = new ArrayList<>();
        List<ContextTar.Entry> entries = new Lister(directory, matcher(trimmed), warnings).list();
        return new BuildContext(directory, dockerfile, List.copyOf(entries), List.copyOf(warnings));
    }

    /** The context directory. */
    public Path directory() {
        return directory;
    }

    /** The Dockerfile's path inside the context, slash-separated, as the engine is told. */
    public String dockerfile() {
        return dockerfile;
    }

    /** The paths that go, in the order they are sent (directories end in {@code /}). */
    public List<String> paths() {
        return ContextTar.plainFirst(entries).stream().map(ContextTar.Entry::name).toList();
    }

    /** The total size of the files' contents, in bytes. */
    public long contentSize() {
        return entries.stream().mapToLong(ContextTar.Entry::size).sum();
    }

    /**
     * What docker build would log and skip: files it keeps but cannot add (a socket, a file under an excluded
     * directory that cannot be read). Never contains file contents.
     */
    public List<String> warnings() {
        return warnings;
    }

    /** A fresh stream of the context as a plain tar, read from disk as it is consumed. */
    public InputStream openTar() {
        return new ContextTar(entries);
    }

    private static List<String> readDockerignore(Path directory) throws Unusable {
        Path file = directory.resolve(".dockerignore");
        try (InputStream in = Files.newInputStream(file)) {
            return IgnoreFile.readAll(in);
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new Unusable(List.of(".dockerignore cannot be read (" + reason(e) + ")"));
        }
    }

    private static PatternMatcher matcher(List<String> patterns) throws Unusable {
        try {
            return PatternMatcher.of(patterns);
        } catch (BadPatternException e) {
            throw badPattern(e);
        }
    }

    private static Unusable badPattern(BadPatternException e) {
        return new Unusable(List.of(".dockerignore holds the pattern '" + e.pattern() + "', which is malformed ("
                + e.getMessage() + "); docker build rejects it too"));
    }

    /**
     * The CLI's {@code TrimBuildFilesFromExcludes}: adds exceptions so the Dockerfile and {@code .dockerignore} are
     * always sent (the engine removes them itself when they are excluded).
     */
    static List<String> trimBuildFilesFromExcludes(List<String> excludes, String dockerfile) {
        List<String> result = new ArrayList<>(excludes);
        if (quietlyMatches(".dockerignore", result)) {
            result.add("!.dockerignore");
        }
        if (quietlyMatches(dockerfile, result)) {
            result.add("!" + dockerfile);
        }
        return result;
    }

    /** patternmatcher's package-level {@code Matches}: errors count as no match. */
    private static boolean quietlyMatches(String file, List<String> patterns) {
        try {
            String clean = GoPath.clean(file);
            return !clean.equals(".") && PatternMatcher.of(patterns).matches(clean);
        } catch (BadPatternException e) {
            return false;
        }
    }

    /**
     * The CLI's {@code ValidateContextDirectory}: every file that is not excluded (by the patterns as written) must
     * open for reading, and every such directory must list. Symbolic links and named pipes are not opened.
     */
    private static void validate(Path root, PatternMatcher matcher, List<String> unreadable) throws Unusable {
        Deque<Path> directories = new ArrayDeque<>();
        directories.push(root);
        while (!directories.isEmpty()) {
            Path dir = directories.pop();
            List<Path> children;
            try {
                children = sortedChildren(dir);
            } catch (IOException e) {
                unreadable.add("cannot read the directory '" + relative(root, dir) + "' (" + reason(e) + ")");
                continue;
            }
            List<Path> subdirectories = new ArrayList<>();
            for (Path child : children) {
                String rel = relative(root, child);
                boolean skip;
                try {
                    skip = matcher.matchesOrParentMatches(GoPath.clean(rel));
                } catch (BadPatternException e) {
                    throw badPattern(e);
                }
                int type;
                try {
                    type = (Integer) Files.getAttribute(child, "unix:mode", LinkOption.NOFOLLOW_LINKS) & ContextTar.S_IFMT;
                } catch (IOException e) {
                    // the CLI's walk fails on a path it cannot stat before it looks at the patterns
                    unreadable.add("cannot read '" + rel + "' (" + reason(e) + ")");
                    continue;
                }
                if (skip) {
                    continue;
                }
                if (type == ContextTar.S_IFDIR) {
                    subdirectories.add(child);
                } else if (type == ContextTar.S_IFREG) {
                    try (FileChannel ignored = FileChannel.open(child, StandardOpenOption.READ)) {
                        // opened: readable
                    } catch (AccessDeniedException e) {
                        unreadable.add("cannot read '" + rel + "' (permission denied)");
                    } catch (IOException e) {
                        // like the CLI, only a refused permission is fatal here; the archiver reports the rest
                    }
                }
            }
            for (int i = subdirectories.size() - 1; i >= 0; i--) {
                directories.push(subdirectories.get(i));
            }
        }
    }

    /** Walks the context as moby's {@code Tarballer.Do} does, collecting the entries that go. */
    private static final class Lister {
        private final Path root;
        private final PatternMatcher matcher;
        private final List<String> warnings;
        private final List<ContextTar.Entry> entries = new ArrayList<>();
        private final Map<Long, String> seenInodes = new HashMap<>();
        private final OwnerNames ownerNames = new OwnerNames();
        private final List<String> parentDirs = new ArrayList<>();
        private final List<MatchInfo> parentMatchInfo = new ArrayList<>();

        Lister(Path root, PatternMatcher matcher, List<String> warnings) {
            this.root = root;
            this.matcher = matcher;
            this.warnings = warnings;
        }

        List<ContextTar.Entry> list() throws Unusable {
            walk(root);
            return entries;
        }

        private void walk(Path dir) throws Unusable {
            List<Path> children;
            try {
                children = sortedChildren(dir);
            } catch (IOException e) {
                warnings.add("cannot read the directory '" + relative(root, dir) + "' (" + reason(e)
                        + "); its contents are left out, as docker build does");
                return;
            }
            for (Path child : children) {
                visit(child);
            }
        }

        private void visit(Path path) throws Unusable {
            String rel = relative(root, path);
            Map<String, Object> attributes;
            try {
                attributes = Files.readAttributes(path, "unix:mode,ino,nlink,size,lastModifiedTime,rdev,uid,gid",
                        LinkOption.NOFOLLOW_LINKS);
            } catch (IOException e) {
                warnings.add("cannot read '" + rel + "' (" + reason(e) + "); left out, as docker build does");
                return;
            }
            int mode = (Integer) attributes.get("mode");
            boolean isDir = (mode & ContextTar.S_IFMT) == ContextTar.S_IFDIR;

            while (!parentDirs.isEmpty() && !rel.startsWith(parentDirs.get(parentDirs.size() - 1) + "/")) {
                parentDirs.remove(parentDirs.size() - 1);
                parentMatchInfo.remove(parentMatchInfo.size() - 1);
            }
            PatternMatcher.Result result;
            try {
                result = matcher.matchesUsingParentResults(rel,
                        parentMatchInfo.isEmpty() ? MatchInfo.NONE : parentMatchInfo.get(parentMatchInfo.size() - 1));
            } catch (BadPatternException e) {
                throw badPattern(e);
            }
            if (isDir) {
                parentDirs.add(rel);
                parentMatchInfo.add(result.info());
            }
            if (result.matched()) {
                if (isDir && mustDescend(rel)) {
                    walk(path);
                }
                return;
            }
            add(path, rel, attributes);
            if (isDir) {
                walk(path);
            }
        }

        /** An excluded directory is still walked when an exception pattern names something inside it. */
        private boolean mustDescend(String dir) {
            if (!matcher.exclusions()) {
                return false;
            }
            String dirSlash = dir + "/";
            return matcher.patterns().stream()
                    .anyMatch(p -> p.exclusion() && (p + "/").startsWith(dirSlash));
        }

        private void add(Path path, String rel, Map<String, Object> attributes) {
            int mode = (Integer) attributes.get("mode");
            int type = mode & ContextTar.S_IFMT;
            char flag;
            String link = "";
            long size = 0;
            switch (type) {
                case ContextTar.S_IFREG -> {
                    flag = ContextTar.TYPE_REG;
                    size = (Long) attributes.get("size");
                }
                case ContextTar.S_IFDIR -> flag = ContextTar.TYPE_DIR;
                case ContextTar.S_IFLNK -> {
                    flag = ContextTar.TYPE_SYMLINK;
                    try {
                        link = Files.readSymbolicLink(path).toString();
                    } catch (IOException e) {
                        warnings.add("cannot read the link '" + rel + "' (" + reason(e) + "); left out, as docker build does");
                        return;
                    }
                }
                case ContextTar.S_IFCHR -> flag = ContextTar.TYPE_CHAR;
                case ContextTar.S_IFBLK -> flag = ContextTar.TYPE_BLOCK;
                case ContextTar.S_IFIFO -> flag = ContextTar.TYPE_FIFO;
                default -> {
                    warnings.add("'" + rel + "' is a socket; left out, as docker build does");
                    return;
                }
            }
            if (flag == ContextTar.TYPE_REG && !Files.isReadable(path)) {
                warnings.add("cannot read '" + rel + "' (permission denied); left out, as docker build does");
                return;
            }
            String name = flag == ContextTar.TYPE_DIR ? rel + "/" : rel;
            if (flag != ContextTar.TYPE_DIR && (Integer) attributes.get("nlink") > 1) {
                long inode = (Long) attributes.get("ino");
                String first = seenInodes.putIfAbsent(inode, name);
                if (first != null) {
                    flag = ContextTar.TYPE_LINK;
                    link = first;
                    size = 0;
                }
            }
            long rdev = (Long) attributes.get("rdev");
            long major = ((rdev >>> 8) & 0xfff) | ((rdev >>> 32) & ~0xfffL);
            long minor = (rdev & 0xff) | ((rdev >>> 12) & ~0xffL);
            boolean device = (type & 0060000) != 0; // moby's test, which also holds for directories and links
            String[] owner = ownerNames.of(path, (Integer) attributes.get("uid"), (Integer) attributes.get("gid"));
            entries.add(new ContextTar.Entry(name, flag == ContextTar.TYPE_REG ? path : null, flag,
                    mode & (07777 | ContextTar.S_IFMT), size,
                    ((FileTime) attributes.get("lastModifiedTime")).toInstant().getEpochSecond(),
                    link, device ? major : 0, device ? minor : 0, owner[0], owner[1]));
        }
    }

    /**
     * Whether the JVM decodes file names as UTF-8. Without a UTF-8 locale (no {@code LANG}) it decodes them as
     * ASCII, and a name such as {@code café.txt} would reach the tar mangled: such a context is refused instead.
     */
    private static final boolean UTF8_NAMES = "UTF-8".equalsIgnoreCase(System.getProperty("sun.jnu.encoding", "UTF-8"));

    /** Whether a listed name, decoded to text and encoded back, still names the same file. */
    private static boolean sameNameWhenReadBack(Path dir, Path child) {
        String name = child.getFileName().toString();
        if (name.chars().allMatch(c -> c < 0x80 && c != '?')) {
            return true;
        }
        try {
            return name.chars().allMatch(c -> c < 0x80) && Files.exists(dir.resolve(name), LinkOption.NOFOLLOW_LINKS)
                    && Files.isSameFile(dir.resolve(name), child);
        } catch (IOException | InvalidPathException e) {
            return false;
        }
    }

    /** A directory's entries sorted as Go sorts names: by their UTF-8 bytes. */
    private static List<Path> sortedChildren(Path dir) throws IOException {
        List<Path> children = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            stream.forEach(children::add);
        }
        if (!UTF8_NAMES) {
            for (Path child : children) {
                if (!sameNameWhenReadBack(dir, child)) {
                    throw new IOException("a file name in it is not ASCII, and the pipe runs without a UTF-8 locale,"
                            + " which cannot read such names faithfully; set LANG=C.UTF-8 (the pipe's image does)");
                }
            }
        }
        children.sort((a, b) -> Arrays.compareUnsigned(
                a.getFileName().toString().getBytes(StandardCharsets.UTF_8),
                b.getFileName().toString().getBytes(StandardCharsets.UTF_8)));
        return children;
    }

    private static String relative(Path root, Path path) {
        String rel = root.relativize(path).toString();
        return rel.isEmpty() ? "." : rel;
    }

    private static String reason(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof NoSuchFileException) {
            return "it disappeared";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
