package org.ecrpushpipe.packaged;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.ecrpushpipe.scenarios.Builder;
import org.ecrpushpipe.scenarios.JarLauncher;
import org.ecrpushpipe.scenarios.Launcher;
import org.ecrpushpipe.testbed.DebianBase;
import org.ecrpushpipe.testbed.EcrBed;
import org.ecrpushpipe.testbed.EcrBedExtension;
import org.ecrpushpipe.testbed.ServedImage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import com.github.dockerjava.api.DockerClient;

/**
 * The seed tutorial's own scenario, run the way a user runs the pipe: the packaged jar as a separate process,
 * the seed's Apache Dockerfile and variables, IMAGE the tutorial's full repository URI. Afterwards the image is
 * pulled back from the registry by digest, run, and asked for its page.
 */
@ExtendWith(EcrBedExtension.class)
class SeedScenarioIT {
    private static final String REPOSITORY = "ayush-sharma-testing";
    /** The seed tutorial's IMAGE, word for word. */
    private static final String TUTORIAL_IMAGE = "123456789012.dkr.ecr.ap-southeast-1.amazonaws.com/ayush-sharma-testing";
    private static final String RELEASE_TAG = "ecr-release-0.1.0";
    private static final Pattern PUSHED = Pattern.compile("✔ Successfully pushed (\\S+):" + RELEASE_TAG
            + " \\((sha256:[0-9a-f]{64})\\)");

    @TempDir
    Path work;

    /** The seed's Apache example, with FROM pointed at the locally made Debian base (no image registry here). */
    private Path apacheExample(DockerClient docker) throws IOException {
        String base = DebianBase.ensure(docker);
        Path dir = Files.createDirectories(work.resolve("apache"));
        String dockerfile = Files.readString(Path.of("examples/apache/Dockerfile"))
                .replaceFirst("(?m)^FROM debian:bookworm$", "FROM " + base);
        assertTrue(dockerfile.contains("FROM " + base));
        Files.writeString(dir.resolve("Dockerfile"), dockerfile);
        return dir;
    }

    @Test
    void seedTutorialBuildsPushesAndServesHelloWorld(EcrBed bed) throws Exception {
        Path repo = apacheExample(bed.docker());
        bed.standIn().createRepository(REPOSITORY);
        assertEquals(TUTORIAL_IMAGE, bed.repositoryUri(REPOSITORY));
        Map<String, String> env = bed.pipeEnv(TUTORIAL_IMAGE);
        env.remove("NO_COLOR");
        env.put("BITBUCKET_TAG", RELEASE_TAG);
        env.put("BITBUCKET_BRANCH", "");
        Path home = Files.createDirectories(work.resolve("home"));
        env.put("HOME", home.toString());
        List<Path> repoBefore = listing(repo);

        Launcher.PipeRun run = new JarLauncher().run(env, Map.of(), repo);

        assertEquals(0, run.exitCode(), run.output());
        Matcher pushed = PUSHED.matcher(run.output().replaceAll("\u001b\\[[0-9;]*m", ""));
        assertTrue(pushed.find(), run.output());
        String uri = pushed.group(1);
        String digest = pushed.group(2);
        assertEquals(TUTORIAL_IMAGE, uri);
        assertEquals(java.util.Optional.of(digest), bed.manifestDigest(REPOSITORY, RELEASE_TAG));
        assertFalse(run.output().contains(bed.secretKey()));
        assertEquals(List.of(), listing(home), "nothing written to HOME: no docker config, no AWS files");
        assertEquals(repoBefore, listing(repo), "nothing written to the clone");

        String page = ServedImage.pullRunAndGet(bed.docker(), uri, digest, bed.registryAuth(), 80, "/", RELEASE_TAG);
        assertEquals("Hello World!\n", page);
    }

    private static List<Path> listing(Path dir) throws IOException {
        try (var files = Files.walk(dir)) {
            return files.filter(p -> !p.equals(dir)).sorted().toList();
        }
    }

    @Test
    void aHostileDotEnvInTheCloneCannotTurnLibraryLoggingBackOn(EcrBed bed) throws Exception {
        // Quarkus reads .env in the working directory, which is the user's clone
        Files.writeString(work.resolve(".env"), String.join("\n",
                "QUARKUS_LOG_CONSOLE_ENABLE=true", "QUARKUS_LOG_LEVEL=TRACE", "QUARKUS_BANNER_ENABLED=true",
                "QUARKUS_LOG_FILE_ENABLE=true", "QUARKUS_LOG_FILE_PATH=" + work.resolve("quarkus.log"),
                "QUARKUS_LOG_CATEGORY__COM_GITHUB_DOCKERJAVA__LEVEL=TRACE",
                "QUARKUS_LOG_CATEGORY__ORG_APACHE_HC__LEVEL=TRACE",
                "QUARKUS_LOG_CATEGORY__SOFTWARE_AMAZON_AWSSDK__LEVEL=TRACE", ""));
        Files.writeString(work.resolve("Dockerfile"), "FROM scratch\nCOPY .env /env\n");
        bed.standIn().createRepository("packaged/dotenv");
        Map<String, String> env = bed.pipeEnv("packaged/dotenv");
        env.put("DEBUG", "true");
        Launcher.PipeRun run = new JarLauncher().run(env, Map.of(), work);
        assertEquals(0, run.exitCode(), run.output());
        assertFalse(run.output().contains("X-Registry-Auth"), run.output());
        assertFalse(Files.exists(work.resolve("quarkus.log")), "no log file written into the clone");
        for (String line : run.output().lines().toList()) {
            // the build's lines are the default builder's
            assertTrue(line.matches("(INFO|DEBUG|WARNING): .*|✔ .*|\\s*") || Builder.BUILDKIT.isBuildLine(line),
                    "only the pipe's own lines and the build's: " + line);
        }
        assertFalse(run.output().contains(bed.secretKey()), "secret key printed");
        for (String password : bed.standIn().issuedRegistryPasswords()) {
            assertFalse(run.output().contains(password), "registry password printed");
        }
    }

}
