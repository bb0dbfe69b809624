package org.ecrpushpipe.testbed;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.transport.DockerHttpClient;

/**
 * A local Debian 12 base image, {@value #IMAGE}, for tests whose Dockerfile needs a real distribution (apt-get,
 * a web server) while no image registry is reachable. Made once with {@code debootstrap --variant=minbase
 * bookworm} (about 25 s, needs root and Debian's mirror) into a rootfs tarball cached on disk under
 * {@code ${XDG_CACHE_HOME:-$HOME/.cache}/ecr-push-pipe-test/}, and imported into an engine only when the engine
 * lacks the image (about 2 s). Builds {@code FROM} it need host networking ({@code withNetworkMode("host")}):
 * the bed's engine has no bridge, and that way apt-get inside reaches Debian's mirror.
 */
public final class DebianBase {
    /** The image reference that {@link #ensure(DockerClient)} makes available. */
    public static final String IMAGE = "ecr-push-pipe-test/debian:bookworm";

    static final String MIRROR = "http://deb.debian.org/debian";
    private static final String REPOSITORY = "ecr-push-pipe-test/debian";
    private static final String TAG = "bookworm";
    private static final String TARBALL = "debian-bookworm-minbase.tar";

    /** Serialises threads of this JVM; the file lock in {@link #rootfsTarball()} serialises JVMs. */
    private static final ReentrantLock LOCK = new ReentrantLock();

    private DebianBase() {
    }

    /**
     * Makes sure the engine behind {@code docker} has {@link #IMAGE}, creating the cached rootfs first if needed.
     *
     * @return {@link #IMAGE}
     * @throws IllegalStateException when debootstrap is missing or fails, or the import fails
     */
    public static String ensure(DockerClient docker) {
        LOCK.lock();
        try {
            if (!hasImage(docker)) {
                Path tarball = rootfsTarball();
                importImage(docker, tarball);
                if (!hasImage(docker)) {
                    throw new IllegalStateException("importing " + tarball + " did not produce " + IMAGE);
                }
            }
            return IMAGE;
        } finally {
            LOCK.unlock();
        }
    }

    /**
     * {@code docker import}: POST the tarball to {@code /images/create?fromSrc=-}. Not through
     * {@code DockerClient.createImageCmd}: docker-java 3.7.1 serialises that command's InputStream as JSON
     * instead of sending its bytes, and the engine answers "ApplyLayer … unexpected EOF"
     * (docker-java/docker-java#2377). So this goes one level down, to the client's own HTTP transport.
     */
    private static void importImage(DockerClient docker, Path tarball) {
        if (!(docker instanceof DockerClientImpl impl)) {
            throw new IllegalStateException("importing " + IMAGE + " needs a DockerClientImpl (as DockerEngineExtension"
                    + " makes), not a " + docker.getClass().getName());
        }
        DockerHttpClient.Request request = DockerHttpClient.Request.builder()
                .method(DockerHttpClient.Request.Method.POST)
                .path("/images/create?fromSrc=-&repo=" + REPOSITORY + "&tag=" + TAG)
                .putHeader("Content-Type", "application/x-tar")
                .body(newInputStream(tarball))
                .build();
        try (DockerHttpClient.Response response = impl.getHttpClient().execute(request)) {
            String body = new String(response.getBody().readAllBytes(), StandardCharsets.UTF_8);
            // Errors arrive either as a non-2xx status or as an "errorDetail" object in a 200 stream.
            if (response.getStatusCode() / 100 != 2 || body.contains("\"errorDetail\"")) {
                throw new IllegalStateException("the engine refused to import " + tarball + " as " + IMAGE
                        + ": HTTP " + response.getStatusCode() + " " + body.strip());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not import " + tarball + " as " + IMAGE, e);
        }
    }

    private static InputStream newInputStream(Path file) {
        try {
            return new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + file, e);
        }
    }

    private static boolean hasImage(DockerClient docker) {
        try {
            docker.inspectImageCmd(IMAGE).exec();
            return true;
        } catch (NotFoundException e) {
            return false;
        }
    }

    /** The cache directory: {@code ${XDG_CACHE_HOME:-$HOME/.cache}/ecr-push-pipe-test}. */
    static Path cacheDir() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("ecr-push-pipe-test");
    }

    /** The cached rootfs tarball, made with debootstrap under an exclusive file lock when it is not there yet. */
    static Path rootfsTarball() {
        Path dir = cacheDir();
        Path tarball = dir.resolve(TARBALL);
        try {
            Files.createDirectories(dir);
            try (FileChannel lockFile = FileChannel.open(dir.resolve(TARBALL + ".lock"),
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock ignored = lockFile.lock()) {
                if (!Files.isRegularFile(tarball)) {
                    createTarball(dir, tarball);
                }
            }
            return tarball;
        } catch (IOException e) {
            throw new UncheckedIOException("could not create the Debian base rootfs in " + dir, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating the Debian base rootfs", e);
        }
    }

    private static void createTarball(Path dir, Path tarball) throws IOException, InterruptedException {
        Path debootstrap = Path.of("/usr/sbin/debootstrap");
        if (!Files.isExecutable(debootstrap)) {
            throw new IllegalStateException(debootstrap + " is missing: install Debian's 'debootstrap' package"
                    + " (test/run-tests.sh does this on a fresh machine); it makes the local base image " + IMAGE);
        }
        Path rootfs = Files.createTempDirectory(dir, "rootfs-");
        // createTempDirectory makes it rwx------, and the tarball's "./" becomes the image's "/".
        Files.setPosixFilePermissions(rootfs, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path partial = dir.resolve(TARBALL + ".partial");
        try {
            run(List.of(debootstrap.toString(), "--variant=minbase", TAG, rootfs.toString(), MIRROR),
                    dir.resolve("debootstrap.log"), 15);
            run(List.of("tar", "-C", rootfs.toString(), "--numeric-owner", "-cf", partial.toString(), "."),
                    dir.resolve("tar.log"), 5);
            // Renamed only when complete, so an interrupted run never leaves a truncated cache behind.
            Files.move(partial, tarball, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(partial);
            removeRootfs(rootfs);
        }
    }

    private static void run(List<String> command, Path log, int timeoutMinutes) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        if (!process.waitFor(timeoutMinutes, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
            throw new IllegalStateException(String.join(" ", command) + " did not finish within " + timeoutMinutes
                    + " minutes; its output: " + tail(log));
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed with exit code "
                    + process.exitValue() + " (debootstrap needs root and " + MIRROR + "); its output: " + tail(log));
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no output: " + e.getMessage() + ")";
        }
    }

    /**
     * Removes debootstrap's target. A failed debootstrap can leave /proc or /sys mounted inside it, so unmount
     * whatever is mounted below it first and never cross into another file system while deleting.
     */
    private static void removeRootfs(Path rootfs) throws IOException, InterruptedException {
        String prefix = rootfs.toRealPath() + "/";
        List<String> mounts = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            String mountPoint = line.split(" ")[4];
            if (mountPoint.startsWith(prefix)) {
                mounts.add(mountPoint);
            }
        }
        mounts.sort(java.util.Comparator.reverseOrder());
        for (String mountPoint : mounts) {
            new ProcessBuilder("umount", "-l", mountPoint).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(30, TimeUnit.SECONDS);
        }
        new ProcessBuilder("rm", "-rf", "--one-file-system", "--", rootfs.toString()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(2, TimeUnit.MINUTES);
    }
}
