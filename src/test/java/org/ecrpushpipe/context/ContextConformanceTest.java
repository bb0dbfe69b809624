package org.ecrpushpipe.context;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import org.ecrpushpipe.docker.BuildRequest;
import org.ecrpushpipe.docker.BuilderKind;
import org.ecrpushpipe.docker.engine.DockerJavaEngine;
import org.ecrpushpipe.testbed.Builds;
import org.ecrpushpipe.testbed.DebianDockerCli;
import org.ecrpushpipe.testbed.DockerEngineExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import com.github.dockerjava.api.DockerClient;

/**
 * The docker CLI of Debian's docker.io (20.10, the CLI Bitbucket's runtime v2 gives a step) is the oracle for what
 * reaches the image from a context with file names that are not UTF-8, a Dockerfile outside the context, and
 * BuildKit's own ignore file beside the Dockerfile: each context is built by {@code docker build} (the classic
 * builder with {@code DOCKER_BUILDKIT=0}, BuildKit with {@code 1}) and then by the pipe's builder of the same kind
 * on the same engine. Where the pipe sends what the CLI sends, its build comes from the CLI build's cache and gives
 * the same image id; where it cannot (BuildKit without the CLI's session sees a Dockerfile sent in the context),
 * the two images' files are compared and must differ by exactly that file. Every context holds a random file, so no
 * earlier run's cache answers. Names are compared as bytes ({@link RawTar}).
 */
@ExtendWith(DockerEngineExtension.class)
class ContextConformanceTest {
    @TempDir
    static Path work;

    private static DockerClient docker;
    private static DockerJavaEngine engine;
    private static DebianDockerCli cli;
    private static final List<String> images = new ArrayList<>();

    @BeforeAll
    static void connect(DockerClient client) {
        docker = client;
        engine = new DockerJavaEngine(DockerEngineExtension.dockerHost());
        cli = new DebianDockerCli(DockerEngineExtension.dockerHost(), work);
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

    /** The image {@code docker build} made, the pipe's, and the pipe's build output. */
    record Built(String cli, String pipe, List<String> output) {
    }

    /**
     * Names the CLI sends byte for byte: bytes that are not UTF-8 (two names that a decoder reads alike, a
     * directory, a link's target), and {@code .dockerignore} patterns matched as Go matches them: {@code ?} is one
     * byte that is not UTF-8, or one character ({@code y\xe9\x80} is two, so {@code y?} keeps it), and a pattern's
     * own byte that is not UTF-8 matches any such byte. {@code COPY .} gives the same files; under BuildKit it is not
     * taken from the CLI build's cache (see {@link #assertSameFiles}), so the image id is compared for a
     * {@code COPY} of the names by wildcards, which is.
     */
    @ParameterizedTest
    @EnumSource(BuilderKind.class)
    void namesThatAreNotUtf8ArriveByteForByte(BuilderKind kind) throws Exception {
        Path dir = context("names", "FROM scratch\nCOPY . /ctx/\n");
        Files.writeString(dir.resolve("Dockerfile.named"), "FROM scratch\nCOPY x* y* caf* l* d* /ctx/\n");
        for (String name : List.of("x\\xe9", "x\\xe8", "caf\\xc3\\xa9", "y\\xe9\\x80", "z\\xe9", "q\\xe9",
                "q\\xef\\xbf\\xbd")) {
            shell(dir, "printf %s \"$1\" > \"$(printf %b \"$1\")\"", name);
        }
        shell(dir, "mkdir \"$(printf 'd\\xe9')\" && printf i > \"$(printf 'd\\xe9')/inner\""
                + " && ln -s \"$(printf 'x\\xe9')\" \"$(printf 'l\\xe9')\"", "");
        shell(dir, "printf 'y?\\nz?\\nq\\xe8\\n' > .dockerignore", "");
        Built built = build(kind, dir, "Dockerfile");
        assertSameFiles(kind, built, "/ctx");
        Map<String, String> files = listing(built.pipe(), "/ctx");
        for (String kept : List.of("ctx/x\\xE9", "ctx/x\\xE8", "ctx/café", "ctx/y\\xE9\\x80", "ctx/d\\xE9/inner")) {
            assertTrue(files.containsKey(kept), kept + " in " + files.keySet());
        }
        assertEquals("link→x\\xE9 777", files.get("ctx/l\\xE9"), files.toString());
        for (String dropped : List.of("ctx/z\\xE9", "ctx/q\\xE9", "ctx/q\uFFFD")) {
            assertFalse(files.containsKey(dropped), dropped + " in " + files.keySet());
        }
        assertSameImage(build(kind, dir, "Dockerfile.named", "-f", "Dockerfile.named"), "/ctx");
    }

    /**
     * The classic builder, a Dockerfile outside the context: the CLI sends it as {@code .dockerfile.<random>} and
     * lists that name in the context's {@code .dockerignore} (made, holding itself, when there is none), so the
     * engine drops both. With no {@code .dockerignore}, or one that excludes itself, the image is the CLI's.
     */
    @Test
    void classicDockerfileOutsideTheContextGivesTheClisImage() throws Exception {
        for (String dockerignore : new String[] {null, ".dockerignore\nsecret*\n"}) {
            Path dir = monorepo("COPY . /app/", dockerignore);
            Built built = build(BuilderKind.CLASSIC, dir, "../../docker/api.Dockerfile");
            assertSameImage(built, "/app");
            Map<String, String> files = listing(built.pipe(), "/app");
            assertTrue(files.keySet().stream().noneMatch(f -> f.startsWith("app/.docker")), files.toString());
        }
    }

    /**
     * A {@code .dockerignore} that does not exclude itself reaches the image with the added name in it, so no image
     * can be the CLI's (its name is random): the pipe's name comes from the Dockerfile's contents, so a re-run sends
     * the same context and is taken from the cache; {@code COPY} of named files gives the CLI's image.
     */
    @Test
    void classicDockerfileOutsideTheContextWithADockerignoreInTheImage() throws Exception {
        Path dir = monorepo("COPY . /app/", "secret*");
        Built built = build(BuilderKind.CLASSIC, dir, "../../docker/api.Dockerfile");
        Map<String, String> cliFiles = listing(built.cli(), "/app");
        Map<String, String> pipeFiles = listing(built.pipe(), "/app");
        assertEquals(cliFiles.keySet(), pipeFiles.keySet());
        String name = ".dockerfile." + sha256(Files.readAllBytes(dir.resolve("../../docker/api.Dockerfile")), 20);
        assertEquals(fileEntry("secret*\n" + name + "\n", "644"), pipeFiles.get("app/.dockerignore"));
        cliFiles.remove("app/.dockerignore");
        pipeFiles.remove("app/.dockerignore");
        assertEquals(cliFiles, pipeFiles);
        assertEquals(built.pipe(), pipeBuild(BuilderKind.CLASSIC, dir, "../../docker/api.Dockerfile", new ArrayList<>()),
                "a re-run sends the same context");

        Path named = monorepo("COPY app.txt /app/", "secret*");
        Built copied = build(BuilderKind.CLASSIC, named, "../../docker/api.Dockerfile");
        assertSameImage(copied, "/app");
    }

    /**
     * BuildKit, a Dockerfile outside the context: the CLI sends it apart through its session; without one the pipe
     * sends it in the context, where {@code COPY .} sees it, as the one file the CLI's image lacks. {@code COPY} of
     * named files gives the CLI's image.
     */
    @Test
    void buildKitDockerfileOutsideTheContext() throws Exception {
        Path named = monorepo("COPY app.txt /app/", "secret*\n");
        Built copied = build(BuilderKind.BUILDKIT, named, "../../docker/api.Dockerfile");
        assertSameImage(copied, "/app");

        Path dir = monorepo("COPY . /app/", "secret*\n");
        Built built = build(BuilderKind.BUILDKIT, dir, "../../docker/api.Dockerfile");
        assertOnlyTheCopyMore(built, "/app", dir.resolve("../../docker/api.Dockerfile"));
    }

    /**
     * BuildKit's own ignore file: {@code <Dockerfile>.dockerignore} beside the Dockerfile wins over the context's
     * {@code .dockerignore}, even an empty one, inside the context or out of it; the classic builder reads
     * {@code .dockerignore} only.
     */
    @ParameterizedTest
    @EnumSource(BuilderKind.class)
    void theDockerfilesOwnIgnoreFileServesBuildKit(BuilderKind kind) throws Exception {
        for (String own : List.of("app.txt\n", "")) {
            Path dir = context("own-ignore", "");
            Files.createDirectories(dir.resolve("docker"));
            Files.writeString(dir.resolve("docker/api.Dockerfile"), "FROM scratch\nCOPY *.txt /app/\n");
            Files.writeString(dir.resolve("docker/api.Dockerfile.dockerignore"), own);
            Files.writeString(dir.resolve(".dockerignore"), "secret*\n");
            Files.writeString(dir.resolve("app.txt"), "app\n");
            Files.writeString(dir.resolve("secret.txt"), "secret\n");
            Built built = build(kind, dir, "docker/api.Dockerfile", "-f", "docker/api.Dockerfile");
            assertSameImage(built, "/app");
            Map<String, String> files = listing(built.pipe(), "/app");
            boolean ownRules = kind == BuilderKind.BUILDKIT;
            assertEquals(!ownRules || own.isEmpty(), files.containsKey("app/app.txt"), files.toString());
            assertEquals(ownRules, files.containsKey("app/secret.txt"), files.toString());
        }
        Path outside = monorepo("COPY . /app/", ".dockerignore\napp.txt\n");
        Files.writeString(outside.resolve("../../docker/api.Dockerfile.dockerignore"), "secret*\n");
        Built built = build(kind, outside, "../../docker/api.Dockerfile");
        if (kind == BuilderKind.BUILDKIT) {
            assertOnlyTheCopyMore(built, "/app", outside.resolve("../../docker/api.Dockerfile"));
            assertTrue(listing(built.pipe(), "/app").containsKey("app/app.txt"));
        } else {
            assertSameImage(built, "/app");
        }
    }

    /**
     * BuildKit, a Dockerfile its {@code .dockerignore} excludes: the CLI sends it apart, so the context lacks it; the
     * pipe must send it, under a name of its own, the one file the CLI's image lacks. {@code .dockerignore} excludes
     * itself and is not sent at all (the engine reads none under BuildKit).
     */
    @Test
    void buildKitDockerfileTheContextExcludes() throws Exception {
        Path dir = context("excluded", "FROM scratch\nCOPY . /ctx/\n");
        Files.writeString(dir.resolve(".dockerignore"), "Dockerfile\n.dockerignore\n");
        Files.writeString(dir.resolve("kept.txt"), "kept\n");
        Built built = build(BuilderKind.BUILDKIT, dir, "Dockerfile");
        assertOnlyTheCopyMore(built, "/ctx", dir.resolve("Dockerfile"));
        assertFalse(listing(built.pipe(), "/ctx").containsKey("ctx/.dockerignore"));
    }

    /**
     * The pipe's image holds the CLI's files (names, types, modes, contents); under the classic builder it is the
     * CLI's image. Under BuildKit, a {@code COPY .} from a context sent as a tar (without the CLI's session) is not
     * taken from the cache of the CLI's build (engine 20.10): the layer is the same, the image's creation time
     * differs. {@code COPY} of named files and directories, and wildcards, are taken from it.
     */
    private static void assertSameFiles(BuilderKind kind, Built built, String root) throws IOException {
        if (kind == BuilderKind.CLASSIC) {
            assertSameImage(built, root);
        } else {
            assertEquals(listing(built.cli(), root), listing(built.pipe(), root), String.join("\n", built.output()));
        }
    }

    /** The pipe's image is the CLI's; when it is not, the files under {@code root} of both are shown. */
    private static void assertSameImage(Built built, String root) throws IOException {
        if (!built.cli().equals(built.pipe())) {
            assertEquals(listing(built.cli(), root), listing(built.pipe(), root), "not the CLI's image; the pipe's"
                    + " build:\n" + String.join("\n", built.output()));
            assertEquals(built.cli(), built.pipe(), "the same files, but not the CLI's image:\n"
                    + String.join("\n", built.output()));
        }
    }

    /** The pipe's image holds the CLI's files and the Dockerfile's copy, nothing else. */
    private static void assertOnlyTheCopyMore(Built built, String root, Path dockerfile) throws IOException {
        Map<String, String> cliFiles = listing(built.cli(), root);
        Map<String, String> pipeFiles = listing(built.pipe(), root);
        String copy = root.substring(1) + "/.dockerfile." + sha256(Files.readAllBytes(dockerfile), 20);
        Map<String, String> expected = new TreeMap<>(cliFiles);
        expected.put(copy, "file " + sha256(Files.readAllBytes(dockerfile), 12) + " 600");
        assertEquals(expected, pipeFiles, String.join("\n", built.output()));
    }

    /**
     * A monorepo's service: {@code repo/services/api} (the context: app.txt, secret.txt, a random file, and
     * {@code .dockerignore} when given) and {@code repo/docker/api.Dockerfile} ({@code FROM scratch} and the line).
     */
    private static Path monorepo(String copyLine, String dockerignore) throws IOException {
        Path repo = Files.createDirectories(work.resolve("repo-" + UUID.randomUUID()));
        Path dir = Files.createDirectories(repo.resolve("services/api"));
        Files.createDirectories(repo.resolve("docker"));
        Files.writeString(repo.resolve("docker/api.Dockerfile"), "FROM scratch\n" + copyLine + "\n");
        Files.writeString(dir.resolve("app.txt"), "app\n");
        Files.writeString(dir.resolve("secret.txt"), "secret\n");
        Files.writeString(dir.resolve("random.txt"), UUID.randomUUID() + "\n");
        if (dockerignore != null) {
            Files.writeString(dir.resolve(".dockerignore"), dockerignore);
        }
        return dir;
    }

    /** A directory with a random file and, unless empty, a Dockerfile. */
    private static Path context(String name, String dockerfile) throws IOException {
        Path dir = Files.createDirectories(work.resolve(name + "-" + UUID.randomUUID()));
        if (!dockerfile.isEmpty()) {
            Files.writeString(dir.resolve("Dockerfile"), dockerfile);
        }
        Files.writeString(dir.resolve("random.txt"), UUID.randomUUID() + "\n");
        return dir;
    }

    /** Runs a bash command in {@code dir} with one argument: names with any bytes are made with printf. */
    private static void shell(Path dir, String command, String argument) throws IOException, InterruptedException {
        Process process = new ProcessBuilder("bash", "-c", command, "_", argument).directory(dir.toFile())
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertEquals(0, process.waitFor(), command + ": " + output);
    }

    /** {@code docker build} of the directory, then the pipe's build of the same context with the same builder. */
    private static Built build(BuilderKind kind, Path dir, String dockerfile, String... cliArgs) throws Exception {
        String[] args = cliArgs.length > 0 || dockerfile.equals("Dockerfile") ? cliArgs : new String[] {"-f", dockerfile};
        DebianDockerCli.Build cliBuild = cli.build(kind == BuilderKind.BUILDKIT, dir, Map.of(), args);
        assertEquals(0, cliBuild.exitCode(), "docker build failed: " + cliBuild.output());
        images.add(cliBuild.imageId());
        List<String> output = new ArrayList<>();
        String pipe = pipeBuild(kind, dir, dockerfile, output);
        return new Built(cliBuild.imageId(), pipe, output);
    }

    private static String pipeBuild(BuilderKind kind, Path dir, String dockerfile, List<String> output)
            throws Exception {
        BuildContext context = BuildContext.scan(dir.toRealPath(), dockerfile);
        String image = Builds.imageId(engine.builder(kind), new BuildRequest(context), output::add).value();
        images.add(image);
        return image;
    }

    /** The files under {@code root} of an image, names as bytes. */
    private static Map<String, String> listing(String image, String root) throws IOException {
        String container = docker.createContainerCmd(image).withCmd("none").exec().getId();
        try (InputStream archive = docker.copyArchiveFromContainerCmd(container, root).exec()) {
            return RawTar.list(archive);
        } finally {
            docker.removeContainerCmd(container).withForce(true).exec();
        }
    }

    private static String fileEntry(String content, String mode) {
        return "file " + sha256(content.getBytes(StandardCharsets.UTF_8), 12) + " " + mode;
    }

    private static String sha256(byte[] data, int digits) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data)).substring(0, digits);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
