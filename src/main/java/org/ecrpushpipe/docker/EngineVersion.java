package org.ecrpushpipe.docker;

/**
 * What the Docker engine says of itself ({@code GET /version}): enough to choose a builder and to name the engine in
 * messages.
 *
 * @param version    the engine's release, as it names it ({@code 20.10.24+dfsg1}, {@code 28.5.2})
 * @param apiVersion the newest Engine API version it speaks ({@code 1.41})
 * @param os         the daemon's operating system ({@code linux}, {@code windows})
 */
public record EngineVersion(String version, String apiVersion, String os) {
    /**
     * The first Engine API version whose daemons build with BuildKit ({@code POST /build?version=2}) without
     * experimental mode: Docker 18.09. The docker CLI asks no more of a daemon to use BuildKit
     * ({@code isSessionSupported} in its build command: API 1.39 or later).
     */
    public static final String BUILDKIT_API = "1.39";

    /**
     * Whether the engine builds with BuildKit: a Linux daemon (a Windows daemon has no BuildKit builder) speaking
     * API {@value #BUILDKIT_API} or later.
     */
    public boolean buildsWithBuildKit() {
        return os.equalsIgnoreCase("linux") && atLeast(apiVersion, BUILDKIT_API);
    }

    /** Whether a dotted version ({@code 1.41}) is at least another ({@code 1.39}), number by number. */
    static boolean atLeast(String version, String minimum) {
        String[] have = version.split("\\.");
        String[] need = minimum.split("\\.");
        for (int i = 0; i < Math.max(have.length, need.length); i++) {
            int a = i < have.length ? number(have[i]) : 0;
            int b = i < need.length ? number(need[i]) : 0;
            if (a != b) {
                return a > b;
            }
        }
        return true;
    }

    private static int number(String part) {
        String digits = part.replaceFirst("\\D.*", "");
        return digits.isEmpty() ? 0 : digits.length() > 9 ? Integer.MAX_VALUE : Integer.parseInt(digits);
    }

    /** The release's major number ({@code 20} for {@code 20.10.24}), 0 when it does not start with one. */
    public int major() {
        return number(version.split("\\.")[0]);
    }

    @Override
    public String toString() {
        return "Docker " + version + " (API " + apiVersion + ", " + os + ")";
    }
}
