package org.ecrpushpipe.scenarios;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.ecrpushpipe.testbed.DebianDockerCli;
import org.ecrpushpipe.testbed.EcrBed;
import org.ecrpushpipe.testbed.EcrRegionsBed;
import org.ecrpushpipe.testbed.PlatformImages;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Multi-platform images without buildx (PLATFORM_TAGS), on the bed with three regions of one account, for every
 * launcher a subclass names. The amd64 image is built and pushed by the pipe on the bed's (amd64) engine; the images
 * of other architectures are written through the ECR stand-in's registry as an arm64 runner's push writes them (a
 * configuration naming the platform, and a manifest). Each test reads what the real registry behind the stand-in
 * holds after the run, and the docker CLI's own {@code docker manifest inspect} is the oracle of the image made.
 */
abstract class PlatformTagsScenarios extends RegionsScenarios {
    private static final Pattern PUSHED = Pattern.compile(
            "✔ Successfully pushed (\\S+):(\\S+) \\((sha256:[0-9a-f]{64})\\)");
    private static final ObjectMapper JSON = new ObjectMapper();

    PlatformTagsScenarios(EcrRegionsBed bed) {
        super(bed);
    }

    /** How the runs under test are made: the set-up's builds always run in-process. */
    protected abstract Launcher pipe();

    /** Whether every run under test has DEBUG=true (its output then scanned for secrets with debug lines on). */
    protected abstract boolean debug();

    private Launcher.PipeRun combine(Map<String, String> env) throws IOException {
        Path clone = Files.createDirectories(work.resolve("clone-" + System.nanoTime()));
        Launcher.PipeRun run = new SecretScanningLauncher(pipe(), bed.home(), debug()).run(env, Map.of(), clone);
        // GetDownloadUrlForLayer's pre-signed URLs grant access for an hour: never printed, not even with DEBUG
        assertFalse(run.output().contains("X-Amz-Signature") || run.output().contains(
                "starport-layer-bucket"), "a pre-signed URL is printed: " + run.output());
        return run;
    }

    /** A run combining {@code platformTags} into {@code tags} of {@code repository}, with no engine at all. */
    private Map<String, String> env(String repository, String platformTags, String tags) throws IOException {
        Map<String, String> env = bed.pipeEnv(bed.repositoryUri(repository));
        env.put("PLATFORM_TAGS", platformTags);
        env.put("TAGS", tags);
        env.put("DOCKER_HOST", noEngine());
        return env;
    }

    /** A DOCKER_HOST where nothing listens: a run that needs no engine succeeds with it. */
    private static String noEngine() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return "tcp://127.0.0.1:" + socket.getLocalPort();
        }
    }

    /** Builds and pushes a new amd64 image as {@code tag} with the pipe (and to {@code mirrors}); its digest. */
    private String pushAmd64(String repository, String tag, String... mirrors) {
        Map<String, String> env = bed.pipeEnv(bed.repositoryUri(repository));
        env.put("TAGS", tag);
        env.put("CACHE", "false");
        if (mirrors.length > 0) {
            env.put("MIRROR_REGIONS", String.join(" ", mirrors));
        }
        Launcher.PipeRun run = launcher.run(env, Map.of(), context(repository.replace('/', '-') + "-" + tag));
        assertEquals(0, run.exitCode(), run.output());
        return bed.manifestDigest(HOME, repository, tag).orElseThrow();
    }

    private PlatformImages images(String region) {
        return PlatformImages.through(bed.standIn(region), bed.home().secretKey());
    }

    private static List<String> pushedTags(Launcher.PipeRun run) {
        return run.lines().stream().map(PUSHED::matcher).filter(Matcher::matches).map(m -> m.group(2)).toList();
    }

    /** The entries of an index as {@code digest platform} lines. */
    private static List<String> entries(JsonNode index) {
        List<String> entries = new ArrayList<>();
        for (JsonNode entry : index.path("manifests")) {
            JsonNode p = entry.path("platform");
            entries.add(entry.path("digest").asText() + " " + p.path("os").asText() + "/"
                    + p.path("architecture").asText() + (p.has("variant") ? "/" + p.path("variant").asText() : ""));
        }
        return entries;
    }

    /**
     * {@code docker manifest inspect} of Debian's docker CLI (20.10, where the command is still marked
     * experimental) on the stand-in's registry, logged in with an ECR password in a docker config of its own.
     */
    private JsonNode dockerManifestInspect(String repository, String tag) throws Exception {
        String password = EcrBed.registryAuth(bed.standIn(HOME).apiEndpoint(), HOME, EcrBed.ACCESS_KEY,
                bed.home().secretKey(), bed.standIn(HOME).registryHost()).getPassword();
        String host = bed.standIn(HOME).loopbackRegistryHost();
        Path config = Files.createDirectories(work.resolve("docker-config-" + System.nanoTime()));
        Files.writeString(config.resolve("config.json"), "{\"auths\":{\"" + host + "\":{\"auth\":\""
                + Base64.getEncoder().encodeToString(("AWS:" + password).getBytes(StandardCharsets.UTF_8))
                + "\"}}}");
        DebianDockerCli.Result inspected = new DebianDockerCli(bed.home().dockerHost(), work).run(work, config,
                List.of("manifest", "inspect", "--insecure", host + "/" + repository + ":" + tag));
        assertEquals(0, inspected.exitCode(), inspected.output());
        return JSON.readTree(inspected.output());
    }

    @Test
    void twoArchitecturesBecomeOneManifestListUnderTheTags() throws Exception {
        String repository = "multi/readme";
        bed.createRepository(repository, "MUTABLE", List.of(HOME));
        String amd64 = pushAmd64(repository, "42-amd64");
        String arm64 = images(HOME).imageLike(repository, "42-amd64", "42-arm64", "linux/arm64/v8",
                PlatformImages.DOCKER_V2).digest();
        bed.standIn(HOME).registryRequests().clear();
        bed.standIn(HOME).requests().clear();

        Map<String, String> env = env(repository, "42-amd64 42-arm64", "latest 1.4");
        env.put("OUTPUT_FILE", "image.json");
        Launcher.PipeRun run = combine(env);

        assertEquals(0, run.exitCode(), run.output());
        List<String> registryRequests = List.copyOf(bed.standIn(HOME).registryRequests());
        List<String> operations = bed.standIn(HOME).requests().operations();
        assertEquals(2, registryRequests.size(), registryRequests.toString());
        assertTrue(registryRequests.stream().allMatch(r -> r.startsWith("GET /starport-layer-bucket/")),
                "nothing but the two configurations read from the layer storage; nothing uploaded, no manifest"
                        + " pushed: " + registryRequests);
        String index = images(HOME).digest(repository, "1.4").orElseThrow();
        assertEquals(Optional.of(index), images(HOME).digest(repository, "latest"));
        assertEquals(List.of("1.4", "latest"), pushedTags(run), "the moving tag last");
        JsonNode written = images(HOME).read(repository, "1.4");
        assertEquals(PlatformImages.DOCKER_LIST, written.path("mediaType").asText(),
                "every source is a Docker v2 manifest: a Docker manifest list");
        assertEquals(List.of(amd64 + " linux/amd64", arm64 + " linux/arm64/v8"), entries(written));
        JsonNode inspected = dockerManifestInspect(repository, "latest");
        assertEquals(PlatformImages.DOCKER_LIST, inspected.path("mediaType").asText(), inspected.toString());
        assertEquals(List.of(amd64 + " linux/amd64", arm64 + " linux/arm64/v8"), entries(inspected),
                "docker manifest inspect shows both platforms with the sources' digests");

        assertEquals(2, operations.stream().filter("GetDownloadUrlForLayer"::equals).count(), operations.toString());
        assertEquals(2, operations.stream().filter("PutImage"::equals).count(), operations.toString());
        assertFalse(operations.contains("GetAuthorizationToken"), "no registry login: " + operations);
        assertTrue(run.output().contains("INFO: Platform linux/arm64/v8: " + bed.repositoryUri(repository)
                + ":42-arm64 (" + arm64 + ")."), run.output());
        assertTrue(run.lines().stream().anyMatch(l -> l.matches("INFO: Combined 2 platforms as 2 tags of "
                + Pattern.quote(bed.repositoryUri(repository)) + ": \\d+\\.\\d s, nothing built\\.")), run.output());
        String resultsLine = run.lines().stream().filter(l -> l.startsWith("INFO: Results written to ")).findFirst()
                .orElseThrow(() -> new AssertionError(run.output()));
        JsonNode results = JSON.readTree(Files.readString(Path.of(resultsLine.substring(
                "INFO: Results written to ".length(), resultsLine.length() - 1))));
        assertEquals(index, results.path("IMAGE_DIGEST").asText());
        assertEquals("linux/arm64/v8", results.path("platforms").get(1).path("platform").asText());
        assertEquals(arm64, results.path("platforms").get(1).path("IMAGE_DIGEST").asText());
        assertEquals("42-amd64", results.path("platforms").get(0).path("SOURCE_TAG").asText());
    }

    @Test
    void aSourceThatIsMultiPlatformAddsItsEntriesAndAnOciSourceMakesAnOciIndex() throws Exception {
        String repository = "multi/flatten";
        bed.createRepository(repository, "MUTABLE", List.of(HOME));
        String amd64 = pushAmd64(repository, "10-amd64");
        PlatformImages images = images(HOME);
        PlatformImages.Written arm64 = images.image(repository, "10-arm64-only", "linux/arm64",
                PlatformImages.OCI_MANIFEST);
        PlatformImages.Written arm = images.image(repository, "10-arm-only", "linux/arm/v7",
                PlatformImages.OCI_MANIFEST);
        images.index(repository, "10-arm", PlatformImages.OCI_INDEX, List.of(arm64, arm));

        Launcher.PipeRun run = combine(env(repository, "10-amd64 10-arm", "10"));

        assertEquals(0, run.exitCode(), run.output());
        JsonNode written = images.read(repository, "10");
        assertEquals(PlatformImages.OCI_INDEX, written.path("mediaType").asText(), "an OCI source: an OCI index");
        assertEquals(List.of(amd64 + " linux/amd64", arm64.digest() + " linux/arm64", arm.digest() + " linux/arm/v7"),
                entries(written), "the index source's entries in its place, in its order");
        assertEquals(List.of(PlatformImages.DOCKER_V2, PlatformImages.OCI_MANIFEST, PlatformImages.OCI_MANIFEST),
                written.path("manifests").findValuesAsText("mediaType"), "each entry keeps its media type");
        // no docker manifest inspect here: the 20.10 CLI asks for Docker's types and OCI's image manifest only, and
        // a registry does not serve an OCI index to a client that does not accept one
    }

    @Test
    void everySourceProblemIsNamedAtOnceAndNothingIsWritten() throws Exception {
        String repository = "multi/refused";
        bed.createRepository(repository, "MUTABLE", List.of(HOME));
        pushAmd64(repository, "7-amd64");
        images(HOME).imageLike(repository, "7-amd64", "7-amd64-again", "linux/amd64", PlatformImages.DOCKER_V2);
        String none = images(HOME).image(repository, "7-none", null, PlatformImages.DOCKER_V2).digest();
        bed.standIn(HOME).requests().clear();

        Launcher.PipeRun run = combine(env(repository, "7-amd64 7-amd64-again 7-none 7-missing", "7"));

        assertEquals(2, run.exitCode(), run.output());
        String uri = bed.repositoryUri(repository);
        List<String> problems = run.lines().stream().filter(l -> l.startsWith("- ")).toList();
        assertEquals(3, problems.size(), run.output());
        assertTrue(problems.get(0).startsWith("- '7-amd64-again' is linux/amd64, as '7-amd64' is: a multi-platform"
                + " image holds one image per platform"), problems.toString());
        assertTrue(problems.get(1).startsWith("- '7-none' (" + none + ") names no platform: its configuration"
                + " sha256:"), problems.toString());
        assertTrue(problems.get(2).startsWith("- '7-missing' is not in " + uri), problems.toString());
        assertTrue(run.output().contains("✖ Validation errors:\nPLATFORM_TAGS:\n"), run.output());
        assertEquals(Optional.empty(), images(HOME).digest(repository, "7"));
        assertFalse(bed.standIn(HOME).requests().operations().contains("PutImage"), "nothing was written");
    }

    @Test
    void anArchivedSourceIsNamedAsArchived() throws Exception {
        String repository = "multi/archived";
        bed.createRepository(repository, "MUTABLE", List.of(HOME));
        pushAmd64(repository, "8-amd64");
        images(HOME).imageLike(repository, "8-amd64", "8-arm64", "linux/arm64", PlatformImages.DOCKER_V2);
        String archived = bed.standIn(HOME).archive(repository, "8-arm64");

        Launcher.PipeRun run = combine(env(repository, "8-amd64 8-arm64", "8"));

        assertEquals(2, run.exitCode(), run.output());
        assertTrue(run.output().contains("PLATFORM_TAGS:\n- '8-arm64' (" + archived + ") of "
                + bed.repositoryUri(repository) + " is archived (ECR's archive storage class)"), run.output());
        assertEquals(Optional.empty(), images(HOME).digest(repository, "8"));
    }

    @Test
    void immutableTagsBehaveAsForAPush() throws Exception {
        String repository = "multi/immutable";
        bed.createRepository(repository, "IMMUTABLE", List.of(HOME));
        pushAmd64(repository, "9-amd64");
        images(HOME).imageLike(repository, "9-amd64", "9-arm64", "linux/arm64", PlatformImages.DOCKER_V2);
        images(HOME).imageLike(repository, "9-amd64", "9-arm", "linux/arm/v7", PlatformImages.DOCKER_V2);

        Launcher.PipeRun first = combine(env(repository, "9-amd64 9-arm64", "9"));
        assertEquals(0, first.exitCode(), first.output());
        String index = images(HOME).digest(repository, "9").orElseThrow();

        Launcher.PipeRun again = combine(env(repository, "9-amd64 9-arm64", "9"));
        assertEquals(0, again.exitCode(), "a re-run makes the same index, which the tag already holds\n"
                + again.output());
        assertTrue(again.output().contains("INFO: The immutable tag " + bed.repositoryUri(repository)
                + ":9 already holds this image; nothing to do."), again.output());

        Launcher.PipeRun other = combine(env(repository, "9-amd64 9-arm", "9"));
        assertEquals(6, other.exitCode(), other.output());
        assertTrue(other.failureLine().matches("✖ The immutable tag 9 \\(" + index + "\\) of "
                + Pattern.quote(bed.repositoryUri(repository)) + " already holds another image than the"
                + " multi-platform image \\(sha256:[0-9a-f]{64}\\); no tag was added\\."), other.failureLine());
        assertEquals(Optional.of(index), images(HOME).digest(repository, "9"), "nothing moved");
    }

    @Test
    void mirroredIntoRegionsThatHoldTheSourcesAndRefusedBeforeWritingWhereOneLacksThem() throws Exception {
        String repository = "multi/mirror";
        bed.createRepository(repository, "MUTABLE", ALL_REGIONS);
        String amd64 = pushAmd64(repository, "11-amd64", "eu-west-1");
        String arm64 = images(HOME).imageLike(repository, "11-amd64", "11-arm64", "linux/arm64",
                PlatformImages.DOCKER_V2).digest();
        assertEquals(arm64, images("eu-west-1").imageLike(repository, "11-amd64", "11-arm64", "linux/arm64",
                PlatformImages.DOCKER_V2).digest(), "the same arm64 image in the mirror region");

        Map<String, String> env = env(repository, "11-amd64 11-arm64", "2.0");
        env.put("MIRROR_REGIONS", "eu-west-1");
        Launcher.PipeRun run = combine(env);

        assertEquals(0, run.exitCode(), run.output());
        String index = images(HOME).digest(repository, "2.0").orElseThrow();
        assertEquals(Optional.of(index), images("eu-west-1").digest(repository, "2.0"), "the same digest");
        assertEquals(List.of(amd64 + " linux/amd64", arm64 + " linux/arm64"),
                entries(images("eu-west-1").read(repository, "2.0")));
        assertTrue(run.output().contains("✔ Region eu-west-1: 123456789012.dkr.ecr.eu-west-1.amazonaws.com/"
                + repository + " holds " + index + " as 2.0."), run.output());

        env.put("MIRROR_REGIONS", "us-east-1");
        env.put("TAGS", "2.1");
        Launcher.PipeRun lacking = combine(env);
        assertEquals(6, lacking.exitCode(), lacking.output());
        assertEquals("✖ The mirror region us-east-1 lacks 11-amd64 (" + amd64 + "), 11-arm64 (" + arm64 + ") in"
                + " 123456789012.dkr.ecr.us-east-1.amazonaws.com/" + repository + ", which the multi-platform image"
                + " names; nothing was written.", lacking.failureLine());
        for (String region : ALL_REGIONS) {
            assertEquals(Optional.empty(), images(region).digest(repository, "2.1"), "nothing written in " + region);
        }
    }

    @Test
    void anotherRegistryThroughItsOwnApi() throws Exception {
        String repository = "multi/other-registry";
        PlatformImages images = PlatformImages.into(bed.home().registry());
        String amd64 = images.image(repository, "12-amd64", "linux/amd64", PlatformImages.DOCKER_V2).digest();
        String arm64 = images.image(repository, "12-arm64", "linux/arm64", PlatformImages.DOCKER_V2).digest();
        Map<String, String> env = new HashMap<>();
        env.put("IMAGE", bed.home().registry().host() + "/" + repository);
        env.put("REGISTRY_USERNAME", bed.home().registry().username());
        env.put("REGISTRY_PASSWORD", bed.home().registry().password());
        env.put("AWS_ENDPOINT_URL", bed.standIn(HOME).apiEndpoint());
        env.put("DOCKER_HOST", noEngine());
        env.put("NO_COLOR", "1");
        env.put("PLATFORM_TAGS", "12-amd64 12-arm64");
        env.put("TAGS", "12");
        bed.standIn(HOME).requests().clear();

        Launcher.PipeRun run = combine(env);

        assertEquals(0, run.exitCode(), run.output());
        assertEquals(List.of(amd64 + " linux/amd64", arm64 + " linux/arm64"), entries(images.read(repository, "12")));
        assertEquals(List.of(), bed.standIn(HOME).requests().operations(), "no AWS call");
        assertFalse(run.output().contains(bed.home().registry().password()), run.output());
    }
}
