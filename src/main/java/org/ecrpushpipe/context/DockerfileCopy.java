package org.ecrpushpipe.context;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * The Dockerfile added to the context under a name of its own, for a Dockerfile the context does not send itself
 * (one outside it; under BuildKit, also one its ignore file excludes): the engine reads the Dockerfile from the
 * context only. The docker CLI does this for a Dockerfile outside the context with the classic builder
 * ({@code AddDockerfileToBuildContext}): the file goes in as {@code .dockerfile.} and 20 hex digits, mode 0600,
 * owner 0, and its name is appended to the context's {@code .dockerignore} (one is made, holding
 * {@code .dockerignore} and the name, when there is none), so the engine drops both before the build.
 *
 * <p>The CLI's 20 digits are random; these are the start of the SHA-256 of the Dockerfile, so that a re-run sends
 * the very same context. The name is visible in the image when the {@code .dockerignore} it is appended to is not
 * excluded by itself (the classic builder then copies it with {@code COPY .}), and under BuildKit, which does not
 * apply {@code .dockerignore} to a context sent whole, the copy itself is; a random name would change the context
 * on every run and defeat the build cache of every {@code COPY .} there. The CLI's own image differs then anyway.
 */
final class DockerfileCopy {
    private static final byte[] DOCKERIGNORE = ".dockerignore".getBytes(StandardCharsets.US_ASCII);

    private final byte[] content;
    private final long mtime;
    private final String name;

    private DockerfileCopy(byte[] content, long mtime) {
        this.content = content;
        this.mtime = mtime;
        this.name = ".dockerfile." + HexFormat.of().formatHex(sha256(content)).substring(0, 20);
    }

    /** Reads the Dockerfile; its modification time dates the entries added (the CLI's is the time of the run). */
    static DockerfileCopy read(Path dockerfile, String written) throws BuildContext.Unusable {
        try {
            byte[] content = Files.readAllBytes(dockerfile);
            return new DockerfileCopy(content, Files.getLastModifiedTime(dockerfile).toInstant().getEpochSecond());
        } catch (IOException e) {
            throw new BuildContext.Unusable(List.of("the Dockerfile '" + written + "' cannot be read ("
                    + BuildContext.reason(e) + ")"));
        }
    }

    /** The name the engine is told. */
    String name() {
        return name;
    }

    /**
     * The classic builder's context: the copy at the end, and its name added to {@code .dockerignore}, whose bytes
     * ({@code dockerignore}, as read through a link) are kept; an entry of the copy's name is replaced, as the CLI
     * replaces it.
     */
    List<ContextTar.Entry> forClassic(List<ContextTar.Entry> entries, Optional<byte[]> dockerignore) {
        byte[] ignored = appended(dockerignore.orElse(DOCKERIGNORE), "\n" + name + "\n");
        List<ContextTar.Entry> result = new ArrayList<>(forBuildKit(entries));
        int index = indexOf(result, DOCKERIGNORE);
        if (index < 0) {
            result.add(ContextTar.Entry.inMemory(DOCKERIGNORE, ignored, mtime));
        } else if (result.get(index).type() == ContextTar.TYPE_REG) {
            result.set(index, result.get(index).withData(ignored));
        } else {
            // a link: the CLI fails on it ("archive/tar: write too long"); the engine gets the file it read instead
            result.set(index, ContextTar.Entry.inMemory(DOCKERIGNORE, ignored, mtime));
        }
        return result;
    }

    /** BuildKit's context: the copy at the end; nothing else changes (the engine reads no {@code .dockerignore}). */
    List<ContextTar.Entry> forBuildKit(List<ContextTar.Entry> entries) {
        byte[] copyName = name.getBytes(StandardCharsets.US_ASCII);
        List<ContextTar.Entry> result = new ArrayList<>(entries);
        result.removeIf(entry -> entry.named(copyName));
        result.add(ContextTar.Entry.inMemory(copyName, content, mtime));
        return result;
    }

    private static int indexOf(List<ContextTar.Entry> entries, byte[] name) {
        for (int i = 0; i < entries.size(); i++) {
            if (entries.get(i).named(name)) {
                return i;
            }
        }
        return -1;
    }

    private static byte[] appended(byte[] start, String end) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.writeBytes(start);
        bytes.writeBytes(end.getBytes(StandardCharsets.US_ASCII));
        return bytes.toByteArray();
    }

    private static byte[] sha256(byte[] content) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(content);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
