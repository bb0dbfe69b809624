package org.ecrpushpipe.config;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Where the run's results (IMAGE_URI, IMAGE_DIGEST, IMAGE_TAGS) go for later steps: OUTPUT_FILE, and Bitbucket's
 * shared pipe storage.
 *
 * @param outputFile       the file OUTPUT_FILE names, resolved against the clone; its directory takes a new file
 * @param sharedStorageDir {@code BITBUCKET_PIPE_SHARED_STORAGE_DIR}, when Bitbucket set it
 */
public record ResultSettings(Optional<Path> outputFile, Optional<Path> sharedStorageDir) {
    /** No results file, no shared storage. */
    public static final ResultSettings NONE = new ResultSettings(Optional.empty(), Optional.empty());
}
