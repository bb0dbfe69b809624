package org.ecrpushpipe.testbed;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Build contexts for test images that need no image registry: {@code FROM scratch} plus Debian's static
 * busybox ({@code /bin/busybox} from the {@code busybox-static} package), so {@code RUN} lines have a shell.
 * A build of such a context takes about a second and needs host networking on the bed's engine (no bridge).
 *
 * <pre>{@code
 * Path dir = TestImages.busybox(tempDir).uniqueFile().line("RUN exit 3").write();
 * }</pre>
 */
public final class TestImages {
    /** Where Debian's {@code busybox-static} package installs the static binary. */
    public static final Path STATIC_BUSYBOX = Path.of("/bin/busybox");

    private TestImages() {
    }

    /** Starts a {@code FROM scratch} + busybox context in {@code dir} (created if needed; written by {@link Context#write()}). */
    public static Context busybox(Path dir) {
        return new Context(dir);
    }

    /**
     * A context whose {@code .dockerignore} excludes {@code secret.txt} (and itself): the Dockerfile copies the
     * whole context and the build fails unless the engine honoured the {@code .dockerignore}.
     */
    public static Context busyboxWithDockerignore(Path dir) {
        return busybox(dir)
                .file("secret.txt", "must not reach the image\n")
                .file("kept.txt", "reaches the image\n")
                .dockerignore("secret.txt", ".dockerignore")
                .line("COPY . /context/")
                .line("RUN test -f /context/kept.txt && test ! -e /context/secret.txt && test ! -e /context/.dockerignore");
    }

    /** A build context under construction; {@link #write()} puts it on disk. */
    public static final class Context {
        private final Path dir;
        private final List<String> lines = new ArrayList<>();
        private final Map<String, String> files = new LinkedHashMap<>();
        private final List<String> ignored = new ArrayList<>();
        private String dockerfileName = "Dockerfile";
        private String uniqueToken;

        private Context(Path dir) {
            this.dir = dir;
        }

        /** Appends a Dockerfile line after the busybox setup, e.g. {@code "RUN exit 3"} or {@code "LABEL a=b"}. */
        public Context line(String dockerfileLine) {
            lines.add(dockerfileLine);
            return this;
        }

        /** Writes a file (path relative to the context) with the given content. */
        public Context file(String relativePath, String content) {
            files.put(relativePath, content);
            return this;
        }

        /** Writes a {@code .dockerignore} with these patterns, one a line. */
        public Context dockerignore(String... patterns) {
            ignored.addAll(List.of(patterns));
            return this;
        }

        /**
         * Adds a file with a random token and copies it into the image, so every build yields an image (and a
         * pushed manifest) with a digest of its own. See {@link #uniqueToken()}.
         */
        public Context uniqueFile() {
            uniqueToken = UUID.randomUUID().toString();
            files.put("unique.txt", uniqueToken + "\n");
            lines.add("COPY unique.txt /unique.txt");
            return this;
        }

        /** The token written by {@link #uniqueFile()}, or {@code null} when it was not called. */
        public String uniqueToken() {
            return uniqueToken;
        }

        /** Names the Dockerfile differently, for a pipe option that points at a non-default Dockerfile. */
        public Context dockerfileName(String name) {
            dockerfileName = name;
            return this;
        }

        /** The Dockerfile's path once written. */
        public Path dockerfile() {
            return dir.resolve(dockerfileName);
        }

        /** Writes the context and returns its directory. Fails if {@link #STATIC_BUSYBOX} is missing or not static. */
        public Path write() {
            requireStaticElf(STATIC_BUSYBOX);
            try {
                Files.createDirectories(dir);
                Files.copy(STATIC_BUSYBOX, dir.resolve("busybox"), StandardCopyOption.REPLACE_EXISTING,
                        StandardCopyOption.COPY_ATTRIBUTES);
                StringBuilder dockerfile = new StringBuilder()
                        .append("FROM scratch\n")
                        .append("COPY busybox /bin/busybox\n")
                        // exec form: there is no /bin/sh until busybox has installed its applet links
                        .append("RUN [\"/bin/busybox\", \"--install\", \"-s\", \"/bin\"]\n");
                lines.forEach(l -> dockerfile.append(l).append('\n'));
                Files.writeString(dockerfile(), dockerfile.toString());
                for (Map.Entry<String, String> file : files.entrySet()) {
                    Path target = dir.resolve(file.getKey());
                    Files.createDirectories(target.getParent());
                    Files.writeString(target, file.getValue());
                }
                if (!ignored.isEmpty()) {
                    Files.writeString(dir.resolve(".dockerignore"), String.join("\n", ignored) + "\n");
                }
                return dir;
            } catch (IOException e) {
                throw new UncheckedIOException("could not write the build context in " + dir, e);
            }
        }
    }

    /**
     * Fails unless {@code binary} is an ELF executable without a program interpreter, i.e. statically linked: a
     * dynamically linked busybox would not run in a {@code FROM scratch} image, and the build would fail with a
     * puzzling "no such file or directory".
     */
    static void requireStaticElf(Path binary) {
        if (!Files.isRegularFile(binary)) {
            throw new IllegalStateException(binary + " is missing: install Debian's 'busybox-static' package"
                    + " (test/run-tests.sh does this on a fresh machine)");
        }
        boolean hasInterpreter;
        try (FileChannel channel = FileChannel.open(binary, StandardOpenOption.READ)) {
            hasInterpreter = hasProgramInterpreter(channel, binary);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + binary, e);
        }
        if (hasInterpreter) {
            throw new IllegalStateException(binary + " is dynamically linked, so it cannot run in a FROM scratch"
                    + " image; install Debian's 'busybox-static' package (not 'busybox'), which provides a static "
                    + STATIC_BUSYBOX);
        }
    }

    private static final int PT_INTERP = 3;

    private static boolean hasProgramInterpreter(FileChannel channel, Path binary) throws IOException {
        ByteBuffer header = ByteBuffer.allocate(64);
        channel.read(header, 0);
        header.flip();
        if (header.limit() < 52 || header.getInt(0) != 0x7f454c46) { // "\x7fELF" read big-endian
            throw new IllegalStateException(binary + " is not an ELF executable");
        }
        boolean is64 = header.get(4) == 2;
        header.order(header.get(5) == 1 ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
        long phoff = is64 ? header.getLong(0x20) : Integer.toUnsignedLong(header.getInt(0x1c));
        int phentsize = Short.toUnsignedInt(header.getShort(is64 ? 0x36 : 0x2a));
        int phnum = Short.toUnsignedInt(header.getShort(is64 ? 0x38 : 0x2c));
        ByteBuffer entry = ByteBuffer.allocate(4).order(header.order());
        for (int i = 0; i < phnum; i++) {
            entry.clear();
            channel.read(entry, phoff + (long) i * phentsize);
            if (entry.getInt(0) == PT_INTERP) {
                return true;
            }
        }
        return false;
    }
}
