package org.ecrpushpipe.scenarios;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.ecrpushpipe.standin.Fault;
import org.ecrpushpipe.testbed.EcrRegionsBed;
import org.junit.jupiter.api.Test;

/**
 * Promotion without a rebuild (SOURCE_TAG, SOURCE_DIGEST) and mirroring to other regions (MIRROR_REGIONS),
 * on the bed with three regions of one account ({@link EcrRegionsBed}): the real engine pushes to each region's real
 * host name, each region's stand-in has a real registry of its own. Every test reads, through each region's real
 * registry, which digest each tag names before and after the run.
 */
class PromoteAndMirrorTest extends RegionsScenarios {
    private static final Pattern PUSHED = Pattern.compile("✔ Successfully pushed (\\S+):(\\S+) \\((sha256:[0-9a-f]{64})\\)");

    PromoteAndMirrorTest(EcrRegionsBed bed) {
        super(bed);
    }

    /** Builds and pushes a new image as {@code tags} to the home region; returns its digest. */
    private String push(String repository, Path clone, String tags) {
        Map<String, String> env = bed.pipeEnv(bed.repositoryUri(repository));
        env.put("TAGS", tags);
        Launcher.PipeRun run = launcher.run(env, Map.of(), clone);
        assertEquals(0, run.exitCode(), run.output());
        return bed.manifestDigest(HOME, repository, tags.split(" ")[0]).orElseThrow();
    }

    /** A clone with no Dockerfile at all: a promotion needs none. */
    private Path emptyClone(String name) throws IOException {
        return Files.createDirectories(work.resolve(name));
    }

    /** A DOCKER_HOST where nothing listens: a run that needs no engine succeeds with it. */
    private static String noEngine() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return "tcp://127.0.0.1:" + socket.getLocalPort();
        }
    }

    private static Map<String, Optional<String>> tags(String... tagsAndDigests) {
        Map<String, Optional<String>> expected = new LinkedHashMap<>();
        for (int i = 0; i < tagsAndDigests.length; i += 2) {
            expected.put(tagsAndDigests[i], Optional.ofNullable(tagsAndDigests[i + 1]));
        }
        return expected;
    }

    private static List<String> pushedTags(Launcher.PipeRun run) {
        return run.lines().stream().map(PUSHED::matcher).filter(Matcher::matches).map(m -> m.group(2)).toList();
    }

    @Test
    void promotionTagsTheTestedImageWithoutBuildPullOrUpload() throws IOException {
        String repository = "promote/release";
        bed.createRepository(repository, "MUTABLE", List.of(HOME));
        String tested = push(repository, context("tested"), "build-42");
        List<String> tags = List.of("build-42", "1.4.0", "latest");
        assertEquals(tags("build-42", tested, "1.4.0", null, "latest", null),
                bed.state(repository, tags).get(HOME), "before");

        bed.standIn(HOME).registryRequests().clear();
        bed.standIn(HOME).requests().clear();
        Map<String, String> env = bed.pipeEnv(bed.repositoryUri(repository));
        env.put("SOURCE_TAG", "build-42");
        env.put("TAGS", "latest 1.4.0");
        env.put("DOCKER_HOST", noEngine());
        Launcher.PipeRun run = launcher.run(env, Map.of(), emptyClone("promote-clone"));

        assertEquals(0, run.exitCode(), run.output());
        assertEquals(tags("build-42", tested, "1.4.0", tested, "latest", tested),
                bed.state(repository, tags).get(HOME), "after: both tags name the tested digest");
        assertEquals(List.of("1.4.0", "latest"), pushedTags(run), "the moving tag last");
        assertEquals(List.of(), bed.standIn(HOME).registryRequests(),
                "no request reached the registry: no pull, no blob HEAD, no upload, no manifest PUT");
        List<String> operations = bed.standIn(HOME).requests().operations();
        assertEquals(2, operations.stream().filter("PutImage"::equals).count(), operations.toString());
        assertFalse(operations.contains("GetAuthorizationToken"), "no registry login needed: " + operations);
        assertFalse(run.output().contains("Building"), run.output());
        assertTrue(run.lines().get(run.lines().size() - 1).matches("INFO: Promoted 2 tags of "
                + Pattern.quote(bed.repositoryUri(repository)) + ": \\d+\\.\\d s, nothing built\\."), run.output());
    }

    @Test
    void promotionByDigest() {
        String repository = "promote/by-digest";
        bed.createRepository(repository, "MUTABLE", List.of(HOME));
        String tested = push(repository, context("by-digest"), "build-1");
        Map<String, String> env = bed.pipeEnv(bed.repositoryUri(repository));
        env.put("SOURCE_DIGEST", tested);
        env.put("TAGS", "stable");
        Launcher.PipeRun run = launcher.run(env, Map.of(), work);
        assertEquals(0, run.exitCode(), run.output());
        assertEquals(Optional.of(tested), bed.manifestDigest(HOME, repository, "stable"));
    }

    @Test
    void promotionIntoAnImmutableRepositoryFollowsThePushRules() {
        String repository = "promote/immutable";
        bed.createRepository(repository, "IMMUTABLE", List.of(HOME));
        String first = push(repository, context("imm-first"), "build-7");
        String second = push(repository, context("imm-second"), "build-8");
        assertNotEquals(first, second);
        List<String> tags = List.of("build-7", "build-8", "2.0");
        Map<String, String> env = bed.pipeEnv(bed.repositoryUri(repository));
        env.put("SOURCE_TAG", "build-7");
        env.put("TAGS", "2.0");

        Launcher.PipeRun promoted = launcher.run(env, Map.of(), work);
        assertEquals(0, promoted.exitCode(), promoted.output());
        assertEquals(tags("build-7", first, "build-8", second, "2.0", first), bed.state(repository, tags).get(HOME));

        Launcher.PipeRun again = launcher.run(env, Map.of(), work);
        assertEquals(0, again.exitCode(), "a re-run: the immutable tag already holds the image\n" + again.output());
        assertTrue(again.output().contains("already holds this image"), again.output());

        env.put("SOURCE_TAG", "build-8");
        Launcher.PipeRun conflict = launcher.run(env, Map.of(), work);
        assertEquals(6, conflict.exitCode(), conflict.output());
        assertEquals("✖ The immutable tag 2.0 (" + first + ") of " + bed.repositoryUri(repository) + " already holds"
                + " another image than the one promoted (" + second + "); no tag was added.", conflict.failureLine(),
                "names both digests");
        assertEquals(tags("build-7", first, "build-8", second, "2.0", first), bed.state(repository, tags).get(HOME),
                "nothing moved");
    }

    @Test
    void aSourceTagNotInTheRepositoryIsAConfigurationProblem() {
        String repository = "promote/missing-source";
        bed.createRepository(repository, "MUTABLE", List.of(HOME));
        Map<String, String> env = bed.pipeEnv(bed.repositoryUri(repository));
        env.put("SOURCE_TAG", "build-404");
        env.put("TAGS", "1.0");
        Launcher.PipeRun run = launcher.run(env, Map.of(), work);
        assertEquals(2, run.exitCode(), run.output());
        assertTrue(run.output().contains("SOURCE_TAG:\n- 'build-404' is not in " + bed.repositoryUri(repository)),
                run.output());
        assertEquals(Optional.empty(), bed.manifestDigest(HOME, repository, "1.0"));
    }

    @Test
    void mirroringPutsTheSameDigestIntoTwoMoreRegions() {
        String repository = "mirror/three";
        bed.createRepository(repository, "MUTABLE", ALL_REGIONS);
        List<String> tags = List.of("1.0", "latest");
        bed.state(repository, tags).forEach((region, held) ->
                assertEquals(tags("1.0", null, "latest", null), held, "before, in " + region));
        EcrRegionsBed.OTHER_REGIONS.forEach(r -> bed.standIn(r).registryRequests().clear());

        Map<String, String> env = bed.pipeEnv(bed.repositoryUri(repository));
        env.put("TAGS", "latest 1.0");
        env.put("MIRROR_REGIONS", "eu-west-1 us-east-1");
        Launcher.PipeRun run = launcher.run(env, Map.of(), context("mirror"));

        assertEquals(0, run.exitCode(), run.output());
        String digest = bed.manifestDigest(HOME, repository, "1.0").orElseThrow();
        bed.state(repository, tags).forEach((region, held) ->
                assertEquals(tags("1.0", digest, "latest", digest), held, "after, in " + region));
        for (String region : ALL_REGIONS) {
            assertTrue(run.output().contains("✔ Region " + region + ": 123456789012.dkr.ecr." + region
                    + ".amazonaws.com/" + repository + " holds " + digest + " as 1.0, latest."), run.output());
        }
        for (String region : EcrRegionsBed.OTHER_REGIONS) {
            assertTrue(bed.standIn(region).registryRequests().stream().anyMatch(r -> r.startsWith("POST ")
                    && r.contains("/blobs/uploads/")), "the layers went to " + region + " through its own facade");
            assertTrue(bed.standIn(region).registryHostHeaders().contains(
                    "123456789012.dkr.ecr." + region + ".amazonaws.com"), "pushed by the region's real host name");
        }
    }

    @Test
    void aRegionFailingMidWayLeavesTheOthersAndAReRunCompletesIt() {
        String repository = "mirror/midway";
        bed.createRepository(repository, "IMMUTABLE", ALL_REGIONS);
        List<String> tags = List.of("3.0");
        Path clone = context("midway");
        Map<String, String> env = bed.pipeEnv(bed.repositoryUri(repository));
        env.put("TAGS", "3.0");
        env.put("RETRIES", "0");
        env.put("MIRROR_REGIONS", "us-east-1 eu-west-1");
        // three times: however often the engine itself tries the manifest again, the push fails
        bed.standIn("us-east-1").faults().failNext(3, "PUT", "/v2/" + repository + "/manifests/.*",
                new Fault.Status(500));

        Launcher.PipeRun failed = launcher.run(env, Map.of(), clone);

        assertEquals(6, failed.exitCode(), failed.output());
        String digest = bed.manifestDigest(HOME, repository, "3.0").orElseThrow();
        assertEquals(Map.of(HOME, tags("3.0", digest), "eu-west-1", tags("3.0", digest),
                "us-east-1", tags("3.0", null)), bed.state(repository, tags),
                "the region after the failed one was still done; the failed one holds nothing");
        assertTrue(failed.output().contains("WARNING: Region us-east-1: 123456789012.dkr.ecr.us-east-1.amazonaws.com/"
                + repository + " failed"), failed.output());
        assertTrue(failed.failureLine().contains("us-east-1"), failed.failureLine());

        bed.standIn("us-east-1").faults().clear();
        Launcher.PipeRun again = launcher.run(env, Map.of(), clone);

        assertEquals(0, again.exitCode(), again.output());
        bed.state(repository, tags).forEach((region, held) ->
                assertEquals(tags("3.0", digest), held, "after the re-run, in " + region));
        assertTrue(again.output().contains("✔ Region eu-west-1: 123456789012.dkr.ecr.eu-west-1.amazonaws.com/"
                + repository + " holds " + digest + " as 3.0 (already there)."), again.output());
    }

    @Test
    void promotionIsMirroredToRegionsThatHoldTheImage() {
        String repository = "mirror/promote";
        bed.createRepository(repository, "MUTABLE", ALL_REGIONS);
        Map<String, String> build = bed.pipeEnv(bed.repositoryUri(repository));
        build.put("TAGS", "build-5");
        build.put("MIRROR_REGIONS", "eu-west-1");
        assertEquals(0, launcher.run(build, Map.of(), context("mirror-promote")).exitCode());
        String digest = bed.manifestDigest(HOME, repository, "build-5").orElseThrow();

        Map<String, String> env = bed.pipeEnv(bed.repositoryUri(repository));
        env.put("SOURCE_TAG", "build-5");
        env.put("TAGS", "5.0");
        env.put("MIRROR_REGIONS", "eu-west-1");
        EcrRegionsBed.OTHER_REGIONS.forEach(r -> bed.standIn(r).registryRequests().clear());
        Launcher.PipeRun run = launcher.run(env, Map.of(), work);
        assertEquals(0, run.exitCode(), run.output());
        assertEquals(Optional.of(digest), bed.manifestDigest("eu-west-1", repository, "5.0"));
        assertEquals(List.of(), bed.standIn("eu-west-1").registryRequests(), "nothing uploaded to the mirror");

        env.put("MIRROR_REGIONS", "us-east-1");
        Launcher.PipeRun lacking = launcher.run(env, Map.of(), work);
        assertEquals(6, lacking.exitCode(), lacking.output());
        assertTrue(lacking.failureLine().contains("The mirror region us-east-1 has no image " + digest),
                lacking.failureLine());
        assertEquals(Optional.empty(), bed.manifestDigest("us-east-1", repository, "5.0"));
    }

    @Test
    void aMirrorRegionWithoutTheRepositoryStopsTheRunBeforeTheBuild() {
        String repository = "mirror/no-repository";
        bed.createRepository(repository, "MUTABLE", List.of(HOME, "eu-west-1"));
        Map<String, String> env = bed.pipeEnv(bed.repositoryUri(repository));
        env.put("TAGS", "1.0");
        env.put("MIRROR_REGIONS", "eu-west-1 us-east-1");
        Launcher.PipeRun run = launcher.run(env, Map.of(), context("no-repository"));
        assertEquals(6, run.exitCode(), run.output());
        assertEquals("✖ The repository 'mirror/no-repository' does not exist in the mirror region us-east-1;"
                + " nothing was built or pushed.", run.failureLine());
        assertFalse(run.output().contains("Building"), run.output());
        bed.state(repository, List.of("1.0")).forEach((region, held) ->
                assertEquals(tags("1.0", null), held, "nothing pushed in " + region));
    }
}
