package org.ecrpushpipe.packaged;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.ecrpushpipe.scenarios.JarLauncher;
import org.ecrpushpipe.scenarios.Launcher;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A build context with a file the pipe's user cannot read. As root every file is readable, so the packaged pipe
 * runs as the unprivileged user {@code nobody} (with {@code setpriv}, from util-linux), as a pipe started with
 * {@code docker run --user} would.
 */
class UnreadableContextIT {
    private static final List<String> AS_NOBODY = List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups");

    private Path root;
    private Path jar;
    private Path context;

    @BeforeEach
    void setUp() throws IOException {
        root = Files.createTempDirectory(Path.of("/tmp"), "unreadable-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        // a copy of the packaged pipe that nobody can read wherever the clone lies
        jar = JarLauncher.readableCopy(root);
        context = Files.createDirectories(root.resolve("clone"));
        Files.writeString(context.resolve("Dockerfile"), "FROM scratch\nCOPY . /ctx/\n");
        Files.writeString(context.resolve("app.txt"), "readable\n");
        Files.writeString(context.resolve("secret.txt"), "only root reads this\n");
        Files.writeString(context.resolve("excluded.txt"), "only root reads this, and it is not sent\n");
        Files.writeString(context.resolve(".dockerignore"), "excluded.txt\n");
        allowAll(context);
        Files.setPosixFilePermissions(context.resolve("secret.txt"), PosixFilePermissions.fromString("rw-------"));
        Files.setPosixFilePermissions(context.resolve("excluded.txt"), PosixFilePermissions.fromString("rw-------"));
    }

    private static void allowAll(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.toList()) {
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
            }
        }
    }

    @AfterEach
    void tearDown() throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private Map<String, String> env(String... more) {
        Map<String, String> env = new HashMap<>(Map.of("AWS_KEY", "AKIAUNREADABLE000000", "AWS_SECRET", "s3cret-value",
                "IMAGE", "123456789012.dkr.ecr.ap-southeast-1.amazonaws.com/app", "NO_COLOR", "1",
                "DOCKER_HOST", "tcp://127.0.0.1:1", "HOME", root.toString()));
        for (int i = 0; i < more.length; i += 2) {
            env.put(more[i], more[i + 1]);
        }
        return env;
    }

    @Test
    void anUnreadableFileThatWouldBeSentIsAConfigurationErrorNamingIt() throws Exception {
        Launcher.PipeRun run = new JarLauncher(AS_NOBODY, jar).run(env(), Map.of(), context);
        assertEquals(2, run.exitCode(), run.output());
        assertEquals("✖ Validation errors:", run.failureLine());
        assertTrue(run.output().contains("BUILD_CONTEXT:\n- cannot read 'secret.txt' (permission denied)\n"), run.output());
        assertFalse(run.output().contains("excluded.txt"), "a file docker build never opens is not a problem");
        assertFalse(run.output().contains("\tat "), run.output());
    }

    @Test
    void anUnreadableFileThatIsExcludedIsNoProblem() throws Exception {
        Files.writeString(context.resolve(".dockerignore"), "excluded.txt\nsecret.txt\n");
        Launcher.PipeRun run = new JarLauncher(AS_NOBODY, jar).run(env(), Map.of(), context);
        // the configuration is fine; the run fails later, at the engine nobody could reach (tcp://127.0.0.1:1)
        assertEquals(4, run.exitCode(), run.output());
        assertTrue(run.failureLine().startsWith("✖ Cannot reach the Docker engine"), run.output());
    }

    @Test
    void anUnreadableDirectoryIsNamedToo() throws Exception {
        Files.createDirectories(context.resolve("private/inner"));
        Files.setPosixFilePermissions(context.resolve("private"), PosixFilePermissions.fromString("rwx------"));
        Files.writeString(context.resolve(".dockerignore"), "excluded.txt\nsecret.txt\n");
        Launcher.PipeRun run = new JarLauncher(AS_NOBODY, jar).run(env(), Map.of(), context);
        assertEquals(2, run.exitCode(), run.output());
        assertTrue(run.output().contains("BUILD_CONTEXT:\n- cannot read the directory 'private' (permission denied)\n"),
                run.output());
    }

    /**
     * Without a locale the JVM decodes file names as ASCII ({@code café.txt} reads {@code caf??.txt}); the context
     * is read by the names' bytes, so it is sent all the same, and a name is shown with its bytes that are not
     * UTF-8 as {@code \xE9}.
     */
    @Test
    void namesThatAreNotAsciiNeedNoUtf8Locale() throws Exception {
        // written by bash from bytes, whatever this JVM's locale
        Process named = new ProcessBuilder("bash", "-c", "cd \"$1\" && printf 'x\\n' > $'caf\\xc3\\xa9.txt'"
                + " && printf 'x\\n' > $'x\\xe9' && chmod 644 $'caf\\xc3\\xa9.txt' && chmod 600 $'x\\xe9'", "_",
                context.toString()).inheritIO().start();
        assertEquals(0, named.waitFor());
        Files.writeString(context.resolve(".dockerignore"), "excluded.txt\nsecret.txt\n");
        Map<String, String> env = env();
        env.remove("LANG");
        Launcher.PipeRun unreadable = new JarLauncher(AS_NOBODY, jar).run(env, Map.of(), context);
        assertEquals(2, unreadable.exitCode(), unreadable.output());
        assertTrue(unreadable.output().contains("BUILD_CONTEXT:\n- cannot read 'x\\xE9' (permission denied)\n"),
                unreadable.output());
        Process readable = new ProcessBuilder("bash", "-c", "chmod 644 \"$1\"/$'x\\xe9'", "_", context.toString())
                .inheritIO().start();
        assertEquals(0, readable.waitFor());
        Launcher.PipeRun run = new JarLauncher(AS_NOBODY, jar).run(env, Map.of(), context);
        assertEquals(4, run.exitCode(), "past the configuration, at the unreachable engine: " + run.output());
    }
}
