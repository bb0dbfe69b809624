package org.ecrpushpipe.publish;

import java.util.List;

/** How a run ended, as its report on the commit tells it. */
public sealed interface RunOutcome {

    /** Findings to attach to the report (a scan's), in the order found. */
    List<ReportAnnotation> annotations();

    /**
     * The run pushed (or promoted) its image and verified every tag.
     *
     * @param result   what the registry now holds, and where the time went
     * @param promoted whether the image was promoted (SOURCE_TAG, SOURCE_DIGEST) rather than built or pushed
     */
    record Succeeded(PublishResult result, boolean promoted, List<ReportAnnotation> annotations)
            implements RunOutcome {
        public Succeeded {
            annotations = List.copyOf(annotations);
        }
    }

    /**
     * The run failed.
     *
     * @param failure  the failure's {@code ✖} line, without the mark (a configuration failure's problems on it)
     * @param hint     its hint
     * @param exitCode the run's exit code
     */
    record Failed(String failure, String hint, int exitCode, List<ReportAnnotation> annotations)
            implements RunOutcome {
        public Failed {
            annotations = List.copyOf(annotations);
        }
    }
}
