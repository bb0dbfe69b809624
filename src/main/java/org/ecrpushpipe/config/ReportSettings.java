package org.ecrpushpipe.config;

import java.net.URI;
import java.util.List;
import java.util.Optional;

/**
 * The Code Insights report on the commit (REPORT): whether one is sent, and where.
 *
 * @param target where the report goes; empty when none is sent
 */
public record ReportSettings(Optional<Target> target) {
    /** No report. */
    public static final ReportSettings NONE = new ReportSettings(Optional.empty());

    /**
     * The commit the report belongs to, the way to Bitbucket's API, and what the report is called.
     *
     * @param workspace  the repository's workspace, from {@code BITBUCKET_REPO_FULL_NAME}
     * @param repository the repository's slug, from {@code BITBUCKET_REPO_FULL_NAME}
     * @param commit     {@code BITBUCKET_COMMIT}
     * @param proxy      the pipeline's authenticating proxy (REPORT_PROXY)
     * @param id         the report's id on the commit: the same for every run of the same IMAGE and TAGS, so a
     *                   re-run replaces its report and another step's image gets a report of its own
     * @param image      IMAGE as written, for the report's title; empty when unset or unusable
     * @param tags       TAGS as written; empty when unset (the tags then come from the branch)
     */
    public record Target(String workspace, String repository, String commit, URI proxy, String id,
                         Optional<String> image, List<String> tags) {
        public Target {
            tags = List.copyOf(tags);
        }
    }
}
