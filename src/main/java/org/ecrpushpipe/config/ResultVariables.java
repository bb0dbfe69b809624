package org.ecrpushpipe.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Reads OUTPUT_FILE and Bitbucket's {@code BITBUCKET_PIPE_SHARED_STORAGE_DIR} into {@link ResultSettings}. */
final class ResultVariables {
    private final VariableReader reader;

    ResultVariables(VariableReader reader) {
        this.reader = reader;
    }

    ResultSettings read() {
        return new ResultSettings(reader.path(Variable.OUTPUT_FILE).flatMap(this::writable),
                reader.path(VariableReader.Context.BITBUCKET_PIPE_SHARED_STORAGE_DIR));
    }

    /**
     * OUTPUT_FILE, resolved against the clone. Its directory must exist and take a new file now, so that a run
     * never builds and pushes only to fail on writing its results: a file is created there and removed again.
     */
    private Optional<Path> writable(VariableReader.WrittenPath file) {
        String written = file.written();
        Path target = file.path();
        Path directory = target.getParent();
        if (Files.isDirectory(target)) {
            reader.problem(Variable.OUTPUT_FILE, "'" + written + "' is a directory; name a file in it");
            return Optional.empty();
        }
        if (directory == null || !Files.isDirectory(directory)) {
            reader.problem(Variable.OUTPUT_FILE, "the directory of '" + written + "' does not exist"
                    + " (create it in an earlier script line, or name a file in the clone)");
            return Optional.empty();
        }
        try {
            Files.delete(Files.createTempFile(directory, ".ecr-push-pipe-", ".tmp"));
        } catch (IOException | RuntimeException e) {
            reader.problem(Variable.OUTPUT_FILE, "cannot create a file in the directory of '" + written
                    + "' (read-only, or not the pipe's to write)");
            return Optional.empty();
        }
        return Optional.of(target);
    }
}
