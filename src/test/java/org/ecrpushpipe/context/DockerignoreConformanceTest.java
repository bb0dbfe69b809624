package org.ecrpushpipe.context;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.ecrpushpipe.docker.BuildRequest;
import org.ecrpushpipe.docker.BuilderKind;
import org.ecrpushpipe.docker.engine.DockerJavaEngine;
import org.ecrpushpipe.testbed.Builds;
import org.ecrpushpipe.testbed.DebianDockerCli;
import org.ecrpushpipe.testbed.DockerEngineExtension;
import org.ecrpushpipe.testbed.TestImages;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.github.dockerjava.api.DockerClient;

/**
 * The real docker CLI is the oracle for what a build context holds. For each tricky {@code .dockerignore} below,
 * the same directory is built by {@code docker build} (the classic builder) and then by the pipe's build path
 * ({@link BuildContext} streamed through {@link DockerJavaEngine}) on the same engine, with
 * {@code FROM scratch; COPY . /ctx/}. Every context holds a fresh random file, so no earlier run's cache can
 * answer. The engine keys the COPY step's cache on the context's files and their tar headers (name, mode, owner,
 * size, type, link, contents), so the pipe's build must come entirely from the CLI build's cache and give the very
 * same image id; when it does not, the two images' {@code /ctx} trees are listed side by side.
 *
 * <p>The same table runs under BuildKit ({@code DOCKER_BUILDKIT=1}, the pipe's {@link BuildContext#forBuildKit()}):
 * there the CLI sends the context through its session, filtered by the engine, and the Dockerfile apart; the
 * files that reach {@code /ctx} must be the same (names as bytes, types, modes, link targets, contents), but for
 * a Dockerfile the patterns exclude, which the pipe sends under a name of its own. A {@code COPY .} from a context
 * sent as a tar is not taken from the cache of the CLI's BuildKit build, so the ids are not compared there.
 */
@ExtendWith(DockerEngineExtension.class)
class DockerignoreConformanceTest {
    @TempDir
    static Path work;

    private static DockerClient docker;
    private static DockerJavaEngine engine;
    private static final List<String> images = new ArrayList<>();

    @BeforeAll
    static void connect(DockerClient client) {
        docker = client;
        engine = new DockerJavaEngine(DockerEngineExtension.dockerHost());
    }

    @AfterAll
    static void cleanUp() {
        for (String image : images) {
            try {
                docker.removeImageCmd(image).withForce(true).exec();
            } catch (RuntimeException e) {
                // shared layers of another case's image: already gone
            }
        }
        engine.close();
    }

    /** A context to build: its files, made by {@code setup}, and its {@code .dockerignore} lines (null: none). */
    record Case(String name, String dockerignore, Consumer<Tree> setup) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** Makes files in a context directory. */
    record Tree(Path root) {
        Tree file(String path, String content) {
            try {
                Path p = root.resolve(path);
                Files.createDirectories(p.getParent());
                Files.writeString(p, content);
                return this;
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        }

        Tree dir(String path) {
            try {
                Files.createDirectories(root.resolve(path));
                return this;
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        }

        Tree symlink(String path, String target) {
            try {
                Files.createDirectories(root.resolve(path).getParent());
                Files.createSymbolicLink(root.resolve(path), Path.of(target));
                return this;
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        }

        Tree hardlink(String path, String existing) {
            try {
                Files.createLink(root.resolve(path), root.resolve(existing));
                return this;
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        }

        Tree mode(String path, String permissions) {
            try {
                Files.setPosixFilePermissions(root.resolve(path), PosixFilePermissions.fromString(permissions));
                return this;
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        }

        Tree setuid(String path) {
            try {
                int mode = (Integer) Files.getAttribute(root.resolve(path), "unix:mode");
                Files.setAttribute(root.resolve(path), "unix:mode", mode | 04000);
                return this;
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("leading slash excludes a file at the root", "/secret.env\n",
                        t -> t.file("secret.env", "TOKEN=1\n").file("sub/secret.env", "kept\n").file("app.txt", "a\n")),
                new Case("everything but one file, with the Dockerfile listed", "*\n!busybox\nDockerfile\n",
                        t -> t.file("busybox", "binary\n").file("other", "x\n").file("dir/inner", "y\n")),
                new Case("the Dockerfile and .dockerignore exclude themselves", "Dockerfile\n.dockerignore\n",
                        t -> t.file("kept.txt", "k\n")),
                new Case("escaped characters", "\\\\\nback\\\\slash\nstar\\*\nq\\?\n",
                        t -> t.file("\\", "1\n").file("back\\slash", "2\n").file("star*", "3\n").file("stara", "4\n")
                                .file("q?", "5\n").file("qa", "6\n")),
                new Case("double star, exceptions and their order", "**/*.log\n!important.log\n!keep/**/*.log\n"
                        + "keep/deep/drop.log\n",
                        t -> t.file("a.log", "1\n").file("important.log", "2\n").file("x/y/z.log", "3\n")
                                .file("keep/a.log", "4\n").file("keep/deep/b.log", "5\n")
                                .file("keep/deep/drop.log", "6\n").file("x/important.log", "7\n")),
                new Case("trailing slash, ./, comments, blank lines, spaces", "# a comment\n\n   dir/   \n./dir2\n"
                        + "  # not a comment\n\t\n",
                        t -> t.file("dir/a", "1\n").file("dir2/b", "2\n").file("dir3/c", "3\n")
                                .file("# not a comment", "4\n")),
                new Case("later patterns win", "*.md\n!README*.md\nREADME-secret.md\n",
                        t -> t.file("README.md", "1\n").file("README-secret.md", "2\n").file("CHANGES.md", "3\n")
                                .file("README-public.md", "4\n")),
                new Case("an excluded directory with an exception inside", "build\n!build/keep.txt\nnode_modules\n",
                        t -> t.file("build/keep.txt", "1\n").file("build/drop.txt", "2\n")
                                .file("build/sub/drop.txt", "3\n").file("node_modules/x/index.js", "4\n")),
                new Case("everything excluded but a subtree", "**\n!src/**\n",
                        t -> t.file("src/main/App.java", "1\n").file("src/README", "2\n").file("docs/x", "3\n")),
                new Case("classes and single characters", "file[0-9].txt\nv[^a]\n?.tmp\nx[[:digit:]]\n",
                        t -> t.file("file1.txt", "1\n").file("fileA.txt", "2\n").file("va", "3\n").file("vb", "4\n")
                                .file("a.tmp", "5\n").file("ab.tmp", "6\n").file("x7", "7\n").file("xx", "8\n")),
                new Case("symbolic links are sent as links, never followed", "linked-dir/inner\n",
                        t -> t.symlink("passwd", "/etc/passwd").symlink("up", "../../outside").dir("real")
                                .file("real/f", "1\n").symlink("linked-dir", "real").symlink("dangling", "nowhere")),
                new Case("hard links, one of them excluded", "first\n",
                        t -> t.file("first", "shared\n").hardlink("second", "first").hardlink("third", "first")
                                .file("alone", "a\n").hardlink("alone-too", "alone")),
                new Case("non-ASCII and long names", "ignoré/\n",
                        t -> t.file("héllo wörld ☺.txt", "1\n").file("ignoré/x", "2\n")
                                .file("a".repeat(99) + "/" + "b".repeat(99), "3\n")
                                .file("c".repeat(60) + "/" + "d".repeat(60) + "/" + "e".repeat(60), "4\n")
                                .symlink("long-link", "f".repeat(150))),
                // the tar's first entries need PAX headers; the pipe sends a plain one first (BuildKit needs it so)
                new Case("non-ASCII names first", null,
                        t -> t.file("Aé dir/ü.txt", "1\n").file("Aé first.txt", "2\n").hardlink("Aé hard", "Aé first.txt")),
                new Case("empty and excluded directories", "empty-excluded\n",
                        t -> t.dir("empty").dir("empty-excluded").dir("nested/empty")),
                new Case("modes, set-uid and executables", null,
                        t -> t.file("run.sh", "#!/bin/sh\n").mode("run.sh", "rwxr-x---").file("ro", "r\n")
                                .mode("ro", "r--r--r--").file("suid", "s\n").setuid("suid").dir("private")
                                .file("private/p", "p\n").mode("private", "rwx------")),
                new Case("patterns with . and .. are cleaned", "a/../b\n./c/./d\n",
                        t -> t.file("b", "1\n").file("a/b", "2\n").file("c/d", "3\n").file("c/e", "4\n")),
                new Case("a UTF-8 BOM, CRLF line ends and a leading !", "\uFEFFdrop\r\n!drop/keep\r\n",
                        t -> t.file("drop/keep", "1\n").file("drop/other", "2\n")),
                new Case("no .dockerignore at all", null,
                        t -> t.file("a", "1\n").file("b/c", "2\n").symlink("d", "b")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void thePipeSendsWhatDockerBuildSends(Case c) throws Exception {
        Path dir = context(c);
        Cli cli = cliBuild(dir);
        assertEquals(0, cli.exitCode(), "docker build failed: " + cli.output());
        images.add(cli.imageId());

        List<String> output = new ArrayList<>();
        String pipeImage = Builds.imageId(engine.classicBuilder(), new BuildRequest(BuildContext.scan(dir.toRealPath(), "Dockerfile")), output::add).value();
        images.add(pipeImage);
        if (!pipeImage.equals(cli.imageId())) {
            fail("the pipe's build did not reuse docker build's cache: the contexts differ.\n docker build /ctx: "
                    + listing(cli.imageId()) + "\n the pipe's  /ctx: " + listing(pipeImage) + "\n" + String.join("\n", output));
        }
        assertTrue(output.stream().filter(l -> l.contains("Using cache")).count() >= 1, String.join("\n", output));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void underBuildKitThePipeSendsWhatDockerBuildSends(Case c) throws Exception {
        Path dir = context(c);
        DebianDockerCli.Build cli = new DebianDockerCli(DockerEngineExtension.dockerHost(), work).build(true, dir, Map.of());
        assertEquals(0, cli.exitCode(), "docker build failed: " + cli.output());
        images.add(cli.imageId());
        List<String> output = new ArrayList<>();
        BuildContext context = BuildContext.scan(dir.toRealPath(), "Dockerfile");
        String pipeImage = Builds.imageId(engine.builder(BuilderKind.BUILDKIT), new BuildRequest(context),
                output::add).value();
        images.add(pipeImage);
        Map<String, String> expected = new TreeMap<>(rawListing(cli.imageId()));
        if (!expected.containsKey("ctx/Dockerfile")) {
            byte[] dockerfile = Files.readAllBytes(dir.resolve("Dockerfile"));
            expected.put("ctx/.dockerfile." + sha256(dockerfile).substring(0, 20), "file " + sha256(dockerfile)
                    .substring(0, 12) + " 600");
        }
        assertEquals(expected, rawListing(pipeImage), String.join("\n", output));
    }

    @Test
    void theExcludedSecretIsNotInThePipesImage() throws Exception {
        Case c = cases().findFirst().orElseThrow();
        Path dir = context(c);
        String image = Builds.imageId(engine.classicBuilder(), new BuildRequest(BuildContext.scan(dir.toRealPath(), "Dockerfile")), l -> { }).value();
        images.add(image);
        Map<String, String> files = listing(image);
        assertFalse(files.containsKey("ctx/secret.env"), files.toString());
        assertTrue(files.containsKey("ctx/sub/secret.env"), files.toString());
        assertTrue(files.containsKey("ctx/app.txt"), files.toString());
    }

    @Test
    void aMultiStepBuildIsTakenWhollyFromDockerBuildsCache() throws Exception {
        Path dir = TestImages.busybox(work.resolve("steps-" + UUID.randomUUID())).uniqueFile()
                .file("src/a.txt", "a\n").file("secret.env", "x\n").dockerignore("secret.env", "**/*.tmp")
                .file("x.tmp", "t\n")
                .line("COPY src /src").line("RUN cat /src/a.txt > /copied").line("WORKDIR /app").line("COPY . .")
                .write();
        Cli cli = cliBuild(dir);
        assertEquals(0, cli.exitCode(), cli.output());
        images.add(cli.imageId());
        List<String> output = new ArrayList<>();
        String pipeImage = Builds.imageId(engine.classicBuilder(), new BuildRequest(BuildContext.scan(dir.toRealPath(), "Dockerfile")), output::add).value();
        images.add(pipeImage);
        assertEquals(cli.imageId(), pipeImage, String.join("\n", output));
        long steps = output.stream().filter(l -> l.startsWith("Step ") && !l.contains(" : FROM ")).count();
        assertEquals(7, steps, String.join("\n", output));
        assertEquals(steps, output.stream().filter(l -> l.contains("Using cache")).count(),
                "every step after FROM from the cache: " + String.join("\n", output));
    }

    @Test
    void malformedPatternsFailInBothTools() throws Exception {
        for (String bad : List.of("[\n", "!\n", "a[\n", "f\\y\n")) {
            Path dir = context(new Case("bad", bad, t -> t.file("a", "1\n")));
            Cli cli = cliBuild(dir);
            assertTrue(cli.exitCode() != 0, "docker build accepted " + bad + ": " + cli.output());
            try {
                BuildContext.scan(dir.toRealPath(), "Dockerfile");
                fail("the pipe accepted the pattern " + bad.strip() + " that docker build refuses: " + cli.output());
            } catch (BuildContext.Unusable expected) {
                assertTrue(expected.problems().get(0).startsWith(".dockerignore holds the pattern"),
                        expected.problems().toString());
            }
        }
    }

    private Path context(Case c) throws IOException {
        Path dir = Files.createDirectories(work.resolve(c.name().replaceAll("[^a-z]+", "-") + "-" + UUID.randomUUID()));
        Files.writeString(dir.resolve("Dockerfile"), "FROM scratch\nCOPY . /ctx/\n");
        Files.writeString(dir.resolve("random.txt"), UUID.randomUUID() + "\n");
        c.setup().accept(new Tree(dir));
        if (c.dockerignore() != null) {
            Files.writeString(dir.resolve(".dockerignore"), c.dockerignore());
        }
        return dir;
    }

    record Cli(int exitCode, String output, String imageId) {
    }

    /**
     * {@code docker build} with the classic builder, as the seed's step runs it on Bitbucket's runtime v2 (whose
     * CLI is Debian's 20.10).
     */
    private static Cli cliBuild(Path dir) throws IOException, InterruptedException {
        DebianDockerCli.Build build = new DebianDockerCli(DockerEngineExtension.dockerHost(), work).build(false, dir, Map.of());
        return new Cli(build.exitCode(), build.output(), build.imageId());
    }

    /** The files under /ctx of an image: path → type, mode, link target or content digest. */
    private static Map<String, String> listing(String image) throws IOException {
        String container = docker.createContainerCmd(image).withCmd("none").exec().getId();
        Map<String, String> files = new TreeMap<>();
        try (InputStream archive = docker.copyArchiveFromContainerCmd(container, "/ctx").exec();
             TarArchiveInputStream tar = new TarArchiveInputStream(archive)) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                String what = entry.isSymbolicLink() ? "link→" + entry.getLinkName()
                        : entry.isLink() ? "hardlink→" + entry.getLinkName()
                        : entry.isDirectory() ? "dir" : "file " + digest(tar);
                files.put(entry.getName(), what + " " + Integer.toOctalString(entry.getMode() & 07777));
            }
        } finally {
            docker.removeContainerCmd(container).withForce(true).exec();
        }
        return files;
    }

    /** The files under /ctx of an image, names as bytes ({@link RawTar}). */
    private static Map<String, String> rawListing(String image) throws IOException {
        String container = docker.createContainerCmd(image).withCmd("none").exec().getId();
        try (InputStream archive = docker.copyArchiveFromContainerCmd(container, "/ctx").exec()) {
            return RawTar.list(archive);
        } finally {
            docker.removeContainerCmd(container).withForce(true).exec();
        }
    }

    private static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String digest(InputStream in) throws IOException {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(sha.digest(in.readAllBytes())).substring(0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
