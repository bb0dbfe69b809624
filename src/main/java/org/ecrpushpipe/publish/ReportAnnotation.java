package org.ecrpushpipe.publish;

import java.net.URI;
import java.util.Optional;

/**
 * One finding to attach to the run's report on the commit (a Code Insights annotation), such as a vulnerability a
 * scan found in the image. A step that finds one hands it to {@link PublishEvents#annotation}; the report sends the
 * most severe first.
 *
 * @param id       unique among the run's findings ({@code CVE-2024-1234 openssl}): the report derives the
 *                 annotation's id from it
 * @param kind     what it is
 * @param severity how bad it is
 * @param summary  one line: what and where ({@code CVE-2024-1234 in openssl 3.0.2, fixed in 3.0.13})
 * @param details  more, when there is more to say
 * @param link     where to read about it
 */
public record ReportAnnotation(String id, Kind kind, Severity severity, String summary, Optional<String> details,
                               Optional<URI> link) {

    /** Bitbucket's kinds of annotation. */
    public enum Kind {
        VULNERABILITY, CODE_SMELL, BUG
    }

    /** Bitbucket's severities, most severe first; a scan's INFORMATIONAL or UNDEFINED findings are LOW. */
    public enum Severity {
        CRITICAL, HIGH, MEDIUM, LOW
    }
}
