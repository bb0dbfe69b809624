package org.ecrpushpipe.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads CACHE, CACHE_FROM and OUTPUT_FILE (and Bitbucket's {@code BITBUCKET_PIPE_SHARED_STORAGE_DIR} and
 * {@code BITBUCKET_BRANCH}) into {@link CacheSettings}, reporting each problem to the reader that collects them.
 */
final class CacheVariables {
    /** {@code [host[:port]/]path[:tag]}, the path in the OCI distribution grammar (lower case). */
    private static final Pattern REFERENCE = Pattern.compile(
            "(?:(?<host>[^/]+)/)?(?<path>[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*)*)"
                    + "(?::(?<tag>[^:/@]+))?");
    private static final Pattern LIST_INDEX = Pattern.compile("\\d{1,4}");
    /** Where results go inside the shared pipe storage directory. */
    private static final String SHARED_STORAGE = "BITBUCKET_PIPE_SHARED_STORAGE_DIR";

    private final Function<Variable, Optional<String>> value;
    private final Function<String, String> context;
    private final BiConsumer<Variable, String> problem;
    private final Path workingDirectory;

    /**
     * @param value            a pipe variable's value (under its first name set), empty when unset
     * @param context          a context variable's trimmed value, null when unset or empty
     * @param problem          collects a problem with a variable
     * @param workingDirectory the clone, against which OUTPUT_FILE is resolved
     */
    CacheVariables(Function<Variable, Optional<String>> value, Function<String, String> context,
                   BiConsumer<Variable, String> problem, Path workingDirectory) {
        this.value = value;
        this.context = context;
        this.problem = problem;
        this.workingDirectory = workingDirectory;
    }

    CacheSettings read() {
        CacheSettings.CacheMode mode = readMode();
        List<CacheSettings.CacheImage> cacheFrom = readCacheFrom();
        Optional<Tag> branch = Optional.ofNullable(context.apply("BITBUCKET_BRANCH")).map(Tag::fromGitRef);
        Optional<Path> output = readOutputFile();
        Optional<Path> shared = Optional.ofNullable(context.apply(SHARED_STORAGE)).flatMap(this::path);
        return new CacheSettings(mode, cacheFrom, branch, output, shared);
    }

    private CacheSettings.CacheMode readMode() {
        Optional<String> written = value.apply(Variable.CACHE);
        if (written.isEmpty()) {
            return CacheSettings.CacheMode.ON;
        }
        return switch (written.get().toLowerCase(Locale.ROOT)) {
            case "true" -> CacheSettings.CacheMode.ON;
            case "false" -> CacheSettings.CacheMode.OFF;
            case "stages" -> CacheSettings.CacheMode.STAGES;
            default -> {
                problem.accept(Variable.CACHE, "'" + written.get() + "' is not one of true, false, stages");
                yield CacheSettings.CacheMode.OFF;
            }
        };
    }

    /** The list form (CACHE_FROM_COUNT, CACHE_FROM_0, …) first, else CACHE_FROM split on spaces. */
    private List<CacheSettings.CacheImage> readCacheFrom() {
        List<String> items = new ArrayList<>();
        String count = context.apply("CACHE_FROM_COUNT");
        if (count != null) {
            if (!LIST_INDEX.matcher(count).matches()) {
                problem.accept(Variable.CACHE_FROM, "CACHE_FROM_COUNT is '" + count + "', not a number of images");
                return List.of();
            }
            for (int i = 0; i < Integer.parseInt(count); i++) {
                String item = context.apply("CACHE_FROM_" + i);
                if (item != null) {
                    items.addAll(List.of(item.split("\\s+")));
                }
            }
        } else {
            value.apply(Variable.CACHE_FROM).ifPresent(v -> items.addAll(List.of(v.split("\\s+"))));
        }
        List<CacheSettings.CacheImage> images = new ArrayList<>();
        for (String item : items) {
            parse(item).ifPresentOrElse(images::add, () -> problem.accept(Variable.CACHE_FROM, "'" + item
                    + "' is not an image reference ([<registry>/]<repository>[:<tag>], lower-case repository,"
                    + " a tag rather than a digest)"));
        }
        return images;
    }

    /** A reference as Docker reads it: the first component is a registry when it holds '.' or ':' or is localhost. */
    static Optional<CacheSettings.CacheImage> parse(String item) {
        Matcher m = REFERENCE.matcher(item);
        if (!m.matches()) {
            return Optional.empty();
        }
        String host = m.group("host");
        String path = m.group("path");
        if (host != null && !(host.contains(".") || host.contains(":") || host.equals("localhost"))) {
            path = host + "/" + path; // a repository path, as Docker reads 'team/app'
            if (!REFERENCE.matcher(path).matches() || !path.equals(path.toLowerCase(Locale.ROOT))) {
                return Optional.empty();
            }
            host = null;
        }
        String tag = m.group("tag") == null ? "latest" : m.group("tag");
        if (!Tag.isValid(tag)) {
            return Optional.empty();
        }
        return Optional.of(new CacheSettings.CacheImage(Optional.ofNullable(host), path, new Tag(tag)));
    }

    /**
     * OUTPUT_FILE, resolved against the clone. Its directory must exist and take a new file now, so that a run
     * never builds and pushes only to fail on writing its results: a file is created there and removed again.
     */
    private Optional<Path> readOutputFile() {
        Optional<String> written = value.apply(Variable.OUTPUT_FILE);
        if (written.isEmpty()) {
            return Optional.empty();
        }
        Optional<Path> file = path(written.get());
        if (file.isEmpty()) {
            problem.accept(Variable.OUTPUT_FILE, "'" + written.get() + "' is not a file path");
            return Optional.empty();
        }
        Path target = file.get();
        Path directory = target.getParent();
        if (Files.isDirectory(target)) {
            problem.accept(Variable.OUTPUT_FILE, "'" + written.get() + "' is a directory; name a file in it");
            return Optional.empty();
        }
        if (directory == null || !Files.isDirectory(directory)) {
            problem.accept(Variable.OUTPUT_FILE, "the directory of '" + written.get() + "' does not exist"
                    + " (create it in an earlier script line, or name a file in the clone)");
            return Optional.empty();
        }
        try {
            Files.delete(Files.createTempFile(directory, ".ecr-push-pipe-", ".tmp"));
        } catch (IOException | RuntimeException e) {
            problem.accept(Variable.OUTPUT_FILE, "cannot create a file in the directory of '" + written.get()
                    + "' (read-only, or not the pipe's to write)");
            return Optional.empty();
        }
        return file;
    }

    private Optional<Path> path(String written) {
        try {
            return Optional.of(workingDirectory.resolve(written).toAbsolutePath().normalize());
        } catch (InvalidPathException e) {
            return Optional.empty();
        }
    }
}
