package org.ecrpushpipe.scenarios;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.ecrpushpipe.image.PipeImage;
import org.ecrpushpipe.testbed.EcrBed;
import org.ecrpushpipe.testbed.TestImages;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/**
 * The scenarios with the pipe's image, built by {@code bash test/build-image.sh} and run as Bitbucket runs a
 * pipe, building with BuildKit; plus the manual form docs/building-the-image.md gives, with the engine's socket mounted.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ImageScenariosIT extends PipeScenarios {
    private static final Pattern PUSHED = Pattern.compile("✔ Successfully pushed (\\S+):(\\S+) \\((sha256:[0-9a-f]{64})\\)");

    private ImageLauncher launcher;

    ImageScenariosIT(EcrBed bed) {
        super(bed);
    }

    @BeforeAll
    void buildTheImage() throws Exception {
        launcher = ImageLauncher.onTheBed(PipeImage.build(bed));
    }

    @Override
    protected Launcher launcher() {
        return launcher;
    }

    @Override
    protected Builder builder() {
        return Builder.BUILDKIT;
    }

    /** docs/building-the-image.md's "run it by hand": the clone at the same path as working directory, the engine's socket mounted. */
    @Test
    void theManualFormFromReadmeWorksWithTheSocketMounted() throws Exception {
        bed.standIn().createRepository("manual/app");
        Path clone = TestImages.busybox(work.resolve("manual")).uniqueFile().write();
        String socket = System.getenv("BED_ENGINE_DIR") + "/docker.sock";
        assertTrue(Files.exists(Path.of(socket)), "the bed's engine socket " + socket);
        Map<String, String> env = userVariables("manual/app");
        env.put("TAGS", "by-hand");
        Launcher.PipeRun run = dockerRun(List.of("--network", "host", "-v", clone + ":" + clone, "-w", clone.toString(),
                "-v", socket + ":/var/run/docker.sock"), env, clone);
        assertEquals(0, run.exitCode(), run.output());
        assertTrue(run.output().contains("INFO: Using the Docker engine at unix:///var/run/docker.sock."), run.output());
        Matcher pushed = PUSHED.matcher(run.output());
        assertTrue(pushed.find(), run.output());
        assertEquals(Optional.of(pushed.group(3)), bed.manifestDigest("manual/app", "by-hand"));
    }

    /**
     * README's first example, as written: its step's variables (each {@code $NAME} the repository variable of that
     * name), on a push of a git tag its pipeline matches, with the image run as Bitbucket runs a pipe. A newcomer
     * with only the README gets from nothing to a pushed image with it.
     */
    @Test
    void theReadmesFirstExampleAsWritten() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        String examples = readme.substring(readme.indexOf("\n## Examples\n"));
        String yaml = examples.substring(examples.indexOf("```yaml\n") + 8, examples.indexOf("\n```", examples.indexOf("```yaml\n")));
        JsonNode pipelines = new ObjectMapper(new YAMLFactory()).readTree(yaml).path("pipelines");
        Map.Entry<String, JsonNode> tagPipeline = pipelines.path("tags").fields().next();
        JsonNode step = tagPipeline.getValue().get(0).path("step");
        assertEquals("docker", step.path("services").get(0).asText(), yaml);
        JsonNode pipe = step.path("script").get(0);
        assertTrue(pipe.path("pipe").asText().startsWith("org/ecr-push-pipe:"), yaml);
        String gitTag = tagPipeline.getKey().replace("*", "0.1.0");

        // the repository variables a team sets (its keys), and what Bitbucket sets for a tag's pipeline
        Map<String, String> repositoryVariables = bed.pipeEnv("unused");
        Map<String, String> env = new HashMap<>();
        pipe.path("variables").fields().forEachRemaining(v -> env.put(v.getKey(),
                v.getValue().asText().startsWith("$") ? repositoryVariables.get(v.getValue().asText().substring(1))
                        : v.getValue().asText()));
        String image = env.get("IMAGE");
        assertTrue(image.startsWith(EcrBed.ECR_REGISTRY_HOST + "/"), "IMAGE is the bed's registry host: " + image);
        String repository = image.substring(image.indexOf('/') + 1);
        env.put("BITBUCKET_TAG", gitTag);
        // the bed's own: its ECR API endpoint (AWS's is out of reach) and its engine, which has no bridge network
        env.put("AWS_ENDPOINT_URL", repositoryVariables.get("AWS_ENDPOINT_URL"));
        env.put("BUILD_NETWORK", "host");
        bed.standIn().createRepository(repository);
        Path clone = TestImages.busybox(work.resolve("readme-first")).uniqueFile().write();

        Launcher.PipeRun run = launcher.run(env, Map.of(), clone);

        assertEquals(0, run.exitCode(), run.output());
        Matcher pushed = PUSHED.matcher(run.output());
        assertTrue(pushed.find(), run.output());
        assertEquals(image, pushed.group(1));
        assertEquals(gitTag, pushed.group(2), "the git tag names the image");
        assertEquals(Optional.of(pushed.group(3)), bed.manifestDigest(repository, gitTag));
    }

    /** {@code docker run} of the image with these options and variables (by name), in {@code clone}. */
    private Launcher.PipeRun dockerRun(List<String> options, Map<String, String> env, Path clone) {
        List<String> command = new ArrayList<>(List.of("docker", "run", "--rm"));
        command.addAll(options);
        env.keySet().stream().sorted().forEach(name -> command.addAll(List.of("-e", name)));
        command.add(PipeImage.name());
        Map<String, String> cli = new HashMap<>(env);
        cli.put("DOCKER_HOST", bed.dockerHost());
        cli.put("PATH", System.getenv("PATH"));
        return JarLauncher.Processes.run(command, cli, clone);
    }

    private Map<String, String> userVariables(String repository) {
        Map<String, String> env = new HashMap<>(bed.pipeEnv(repository));
        env.remove("DOCKER_HOST");
        return env;
    }

    @Test
    void withoutTheCloneMountedItSaysSo() {
        Launcher.PipeRun run = dockerRun(List.of("--network", "host", "-w", ImageLauncher.CLONE_DIR,
                "-e", "DOCKER_HOST=" + bed.dockerHost()), userVariables("bad/no-clone"), work);
        assertEquals(2, run.exitCode(), run.output());
        assertTrue(run.output().contains("the working directory " + ImageLauncher.CLONE_DIR + " is empty: the pipe"
                + " runs in the clone, which Bitbucket mounts there; by hand, add -v \"$PWD:$PWD\" -w \"$PWD\""),
                run.output());
        Launcher.PipeRun noWorkdir = dockerRun(List.of("--network", "host", "-e", "DOCKER_HOST=" + bed.dockerHost()),
                userVariables("bad/no-clone"), work);
        assertEquals(2, noWorkdir.exitCode(), noWorkdir.output());
        assertTrue(noWorkdir.output().contains("the working directory / is empty"), noWorkdir.output());
    }

    @Test
    void anUnreadableWorkingDirectoryIsNamed() throws Exception {
        Path clone = TestImages.busybox(work.resolve("private-clone")).write();
        Files.setPosixFilePermissions(clone, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        Launcher.PipeRun run = dockerRun(List.of("--network", "host", "--user", "1000:1000",
                "-v", clone + ":" + ImageLauncher.CLONE_DIR, "-w", ImageLauncher.CLONE_DIR,
                "-e", "DOCKER_HOST=" + bed.dockerHost()), userVariables("bad/unreadable"), clone);
        assertEquals(2, run.exitCode(), run.output());
        assertTrue(run.output().contains("BUILD_CONTEXT:\n- '.' cannot be read (permission denied)"), run.output());
        assertTrue(run.failureLine().equals("✖ Validation errors:"), run.output());
    }

    @Test
    void bitbucketsEngineNameWithoutAnAddedHostSaysHowToAddIt() throws Exception {
        Path clone = TestImages.busybox(work.resolve("no-add-host")).write();
        // no network and a resolver that answers nothing: the name cannot resolve, and nothing is asked outside
        Launcher.PipeRun run = dockerRun(List.of("--network", "none", "--dns", "127.0.0.1",
                "-v", clone + ":" + ImageLauncher.CLONE_DIR, "-w", ImageLauncher.CLONE_DIR,
                "-e", "DOCKER_HOST=" + ImageLauncher.BITBUCKET_DOCKER_HOST), userVariables("bad/no-add-host"), clone);
        assertEquals(4, run.exitCode(), run.output());
        assertTrue(run.failureLine().startsWith("✖ Cannot reach the Docker engine at tcp://host.docker.internal:2375"),
                run.output());
        assertTrue(run.output().contains("add --add-host host.docker.internal:host-gateway"), run.output());
    }

    @Test
    void aUserWhoMayNotUseTheSocketIsToldWhichGroupToAdd() throws Exception {
        Path clone = TestImages.busybox(work.resolve("socket-user")).write();
        Files.setPosixFilePermissions(clone, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        try (var files = Files.walk(clone)) {
            for (Path p : files.toList()) {
                Files.setPosixFilePermissions(p, java.nio.file.attribute.PosixFilePermissions.fromString(
                        Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
            }
        }
        Path socket = Path.of(System.getenv("BED_ENGINE_DIR"), "docker.sock");
        String mode = java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(socket));
        assertTrue(!mode.endsWith("rw-"), "the engine's socket is not open to everyone: " + mode);
        Launcher.PipeRun run = dockerRun(List.of("--network", "none", "--user", "1000:1000",
                "-v", socket + ":/var/run/docker.sock", "-v", clone + ":" + ImageLauncher.CLONE_DIR,
                "-w", ImageLauncher.CLONE_DIR), userVariables("bad/socket"), clone);
        assertEquals(4, run.exitCode(), run.output());
        assertTrue(run.output().contains("Hint: the pipe's user may not use /var/run/docker.sock: run it as root"
                + " (Bitbucket runs pipes as root), or give it the socket's group (docker run --group-add "
                + Files.getAttribute(socket, "unix:gid") + ")"), run.output());
    }
}
