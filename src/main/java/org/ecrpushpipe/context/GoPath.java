package org.ecrpushpipe.context;

/**
 * Go's {@code path.Clean} (which is {@code filepath.Clean} on Linux), ported so that {@code .dockerignore} patterns
 * are normalised exactly as the docker CLI normalises them: repeated slashes collapse, {@code .} elements go,
 * {@code x/..} pairs cancel, a trailing slash goes, and an empty result is {@code "."}.
 */
final class GoPath {
    private GoPath() {
    }

    static String clean(String path) {
        if (path.isEmpty()) {
            return ".";
        }
        boolean rooted = path.charAt(0) == '/';
        int n = path.length();
        StringBuilder out = new StringBuilder(n);
        int r = 0;
        int dotdot = 0;
        if (rooted) {
            out.append('/');
            r = 1;
            dotdot = 1;
        }
        while (r < n) {
            char c = path.charAt(r);
            if (c == '/') {
                r++;
            } else if (c == '.' && (r + 1 == n || path.charAt(r + 1) == '/')) {
                r++;
            } else if (c == '.' && path.charAt(r + 1) == '.' && (r + 2 == n || path.charAt(r + 2) == '/')) {
                r += 2;
                dotdot = parent(out, dotdot, rooted);
            } else {
                if (rooted && out.length() != 1 || !rooted && !out.isEmpty()) {
                    out.append('/');
                }
                for (; r < n && path.charAt(r) != '/'; r++) {
                    out.append(path.charAt(r));
                }
            }
        }
        return out.isEmpty() ? "." : out.toString();
    }

    /**
     * A {@code ..} element: drops the last element written, or, where nothing is left to drop in a relative path,
     * writes {@code ..}. Returns where the elements that can still be dropped start.
     */
    private static int parent(StringBuilder out, int dotdot, boolean rooted) {
        if (out.length() > dotdot) {
            int w = out.length() - 1;
            while (w > dotdot && out.charAt(w) != '/') {
                w--;
            }
            out.setLength(w);
            return dotdot;
        }
        if (rooted) {
            return dotdot;
        }
        if (!out.isEmpty()) {
            out.append('/');
        }
        out.append("..");
        return out.length();
    }

    /** Go's {@code filepath.Dir} for a cleaned, slash-separated relative path: {@code "."} when there is no slash. */
    static String dir(String path) {
        int slash = path.lastIndexOf('/');
        return clean(slash < 0 ? "" : path.substring(0, slash + 1));
    }
}
