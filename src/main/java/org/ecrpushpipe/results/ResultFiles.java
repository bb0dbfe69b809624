package org.ecrpushpipe.results;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.ecrpushpipe.errors.Failures;
import org.ecrpushpipe.publish.PublishResult;
import org.ecrpushpipe.publish.ResultsOutput;

/**
 * Writes the results where later steps read them: {@code results.env} and {@code results.json} in
 * {@code $BITBUCKET_PIPE_SHARED_STORAGE_DIR/ecr-push-pipe/}, and OUTPUT_FILE (JSON when its name ends in
 * {@code .json}, else dotenv). Each file is written whole to a temporary file beside it, then moved into place, so
 * a reader never sees half a file.
 */
public final class ResultFiles implements ResultsOutput {
    /** The pipe's directory in the shared pipe storage. */
    public static final String SHARED_DIRECTORY = "ecr-push-pipe";

    private final Optional<Path> outputFile;
    private final Optional<Path> sharedStorage;

    /**
     * @param outputFile    OUTPUT_FILE, resolved against the clone
     * @param sharedStorage {@code BITBUCKET_PIPE_SHARED_STORAGE_DIR}, when Bitbucket set it
     */
    public ResultFiles(Optional<Path> outputFile, Optional<Path> sharedStorage) {
        this.outputFile = outputFile;
        this.sharedStorage = sharedStorage;
    }

    @Override
    public Written write(PublishResult result) {
        return write(ImageResults.of(result), outputFile, sharedStorage);
    }

    /**
     * @return the files written
     * @throws org.ecrpushpipe.errors.PipeException when OUTPUT_FILE cannot be written (the shared storage is
     *                                              Bitbucket's: a failure there is only returned as a warning)
     */
    public static Written write(ImageResults results, Optional<Path> outputFile, Optional<Path> sharedStorage) {
        List<Path> files = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        if (sharedStorage.isPresent()) {
            Path directory = sharedStorage.get().resolve(SHARED_DIRECTORY);
            try {
                Files.createDirectories(directory);
                files.add(atomically(directory.resolve("results.env"), DotenvResults.render(results)));
                files.add(atomically(directory.resolve("results.json"), JsonResults.render(results)));
            } catch (IOException e) {
                warnings.add("Could not write the results to " + directory + " (" + e + ").");
            }
        }
        if (outputFile.isPresent()) {
            Path file = outputFile.get();
            String text = file.getFileName().toString().endsWith(".json")
                    ? JsonResults.render(results) : DotenvResults.render(results);
            try {
                files.add(atomically(file, text));
            } catch (IOException e) {
                throw Failures.resultsNotWritten(file.toString(), e.toString());
            }
        }
        return new Written(List.copyOf(files), List.copyOf(warnings));
    }

    private static Path atomically(Path target, String text) throws IOException {
        Path temporary = Files.createTempFile(target.toAbsolutePath().getParent(), "." + target.getFileName(), ".tmp");
        try {
            Files.writeString(temporary, text, StandardCharsets.UTF_8);
            try {
                Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
            }
            return target;
        } finally {
            Files.deleteIfExists(temporary);
        }
    }
}
