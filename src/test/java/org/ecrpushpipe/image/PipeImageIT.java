package org.ecrpushpipe.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.ecrpushpipe.config.Variable;
import org.ecrpushpipe.testbed.EcrBed;
import org.ecrpushpipe.testbed.EcrBedExtension;
import org.ecrpushpipe.testbed.TestImages;
import org.ecrpushpipe.testbed.TlsRelay;
import org.ecrpushpipe.testbed.UnixSocketRelay;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;


/**
 * The pipe's JVM image, built on the bed by the one command a publisher runs ({@code bash test/build-image.sh},
 * its AOT cache trained against this bed's stand-in behind HTTPS), then run the way Bitbucket and users run it:
 * {@code docker run} with variables in the environment, the clone mounted as the working directory, no LANG.
 * Fails, never skips, when the image cannot be built.
 */
@ExtendWith(EcrBedExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PipeImageIT {
    private static final long MAX_IMAGE_BYTES = 200L * 1000 * 1000;
    private static final Path TEMURIN_25 = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64");
    private static final Pattern PUSHED = Pattern.compile("✔ Successfully pushed (\\S+):(\\S+) \\((sha256:[0-9a-f]{64})\\)");
    private static final String TRUST_STORE_IN_CONTAINER = "/run/ecr-test-trust.p12";
    private static final String REPOSITORY = "image-test";

    private final String image;
    private final String noAot;
    private EcrBed bed;
    private TlsRelay tls;
    private UnixSocketRelay engineSocket;
    private Path work;

    PipeImageIT() throws IOException {
        image = PipeImage.name();
        noAot = PipeImage.withoutAotCache();
    }

    @BeforeAll
    void buildTheImage(EcrBed bed) throws Exception {
        this.bed = bed;
        // Under /tmp, readable by everyone: the image is also run as uid 1000, with these files mounted.
        work = Files.createTempDirectory(Path.of("/tmp"), "ecr-image-test-");
        Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
        tls = TlsRelay.start(bed.standIn().apiEndpoint());
        engineSocket = UnixSocketRelay.start(bed.dockerHost());
        bed.standIn().createRepository(REPOSITORY);
        PipeImage.build(bed);
    }

    @AfterAll
    void cleanUp() throws Exception {
        if (engineSocket != null) {
            engineSocket.close();
        }
        if (tls != null) {
            tls.close();
        }
        if (work != null) {
            try (Stream<Path> files = Files.walk(work)) {
                files.sorted((a, b) -> b.compareTo(a)).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** {@code docker run --rm OPTIONS IMAGE ARGS} with {@code env} handed over by name ({@code -e NAME}). */
    private DockerCli.Result run(String which, List<String> options, Map<String, String> env, String... args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("run", "--rm"));
        command.addAll(options);
        env.keySet().forEach(name -> command.addAll(List.of("-e", name)));
        command.add(which);
        command.addAll(List.of(args));
        return DockerCli.docker(command, env, Duration.ofMinutes(10));
    }

    private DockerCli.Result runOffline(String which, String... args) throws IOException, InterruptedException {
        return run(which, List.of("--network", "none"), Map.of(), args);
    }

    @Test
    void helpListsEveryVariableAndExitsZero() throws Exception {
        DockerCli.Result help = runOffline(image, "--help");
        assertEquals(0, help.exitCode(), help.output());
        for (Variable variable : Variable.values()) {
            for (String name : variable.names()) {
                assertTrue(help.plain().contains(name), "--help names " + name + ":\n" + help.output());
            }
        }
    }

    @Test
    void versionIsThePackagedJarsVersion() throws Exception {
        DockerCli.Result version = runOffline(image, "--version");
        assertEquals(0, version.exitCode(), version.output());
        DockerCli.Result jar = DockerCli.run(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", "target/quarkus-app/quarkus-run.jar", "--version"), Map.of(), Duration.ofMinutes(2));
        assertEquals(0, jar.exitCode(), jar.output());
        assertTrue(version.plain().matches("ecr-push-pipe \\d+\\.\\d+\\.\\d+\\S*\\n"), version.output());
        assertEquals(jar.plain(), version.plain());
    }

    @Test
    void carriesPipeYmlReadmeAndLicenseAtTheRoot() throws Exception {
        DockerCli.Result created = DockerCli.docker(List.of("create", image));
        assertEquals(0, created.exitCode(), created.output());
        String container = created.output().trim();
        try {
            for (String file : List.of("pipe.yml", "README.md", "LICENSE.txt")) {
                Path copy = work.resolve("root-" + file);
                DockerCli.Result cp = DockerCli.docker(List.of("cp", container + ":/" + file, copy.toString()));
                assertEquals(0, cp.exitCode(), "/" + file + " in the image: " + cp.output());
                assertArrayEquals(Files.readAllBytes(Path.of(file)), Files.readAllBytes(copy), "/" + file);
            }
        } finally {
            DockerCli.docker(List.of("rm", container));
        }
        assertEquals("[/opt/jre/bin/java", DockerCli.inspect(image, "{{json .Config.Entrypoint}}")
                .replace("\"", "").split(",")[0], "the pipe is the ENTRYPOINT");
    }

    @Test
    void runsAsRootByDefaultAndHoldsNoSecret() throws Exception {
        assertEquals("0:0", DockerCli.inspect(image, "{{.Config.User}}"));
        DockerCli.Result user = run(image, List.of("--network", "none", "--entrypoint", "/opt/jre/bin/java"), Map.of(),
                "-XshowSettings:properties", "-version");
        assertEquals(0, user.exitCode(), user.output());
        assertTrue(user.output().contains("user.name = root"), user.output());

        // Nothing of the training run's environment is in the image: not in its configuration, not in a layer.
        assertEquals("[PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
                        + " SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt LANG=C.UTF-8]",
                DockerCli.inspect(image, "{{.Config.Env}}"));
        DockerCli.Result saved = DockerCli.docker(List.of("save", image), Map.of(), Duration.ofMinutes(5));
        assertEquals(0, saved.exitCode());
        assertTrue(saved.raw().length > 50_000_000, "docker save wrote the whole image");
        for (String secret : List.of(bed.secretKey(), EcrBed.ACCESS_KEY)) {
            assertFalse(contains(saved.raw(), secret.getBytes(StandardCharsets.UTF_8)), "the image holds a training key");
        }
    }

    @Test
    void pushesOverHttpsAsRootWithATcpEngine() throws Exception {
        assertPushes("root-tcp", List.of(), bed.dockerHost());
    }

    @Test
    void pushesAsUser1000ThroughTheEngineSocket() throws Exception {
        assertPushes("uid1000-socket", List.of("--user", "1000:1000",
                "-v", engineSocket.socket() + ":/var/run/docker.sock"), null);
    }

    /**
     * One real run through the image, as Bitbucket does it: the clone mounted at the same path as working
     * directory, the ECR endpoint over HTTPS (its certificate trusted through JAVA_TOOL_OPTIONS, the only
     * difference from a real run), a context holding a non-ASCII file name. The registry must then hold the
     * printed digest.
     */
    private void assertPushes(String tag, List<String> options, String dockerHost) throws Exception {
        Path context = TestImages.busybox(work.resolve("context-" + tag)).uniqueFile().line("COPY caf* /").write();
        // The name "café.txt" written by bash from bytes: this JVM may run without a UTF-8 locale.
        DockerCli.Result named = DockerCli.run(List.of("bash", "-c",
                "cd \"$1\" && printf 'non-ASCII name\\n' > $'caf\\xc3\\xa9.txt' && chmod -R a+rX .", "_",
                context.toString()), Map.of(), Duration.ofSeconds(30));
        assertEquals(0, named.exitCode(), named.output());

        Map<String, String> env = new LinkedHashMap<>();
        env.put("AWS_KEY", EcrBed.ACCESS_KEY);
        env.put("AWS_SECRET", bed.secretKey());
        env.put("AWS_REGION", bed.standIn().region());
        env.put("IMAGE", REPOSITORY);
        env.put("TAGS", tag);
        env.put("AWS_ENDPOINT_URL", tls.endpoint());
        env.put("BUILD_NETWORK", "host"); // the bed's engine has no bridge network
        env.put("JAVA_TOOL_OPTIONS", "-Djavax.net.ssl.trustStore=" + TRUST_STORE_IN_CONTAINER
                + " -Djavax.net.ssl.trustStorePassword=" + TlsRelay.TRUST_STORE_PASSWORD);
        if (dockerHost != null) {
            env.put("DOCKER_HOST", dockerHost);
        }
        List<String> all = new ArrayList<>(List.of("--network", "host", "-v", context + ":" + context, "-w",
                context.toString(), "-v", tls.trustStore() + ":" + TRUST_STORE_IN_CONTAINER + ":ro"));
        all.addAll(options);
        DockerCli.Result run = run(image, all, env);

        assertEquals(0, run.exitCode(), run.output());
        Matcher pushed = PUSHED.matcher(run.plain());
        assertTrue(pushed.find(), run.output());
        assertEquals(bed.registryHost() + "/" + REPOSITORY, pushed.group(1));
        assertEquals(tag, pushed.group(2));
        assertEquals(Optional.of(pushed.group(3)), bed.manifestDigest(REPOSITORY, tag));
        assertTrue(contains(run.raw(), "\u2714".getBytes(StandardCharsets.UTF_8)), "✔ in UTF-8");
        assertFalse(run.output().contains(bed.secretKey()), "secret key printed");
        assertFalse(run.output().contains(EcrBed.ACCESS_KEY), "access key printed");
    }

    @Test
    void writesUtf8WithAndWithoutLang() throws Exception {
        byte[] cross = "\u2716 Validation errors:".getBytes(StandardCharsets.UTF_8);
        assertArrayEquals(new byte[] {(byte) 0xE2, (byte) 0x9C, (byte) 0x96}, Arrays.copyOf(cross, 3));
        for (List<String> options : List.of(List.of("--network", "none"), List.of("--network", "none", "-e", "LANG="))) {
            // "LANG=" empties the image's LANG: the JVM then runs in the C locale, as a JVM without LANG does.
            DockerCli.Result run = run(image, options, Map.of());
            assertEquals(2, run.exitCode(), run.output());
            assertTrue(contains(run.raw(), cross), options + ": " + Arrays.toString(Arrays.copyOf(run.raw(), 40)));
        }
    }

    /**
     * A stale cache (one from another runtime and class path, or a damaged file) or a missing one (the image as
     * built before training) must not change a byte of what the user sees, nor the exit code.
     */
    @Test
    void aStaleOrMissingAotCacheChangesNothingInTheOutput() throws Exception {
        Path foreign = work.resolve("foreign.aot");
        DockerCli.Result trained = DockerCli.run(List.of(TEMURIN_25.resolve("bin/java").toString(),
                "-XX:AOTCacheOutput=" + foreign, "-jar", "target/quarkus-app/quarkus-run.jar", "--version"),
                Map.of(), Duration.ofMinutes(5));
        assertEquals(0, trained.exitCode(), "a cache from another runtime, made with " + TEMURIN_25 + ": " + trained.output());
        Path garbage = work.resolve("garbage.aot");
        Files.write(garbage, "not an AOT cache".repeat(100).getBytes(StandardCharsets.UTF_8));
        for (Path file : List.of(foreign, garbage)) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        }

        // The foreign cache really is stale: the JVM refuses it when told it must use it; the image's own it takes.
        assertNotEquals(0, withAotModeOn(List.of("-v", foreign + ":/app/app.aot:ro")).exitCode());
        DockerCli.Result own = withAotModeOn(List.of());
        assertEquals(0, own.exitCode(), own.output());

        for (String[] args : List.of(new String[] {"--help"}, new String[0])) {
            DockerCli.Result expected = runOffline(image, args);
            assertFalse(expected.output().contains("[warning]") || expected.output().contains("[error]")
                    || expected.output().contains("AOT") || expected.output().contains("shared"), expected.output());
            Map<String, DockerCli.Result> variants = new LinkedHashMap<>();
            variants.put("a cache from another runtime", run(image, List.of("--network", "none", "-v",
                    foreign + ":/app/app.aot:ro"), Map.of(), args));
            variants.put("a damaged cache", run(image, List.of("--network", "none", "-v",
                    garbage + ":/app/app.aot:ro"), Map.of(), args));
            variants.put("no cache", runOffline(noAot, args));
            for (Map.Entry<String, DockerCli.Result> variant : variants.entrySet()) {
                assertEquals(expected.exitCode(), variant.getValue().exitCode(), variant.getKey());
                assertEquals(expected.output(), variant.getValue().output(), variant.getKey() + ", " + List.of(args));
            }
        }
    }

    /** The image's own java and flags with -XX:AOTMode=on, which refuses to start without a usable cache. */
    private DockerCli.Result withAotModeOn(List<String> options) throws IOException, InterruptedException {
        List<String> entrypoint = new ArrayList<>(List.of(DockerCli.inspect(image,
                "{{range .Config.Entrypoint}}{{println .}}{{end}}").split("\n")));
        List<String> all = new ArrayList<>(List.of("--network", "none", "--entrypoint", entrypoint.get(0)));
        all.addAll(options);
        String[] args = entrypoint.subList(1, entrypoint.size()).stream()
                .map(a -> a.startsWith("-XX:AOTMode=") ? "-XX:AOTMode=on" : a)
                .flatMap(a -> a.equals("/app/quarkus-run.jar") ? Stream.of(a, "--version") : Stream.of(a))
                .toArray(String[]::new);
        assertTrue(List.of(args).contains("-XX:AOTMode=on"), "the ENTRYPOINT sets -XX:AOTMode");
        return run(image, all, Map.of(), args);
    }

    @Test
    void isAtMost200MbWithTheAotCache() throws Exception {
        long size = Long.parseLong(DockerCli.inspect(image, "{{.Size}}"));
        long withoutCache = Long.parseLong(DockerCli.inspect(noAot, "{{.Size}}"));
        System.out.printf("%s: %.1f MB (without the AOT cache %.1f MB)%n", image, size / 1e6, withoutCache / 1e6);
        assertTrue(size > withoutCache + 10_000_000, "the AOT cache is in the image");
        assertTrue(size <= MAX_IMAGE_BYTES, image + " is " + size / 1e6 + " MB, over 200 MB");
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
