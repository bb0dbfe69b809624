package org.ecrpushpipe.context;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a context holds for each builder, without an engine: the Dockerfile's copy and {@code .dockerignore}'s
 * addition as the docker CLI makes them, BuildKit's own ignore file, names in Go's byte order. The engine's view of
 * the same contexts is {@link ContextConformanceTest}'s.
 */
class BuildContextTest {
    private static final String DOCKERFILE = "FROM scratch\nCOPY . /app/\n";

    @TempDir
    Path repo;
    private Path context;
    private String copy;

    @BeforeEach
    void monorepo() throws Exception {
        context = Files.createDirectories(repo.resolve("services/api"));
        Files.createDirectories(repo.resolve("docker"));
        Files.writeString(repo.resolve("docker/api.Dockerfile"), DOCKERFILE);
        Files.writeString(context.resolve("app.txt"), "app\n");
        copy = ".dockerfile." + sha256(DOCKERFILE.getBytes(StandardCharsets.UTF_8)).substring(0, 20);
    }

    @Test
    void aDockerfileOutsideTravelsUnderItsOwnNameAndDockerignoreListsIt() throws Exception {
        BuildContext built = scan("../../docker/api.Dockerfile");
        assertEquals(List.of("app.txt", copy, ".dockerignore"), built.paths());
        assertEquals(copy, built.tarDockerfile());
        assertEquals("../../docker/api.Dockerfile", built.dockerfile(), "read from disk by its own path");
        Map<String, String> files = files(built);
        assertEquals(file(DOCKERFILE, "600"), files.get(copy));
        assertEquals(file(".dockerignore\n" + copy + "\n", "600"), files.get(".dockerignore"));

        BuildContext buildKit = built.forBuildKit();
        assertEquals(List.of("app.txt", copy), buildKit.paths(), "the engine reads no .dockerignore under BuildKit");
        assertEquals(copy, buildKit.tarDockerfile());
    }

    @Test
    void anExistingDockerignoreKeepsItsHeaderAndPlaceAndGetsTheName() throws Exception {
        Files.writeString(context.resolve(".dockerignore"), "secret*");
        Files.writeString(context.resolve("secret.txt"), "s\n");
        BuildContext built = scan("../../docker/api.Dockerfile");
        assertEquals(List.of(".dockerignore", "app.txt", copy), built.paths());
        assertEquals(file("secret*\n" + copy + "\n", "644"), files(built).get(".dockerignore"));
        assertEquals(List.of(".dockerignore", "app.txt", copy), built.forBuildKit().paths());
        assertEquals(file("secret*", "644"), files(built.forBuildKit()).get(".dockerignore"));
    }

    @Test
    void aLinkedDockerignoreBecomesAFileHoldingWhatItLinksTo() throws Exception {
        Files.writeString(context.resolve("rules"), "secret*\n");
        Files.createSymbolicLink(context.resolve(".dockerignore"), Path.of("rules"));
        Map<String, String> files = files(scan("../../docker/api.Dockerfile"));
        assertEquals(file("secret*\n\n" + copy + "\n", "600"), files.get(".dockerignore"),
                "the CLI fails on it (archive/tar: write too long)");
    }

    @Test
    void aReRunSendsTheSameBytes() throws Exception {
        Files.writeString(context.resolve(".dockerignore"), "secret*\n");
        for (BuildContext built : List.of(scan("../../docker/api.Dockerfile"),
                scan("../../docker/api.Dockerfile").forBuildKit())) {
            try (InputStream first = built.openTar(); InputStream second = built.openTar()) {
                assertArrayEquals(first.readAllBytes(), second.readAllBytes());
            }
        }
        try (InputStream first = scan("../../docker/api.Dockerfile").openTar();
             InputStream second = scan("../../docker/api.Dockerfile").openTar()) {
            assertArrayEquals(first.readAllBytes(), second.readAllBytes(), "two scans, the same context");
        }
    }

    @Test
    void underBuildKitTheDockerfilesOwnIgnoreFileWins() throws Exception {
        Files.writeString(context.resolve(".dockerignore"), "secret*\n");
        Files.writeString(context.resolve("secret.txt"), "s\n");
        Files.writeString(repo.resolve("docker/api.Dockerfile.dockerignore"), "app.txt\n");
        BuildContext built = scan("../../docker/api.Dockerfile");
        assertEquals(List.of(".dockerignore", "app.txt", copy), built.paths(), "the classic builder: .dockerignore");
        assertEquals(List.of(".dockerignore", "secret.txt", copy), built.forBuildKit().paths());

        Files.writeString(repo.resolve("docker/api.Dockerfile.dockerignore"), "");
        assertEquals(List.of(".dockerignore", "app.txt", "secret.txt", copy), scan("../../docker/api.Dockerfile")
                .forBuildKit().paths(), "an empty one wins too");

        Files.delete(repo.resolve("docker/api.Dockerfile.dockerignore"));
        Files.createDirectories(repo.resolve("docker/api.Dockerfile.dockerignore"));
        assertEquals(List.of(".dockerignore", "app.txt", copy), scan("../../docker/api.Dockerfile").forBuildKit()
                .paths(), "a directory of that name is no ignore file, as BuildKit cannot read it as one");
    }

    @Test
    void aMalformedPatternInTheDockerfilesIgnoreFileNamesIt() throws Exception {
        Files.writeString(repo.resolve("docker/api.Dockerfile.dockerignore"), "[\n");
        BuildContext.Unusable e = assertThrows(BuildContext.Unusable.class, () -> scan("../../docker/api.Dockerfile"));
        assertEquals(List.of("../../docker/api.Dockerfile.dockerignore holds the pattern '[', which is malformed"
                + " (syntax error in pattern); docker build rejects it too"), e.problems());
    }

    @Test
    void underBuildKitAnExcludedDockerfileTravelsUnderItsOwnName() throws Exception {
        Files.writeString(context.resolve("Dockerfile"), DOCKERFILE);
        Files.writeString(context.resolve(".dockerignore"), "Dockerfile\n.dockerignore\n");
        BuildContext built = scan("Dockerfile");
        assertEquals(List.of(".dockerignore", "Dockerfile", "app.txt"), built.paths(), "the engine drops both");
        assertEquals("Dockerfile", built.tarDockerfile());
        assertEquals(List.of("app.txt", copy), built.forBuildKit().paths());
        assertEquals(copy, built.forBuildKit().tarDockerfile());

        Files.writeString(context.resolve(".dockerignore"), "app.txt\n");
        assertEquals(List.of(".dockerignore", "Dockerfile"), scan("Dockerfile").forBuildKit().paths());
        assertEquals("Dockerfile", scan("Dockerfile").forBuildKit().tarDockerfile());
    }

    @Test
    void namesAreSortedByTheirBytesAndNamedByThem() throws Exception {
        Files.writeString(context.resolve("Dockerfile"), DOCKERFILE);
        for (String name : List.of("a\\xe9", "a\\xc3\\xa9", "a~", "aZ", "a\\xe8")) {
            Files.writeString(context.resolve("tmp"), "x");
            Process mv = new ProcessBuilder("bash", "-c", "mv tmp \"$(printf %b \"$1\")\"", "_", name)
                    .directory(context.toFile()).start();
            assertEquals(0, mv.waitFor());
        }
        assertEquals(List.of("Dockerfile", "aZ", "app.txt", "a~", "a\u00e9", "a\\xE8", "a\\xE9"),
                scan("Dockerfile").paths());
    }

    @Test
    void aDockerignoreThatIsNotUtf8IsReadAsGoReadsItWithAWarning() throws Exception {
        Files.writeString(context.resolve("Dockerfile"), DOCKERFILE);
        Files.write(context.resolve(".dockerignore"), RawNamesTest.raw("app\\xe9\n"));
        BuildContext built = scan("Dockerfile");
        assertEquals(List.of(".dockerignore holds bytes that are not UTF-8; each such byte of a pattern matches any"
                + " such byte of a name, as docker build matches it"), built.warnings());
        assertEquals(List.of(".dockerignore", "Dockerfile", "app.txt"), built.paths());
    }

    private BuildContext scan(String dockerfile) throws BuildContext.Unusable, IOException {
        return BuildContext.scan(context.toRealPath(), dockerfile);
    }

    private static Map<String, String> files(BuildContext built) throws IOException {
        try (InputStream tar = built.openTar()) {
            return RawTar.list(tar);
        }
    }

    private static String file(String content, String mode) throws Exception {
        return "file " + sha256(content.getBytes(StandardCharsets.UTF_8)).substring(0, 12) + " " + mode;
    }

    private static String sha256(byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    }
}
