package org.ecrpushpipe.publish;

import java.nio.file.Path;
import java.util.List;

/** Where a successful run's results go for later steps (files); the use case says what was written. */
@FunctionalInterface
public interface ResultsOutput {

    /** Writes nothing. */
    ResultsOutput NONE = result -> new Written(List.of(), List.of());

    /**
     * Writes the results.
     *
     * @throws org.ecrpushpipe.errors.PipeException when a file the user asked for cannot be written
     */
    Written write(PublishResult result);

    /** The files written, and why any other could not be. */
    record Written(List<Path> files, List<String> warnings) {
        public Written {
            files = List.copyOf(files);
            warnings = List.copyOf(warnings);
        }
    }
}
