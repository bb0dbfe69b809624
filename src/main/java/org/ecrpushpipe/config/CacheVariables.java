package org.ecrpushpipe.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads CACHE, CACHE_FROM and the branch (Bitbucket's {@code BITBUCKET_BRANCH}) into {@link CacheSettings}, for a
 * run and for the {@code policy} subcommand alike.
 */
final class CacheVariables {
    /** {@code [host[:port]/]path[:tag]}, the path in the OCI distribution grammar (lower case). */
    private static final Pattern REFERENCE = Pattern.compile(
            "(?:(?<host>[^/]+)/)?(?<path>[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*)*)"
                    + "(?::(?<tag>[^:/@]+))?");

    private final VariableReader reader;

    CacheVariables(VariableReader reader) {
        this.reader = reader;
    }

    CacheSettings read() {
        CacheSettings.CacheMode mode = readMode();
        List<CacheSettings.CacheImage> cacheFrom = readCacheFrom();
        Optional<Tag> branch = reader.bitbucket(VariableReader.Context.BITBUCKET_BRANCH).map(Tag::fromGitRef);
        return new CacheSettings(mode, cacheFrom, branch);
    }

    /** CACHE; its default when it is none of its values (a run stops on that problem; policy takes the default). */
    private CacheSettings.CacheMode readMode() {
        Optional<String> written = reader.value(Variable.CACHE);
        if (written.isEmpty()) {
            return CacheSettings.CacheMode.ON;
        }
        return switch (written.get().toLowerCase(Locale.ROOT)) {
            case "true" -> CacheSettings.CacheMode.ON;
            case "false" -> CacheSettings.CacheMode.OFF;
            case "stages" -> CacheSettings.CacheMode.STAGES;
            default -> {
                reader.problem(Variable.CACHE, "'" + written.get() + "' is not one of true, false, stages");
                yield CacheSettings.CacheMode.ON;
            }
        };
    }

    private List<CacheSettings.CacheImage> readCacheFrom() {
        List<CacheSettings.CacheImage> images = new ArrayList<>();
        for (String item : reader.list(Variable.CACHE_FROM).orElse(List.of())) {
            parse(item).ifPresentOrElse(images::add, () -> reader.problem(Variable.CACHE_FROM, "'" + item
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
}
