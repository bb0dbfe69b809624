package org.ecrpushpipe.context;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.ecrpushpipe.context.PatternMatcher.BadPatternException;

/**
 * A build context as the docker CLI sends it: the files of a directory that the ignore file keeps, checked for
 * readability first, and written as a plain tar with the CLI's headers (see {@link ContextTar}) so the engine sees
 * the same context, and the same build cache applies, as for {@code docker build}. Names are bytes throughout:
 * a file is named in the tar exactly as the system names it, whatever the names' encoding.
 *
 * <p>A context is what the classic builder is sent ({@code docker build} with {@code DOCKER_BUILDKIT=0}: the CLI's
 * {@code runBuild} → {@code ReadDockerignore}, {@code ValidateContextDirectory}, {@code TrimBuildFilesFromExcludes},
 * moby's {@code TarWithOptions}, {@code AddDockerfileToBuildContext}); {@link #forBuildKit()} is the same directory
 * as BuildKit takes it. Symbolic links are sent as links and never followed. File contents are never read into
 * memory: {@link #openTar()} streams them from disk.
 */
public final class BuildContext {
    /** At most this many unreadable paths are named in one report. */
    private static final int MAX_REPORTED = 10;
    private static final String DOCKERIGNORE = ".dockerignore";

    private final Path directory;
    private final String dockerfile;
    private final Listing listing;
    private final Listing buildKit;
    private final List<String> warnings;

    /** What one builder is sent: the entries, and the name under which the Dockerfile is among them. */
    private record Listing(List<ContextTar.Entry> entries, String tarDockerfile) {
        Listing {
            entries = List.copyOf(entries);
        }
    }

    private BuildContext(Path directory, String dockerfile, Listing listing, Listing buildKit, List<String> warnings) {
        this.directory = directory;
        this.dockerfile = dockerfile;
        this.listing = listing;
        this.buildKit = buildKit;
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
     * Scans a context whose Dockerfile's own ignore file, for BuildKit, lies beside the Dockerfile.
     *
     * @see #scan(Path, String, Path)
     */
    public static BuildContext scan(Path directory, String dockerfile) throws Unusable {
        return scan(directory, dockerfile, directory.resolve(dockerfile + DOCKERIGNORE));
    }

    /**
     * Reads the ignore files, checks that every file that would be sent can be read, and lists what goes: for the
     * classic builder as {@code .dockerignore} says, for BuildKit as the Dockerfile's own ignore file says when there
     * is one (a regular file, even an empty one), else {@code .dockerignore}.
     *
     * @param directory        the context directory, symbolic links resolved
     * @param dockerfile       the Dockerfile's path relative to it, slash-separated, symbolic links resolved; it may
     *                         lead outside it ({@code ../docker/api.Dockerfile})
     * @param dockerfileIgnore where BuildKit looks for the Dockerfile's own ignore file: beside the Dockerfile as
     *                         the user names it, {@code <Dockerfile>.dockerignore}
     * @throws Unusable when an ignore file cannot be read or holds a malformed pattern, the Dockerfile cannot be
     *                  read, or a file or directory that would be sent cannot be read (docker build refuses these
     *                  contexts too)
     */
    public static BuildContext scan(Path directory, String dockerfile, Path dockerfileIgnore) throws Unusable {
        Optional<IgnoreFile.Contents> dockerignore = readIgnore(directory.resolve(DOCKERIGNORE), DOCKERIGNORE);
        String ownName = RawNames.printable(RawNames.of(directory.relativize(dockerfileIgnore)));
        Optional<IgnoreFile.Contents> own = Files.isRegularFile(dockerfileIgnore)
                ? readIgnore(dockerfileIgnore, ownName) : Optional.empty();
        Rule classic = new Rule(DOCKERIGNORE, patterns(dockerignore));
        Rule buildKit = own.isPresent() ? new Rule(ownName, patterns(own)) : classic;
        checkReadable(directory, classic, buildKit);
        List<String> warnings = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        dockerignore.filter(c -> !c.validUtf8()).ifPresent(c -> seen.add(invalidUtf8(DOCKERIGNORE)));
        own.filter(c -> !c.validUtf8()).ifPresent(c -> seen.add(invalidUtf8(ownName)));
        Scan scan = new Scan(directory, dockerfile, dockerignore.map(IgnoreFile.Contents::raw), warnings);
        Listing classicListing = scan.classic(classic);
        Listing buildKitListing = scan.buildKit(buildKit, buildKit == classic);
        seen.addAll(warnings);
        return new BuildContext(directory, dockerfile, classicListing, buildKitListing, List.copyOf(seen));
    }

    /** The same context as BuildKit takes it from the engine's API (a tar body, no client session). */
    public BuildContext forBuildKit() {
        return new BuildContext(directory, dockerfile, buildKit, buildKit, warnings);
    }

    /** The context directory. */
    public Path directory() {
        return directory;
    }

    /**
     * The Dockerfile's path relative to the context directory, slash-separated, as it is read from disk; it may
     * lead outside the directory ({@code ../docker/api.Dockerfile}).
     */
    public String dockerfile() {
        return dockerfile;
    }

    /** The Dockerfile's name in the tar, which the engine is told ({@code dockerfile=}). */
    public String tarDockerfile() {
        return listing.tarDockerfile();
    }

    /**
     * The paths that go, in the order they are sent (directories end in {@code /}); a byte that is not UTF-8 is
     * shown as {@code \xE9}.
     */
    public List<String> paths() {
        return ContextTar.plainFirst(listing.entries()).stream().map(ContextTar.Entry::printableName).toList();
    }

    /** The total size of the files' contents, in bytes. */
    public long contentSize() {
        return listing.entries().stream().mapToLong(ContextTar.Entry::size).sum();
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
        return new ContextTar(listing.entries());
    }

    /** An ignore file's name and patterns. */
    private record Rule(String file, List<String> patterns) {
    }

    /** The listings of one directory, walked once per set of patterns. */
    private static final class Scan {
        private final Path directory;
        private final String dockerfile;
        private final Optional<byte[]> dockerignore;
        private final List<String> warnings;
        private List<ContextTar.Entry> classicWalk;
        private DockerfileCopy copy;

        Scan(Path directory, String dockerfile, Optional<byte[]> dockerignore, List<String> warnings) {
            this.directory = directory;
            this.dockerfile = dockerfile;
            this.dockerignore = dockerignore;
            this.warnings = warnings;
        }

        /** The classic builder's: the CLI's exceptions added; a Dockerfile outside added under a name of its own. */
        Listing classic(Rule rule) throws Unusable {
            List<String> trimmed = trimBuildFilesFromExcludes(rule.patterns(), dockerfile);
            classicWalk = ContextWalk.list(directory, matcher(rule.file(), trimmed), rule.file(), warnings);
            if (!outside(dockerfile)) {
                return new Listing(classicWalk, dockerfile);
            }
            return new Listing(copy().forClassic(classicWalk, dockerignore), copy().name());
        }

        /**
         * BuildKit's: no exceptions, as the CLI sends the Dockerfile apart and the engine reads no ignore file
         * from the context; so a Dockerfile the context does not send goes under a name of its own. The directory
         * is walked again only when the patterns are not the classic builder's.
         */
        Listing buildKit(Rule rule, boolean sameAsClassic) throws Unusable {
            PatternMatcher matcher = matcher(rule.file(), rule.patterns());
            List<ContextTar.Entry> entries = sameAsClassic ? withoutExceptions(matcher)
                    : ContextWalk.list(directory, matcher, rule.file(), warnings);
            byte[] name = dockerfile.getBytes(StandardCharsets.UTF_8);
            if (!outside(dockerfile) && entries.stream().anyMatch(e -> e.named(name))) {
                return new Listing(entries, dockerfile);
            }
            return new Listing(copy().forBuildKit(entries), copy().name());
        }

        /** The Dockerfile, read once. */
        private DockerfileCopy copy() throws Unusable {
            if (copy == null) {
                copy = DockerfileCopy.read(directory.resolve(dockerfile), dockerfile);
            }
            return copy;
        }

        /**
         * The classic walk without what only the CLI's exceptions sent: an exception for one file changes nothing
         * else, so the same patterns without it walk the same tree less that file.
         */
        private List<ContextTar.Entry> withoutExceptions(PatternMatcher matcher) {
            List<ContextTar.Entry> kept = new ArrayList<>(classicWalk);
            for (String name : List.of(DOCKERIGNORE, dockerfile)) {
                if (excluded(matcher, name)) {
                    byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
                    kept.removeIf(e -> e.named(bytes));
                }
            }
            return kept;
        }
    }

    /** Whether a path relative to the context leads out of it. */
    private static boolean outside(String path) {
        return path.equals("..") || path.startsWith("../");
    }

    private static boolean excluded(PatternMatcher matcher, String name) {
        try {
            return matcher.matchesOrParentMatches(name);
        } catch (BadPatternException e) {
            return false; // the walk met the pattern first and reported it
        }
    }

    /** An ignore file's contents, or none when it does not exist. */
    private static Optional<IgnoreFile.Contents> readIgnore(Path file, String name) throws Unusable {
        try {
            return Optional.of(IgnoreFile.read(Files.readAllBytes(file)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new Unusable(List.of(name + " cannot be read (" + reason(e) + ")"));
        }
    }

    private static List<String> patterns(Optional<IgnoreFile.Contents> contents) {
        return contents.map(IgnoreFile.Contents::patterns).orElse(List.of());
    }

    private static String invalidUtf8(String file) {
        return file + " holds bytes that are not UTF-8; each such byte of a pattern matches any such byte of a name,"
                + " as docker build matches it";
    }

    /** Every file each builder would be sent must be readable, as the CLI checks before it sends any. */
    private static void checkReadable(Path directory, Rule classic, Rule buildKit) throws Unusable {
        Set<String> unreadable = new LinkedHashSet<>(
                ContextCheck.unreadable(directory, matcher(classic.file(), classic.patterns()), classic.file()));
        if (buildKit != classic) {
            unreadable.addAll(ContextCheck.unreadable(directory, matcher(buildKit.file(), buildKit.patterns()),
                    buildKit.file()));
        }
        if (!unreadable.isEmpty()) {
            List<String> all = List.copyOf(unreadable);
            List<String> problems = new ArrayList<>(all.subList(0, Math.min(all.size(), MAX_REPORTED)));
            if (all.size() > MAX_REPORTED) {
                problems.add("and " + (all.size() - MAX_REPORTED) + " more paths that cannot be read");
            }
            throw new Unusable(problems);
        }
    }

    private static PatternMatcher matcher(String file, List<String> patterns) throws Unusable {
        try {
            return PatternMatcher.of(patterns);
        } catch (BadPatternException e) {
            throw badPattern(file, e);
        }
    }

    /** A malformed pattern of an ignore file, named as the user wrote the file's path. */
    static Unusable badPattern(String file, BadPatternException e) {
        return new Unusable(List.of(file + " holds the pattern '" + e.pattern() + "', which is malformed ("
                + e.getMessage() + "); docker build rejects it too"));
    }

    /**
     * The CLI's {@code TrimBuildFilesFromExcludes}: adds exceptions so the Dockerfile and {@code .dockerignore} are
     * always sent (the engine removes them itself when they are excluded). A Dockerfile outside the context gets
     * its exception too, as in the CLI, where it changes nothing.
     */
    static List<String> trimBuildFilesFromExcludes(List<String> excludes, String dockerfile) {
        List<String> result = new ArrayList<>(excludes);
        if (quietlyMatches(DOCKERIGNORE, result)) {
            result.add("!" + DOCKERIGNORE);
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

    static String reason(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof NoSuchFileException) {
            return "it disappeared";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
