package org.ecrpushpipe.config;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads REPORT and REPORT_PROXY, with Bitbucket's {@code BITBUCKET_REPO_FULL_NAME} and {@code BITBUCKET_COMMIT},
 * into {@link ReportSettings}. Unset, REPORT is on exactly in a pipeline (both context variables set); a context
 * that cannot name a commit then leaves the report out with a warning, since the report must never fail a run it
 * was not asked for. REPORT: 'true' outside a pipeline is a problem: it asks for what the run cannot do.
 */
final class ReportVariables {
    /** What a pipe's container reaches the pipeline's proxy at (Atlassian's Code Insights guide for pipes). */
    static final URI BITBUCKET_PROXY = URI.create("http://host.docker.internal:29418");
    /** {@code <workspace>/<repository slug>}, as Bitbucket writes BITBUCKET_REPO_FULL_NAME. */
    private static final Pattern FULL_NAME = Pattern.compile("[A-Za-z0-9_.~{}-]+/[A-Za-z0-9_.~-]+");
    /** A commit hash: git's abbreviated to full forms, SHA-1 or SHA-256. */
    private static final Pattern COMMIT = Pattern.compile("[0-9a-fA-F]{7,64}");

    private final VariableReader reader;

    ReportVariables(VariableReader reader) {
        this.reader = reader;
    }

    ReportSettings read() {
        Optional<String> written = reader.value(Variable.REPORT);
        boolean on = reader.flag(Variable.REPORT);
        Optional<URI> proxy = proxy();
        Optional<String> fullName = reader.bitbucket(VariableReader.Context.BITBUCKET_REPO_FULL_NAME);
        Optional<String> commit = reader.bitbucket(VariableReader.Context.BITBUCKET_COMMIT);
        if (written.isPresent() && !on || written.isEmpty() && (fullName.isEmpty() || commit.isEmpty())) {
            return ReportSettings.NONE;
        }
        Optional<String> unusable = unusableContext(fullName, commit);
        if (unusable.isPresent()) {
            if (written.isPresent()) {
                reader.problem(Variable.REPORT, "true, but " + unusable.get());
            } else {
                reader.warning("No Code Insights report: " + VariableReader.printable(unusable.get()) + ".");
            }
            return ReportSettings.NONE;
        }
        if (proxy.isEmpty()) {
            return ReportSettings.NONE;
        }
        String[] name = fullName.orElseThrow().split("/");
        Optional<String> image = reader.value(Variable.IMAGE);
        List<String> tags = reader.list(Variable.TAGS).orElse(List.of());
        return new ReportSettings(Optional.of(new ReportSettings.Target(name[0], name[1], commit.orElseThrow(),
                proxy.get(), id(image, tags), image, tags)));
    }

    /** Why the context names no commit to report on; empty when it does. */
    private static Optional<String> unusableContext(Optional<String> fullName, Optional<String> commit) {
        if (fullName.isEmpty() && commit.isEmpty()) {
            return Optional.of("the run is not in a Bitbucket pipeline (BITBUCKET_REPO_FULL_NAME and BITBUCKET_COMMIT"
                    + " are not set), and a report belongs to a commit; remove REPORT, which is on by default in a"
                    + " pipeline");
        }
        if (fullName.isEmpty() || commit.isEmpty()) {
            return Optional.of((fullName.isEmpty() ? "BITBUCKET_REPO_FULL_NAME" : "BITBUCKET_COMMIT") + " is not set,"
                    + " and a report belongs to a commit of a repository; Bitbucket sets both in a pipeline");
        }
        if (!FULL_NAME.matcher(fullName.get()).matches()) {
            return Optional.of("BITBUCKET_REPO_FULL_NAME '" + fullName.get() + "' is not <workspace>/<repository>");
        }
        if (!COMMIT.matcher(commit.get()).matches()) {
            return Optional.of("BITBUCKET_COMMIT '" + commit.get() + "' is not a commit hash (7 to 64 hexadecimal"
                    + " digits)");
        }
        return Optional.empty();
    }

    /** REPORT_PROXY, or the proxy a pipe's container reaches; empty when REPORT_PROXY is unusable (reported). */
    private Optional<URI> proxy() {
        Optional<String> written = reader.value(Variable.REPORT_PROXY);
        if (written.isEmpty()) {
            return Optional.of(BITBUCKET_PROXY);
        }
        String value = written.get();
        try {
            URI uri = URI.create(value);
            String path = Optional.ofNullable(uri.getRawPath()).orElse("");
            if ("http".equals(uri.getScheme()) && uri.getHost() != null && uri.getRawUserInfo() == null
                    && (path.isEmpty() || path.equals("/")) && uri.getRawQuery() == null
                    && uri.getRawFragment() == null) {
                if (uri.getPort() != -1 && (uri.getPort() < 1 || uri.getPort() > 65535)) {
                    reader.problem(Variable.REPORT_PROXY, "'" + value + "' names the port " + uri.getPort()
                            + ", outside 1 to 65535");
                    return Optional.empty();
                }
                return Optional.of(URI.create("http://" + uri.getRawAuthority()));
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        reader.problem(Variable.REPORT_PROXY, "'" + value + "' is not the address of an HTTP proxy (http://host:port);"
                + " the pipeline's proxy is " + BITBUCKET_PROXY + " from a pipe's container, http://localhost:29418"
                + " from a step's script");
        return Optional.empty();
    }

    /**
     * The report's id: {@code ecr-push-pipe-} and 16 hex digits of IMAGE and TAGS as written, so that one step's
     * runs share a report and two steps pushing different images or tags have one each. Bitbucket asks for an id
     * unique on the commit, prefixed by the reporting system's name.
     */
    static String id(Optional<String> image, List<String> tags) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest((image.orElse("") + "\n"
                    + String.join(" ", tags)).getBytes(StandardCharsets.UTF_8));
            return "ecr-push-pipe-" + HexFormat.of().formatHex(hash, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
