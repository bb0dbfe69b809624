package org.ecrpushpipe.results;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The results as {@code KEY=value} lines that {@code source}, {@code set -a; . file}, Bitbucket's
 * {@code $BITBUCKET_PIPELINES_VARIABLES_PATH} and {@code docker run --env-file} all read: a value is quoted
 * ({@code '…'}) only when it holds a space (IMAGE_TAGS with several tags), so single values read the same
 * everywhere. Per region: {@code IMAGE_URI_EU_WEST_1} and {@code IMAGE_DIGEST_EU_WEST_1}. For a multi-platform
 * image: {@code IMAGE_PLATFORMS} (the platforms, space separated) and, per platform, {@code PLATFORM_DIGEST_LINUX_ARM64}.
 */
public final class DotenvResults {
    /** Characters a value may hold unquoted; URIs, digests and tags never hold others. */
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_.:/@+-]*");

    private DotenvResults() {
    }

    public static String render(ImageResults results) {
        StringBuilder out = new StringBuilder();
        line(out, "IMAGE_URI", results.imageUri());
        line(out, "IMAGE_DIGEST", results.digest().value());
        line(out, "IMAGE_TAGS", String.join(" ", results.tags()));
        for (ImageResults.Region region : results.regions()) {
            String suffix = "_" + region.region().toUpperCase(Locale.ROOT).replace('-', '_');
            line(out, "IMAGE_URI" + suffix, region.imageUri());
            line(out, "IMAGE_DIGEST" + suffix, region.digest().value());
        }
        if (!results.platforms().isEmpty()) {
            line(out, "IMAGE_PLATFORMS", String.join(" ", results.platforms().stream()
                    .map(ImageResults.Platform::platform).toList()));
        }
        for (ImageResults.Platform platform : results.platforms()) {
            line(out, "PLATFORM_DIGEST_" + platform.platform().toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]+", "_")
                    .replaceAll("^_|_$", ""), platform.digest().value());
        }
        return out.toString();
    }

    private static void line(StringBuilder out, String key, String value) {
        out.append(key).append('=');
        if (PLAIN.matcher(value).matches()) {
            out.append(value);
        } else {
            out.append('\'').append(value.replace("'", "'\\''")).append('\'');
        }
        out.append('\n');
    }
}
