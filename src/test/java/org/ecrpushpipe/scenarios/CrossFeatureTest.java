package org.ecrpushpipe.scenarios;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.ecrpushpipe.testbed.EcrRegionsBed;
import org.ecrpushpipe.testbed.TestBuild;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Repository shaping, mirroring, promotion and LOCAL_IMAGE together, on the bed with three regions of one account
 * ({@link EcrRegionsBed}): repositories created in the mirror regions with CREATE_REPOSITORY's settings and the
 * lifecycle policy, a mirror region without the repository, LOCAL_IMAGE mirrored, promotion of an archived image (in
 * the image's own region and in a mirror region), and promotion with CREATE_REPOSITORY or LIFECYCLE_POLICY. Every
 * test reads each region's stand-in and real registry before and after.
 */
class CrossFeatureTest extends RegionsScenarios {
    private static final String MIRRORS = "eu-west-1 us-east-1";
    private static final String POLICY = """
            {"rules": [{"rulePriority": 1, "description": "Expire untagged images after 7 days",
              "selection": {"tagStatus": "untagged", "countType": "sinceImagePushed", "countUnit": "days",
                            "countNumber": 7},
              "action": {"type": "expire"}}]}
            """;

    CrossFeatureTest(EcrRegionsBed bed) {
        super(bed);
    }

    private Launcher.PipeRun run(Map<String, String> env, Path clone) {
        return launcher.run(env, Map.of(), clone);
    }

    private static long linesStarting(Launcher.PipeRun run, String start) {
        return run.lines().stream().filter(l -> l.startsWith(start)).count();
    }

    private static int lineOf(Launcher.PipeRun run, String start) {
        for (int i = 0; i < run.lines().size(); i++) {
            if (run.lines().get(i).startsWith(start)) {
                return i;
            }
        }
        return -1;
    }

    /** The digest {@code tag} names in every region, asserting it is one and the same everywhere. */
    private String sameDigestEverywhere(String repository, String tag) {
        String digest = bed.manifestDigest(HOME, repository, tag).orElseThrow(() -> new AssertionError(
                tag + " not in " + HOME));
        for (String region : ALL_REGIONS) {
            assertEquals(Optional.of(digest), bed.manifestDigest(region, repository, tag), tag + " in " + region);
        }
        return digest;
    }

    @Test
    void mirrorRegionsGetTheRepositoryCreatedWithTheSameSettingsAndLifecyclePolicyBeforeTheBuild() throws IOException {
        String repository = "cross/created";
        ALL_REGIONS.forEach(r -> assertFalse(bed.standIn(r).hasRepository(repository), "before: none in " + r));
        Path clone = context("created");
        Files.writeString(clone.resolve("lifecycle.json"), POLICY);
        Map<String, String> env = bed.pipeEnv(bed.repositoryUri(repository));
        env.putAll(Map.of("TAGS", "1.0 latest", "CREATE_REPOSITORY", "true",
                "IMAGE_TAG_MUTABILITY", "IMMUTABLE_WITH_EXCLUSION", "IMAGE_TAG_MUTABILITY_EXCLUSIONS", "latest",
                "LIFECYCLE_POLICY", "lifecycle.json", "MIRROR_REGIONS", MIRRORS));

        Launcher.PipeRun run = run(env, clone);

        assertEquals(0, run.exitCode(), run.output());
        for (String region : ALL_REGIONS) {
            JsonNode held = bed.standIn(region).describeRepository(repository);
            assertEquals("IMMUTABLE_WITH_EXCLUSION", held.path("imageTagMutability").asText(), region);
            assertEquals("latest", held.path("imageTagMutabilityExclusionFilters").path(0).path("filter").asText(),
                    region);
            assertEquals(POLICY, bed.standIn(region).lifecyclePolicy(repository), "the policy in " + region);
        }
        String digest = sameDigestEverywhere(repository, "1.0");
        assertEquals(digest, sameDigestEverywhere(repository, "latest"));
        assertEquals(3, linesStarting(run, "INFO: Creating the repository 'cross/created' (IMMUTABLE_WITH_EXCLUSION"
                + " tags except latest"), "created in each region: " + run.output());
        assertEquals(3, linesStarting(run, "INFO: Set the lifecycle policy of 'cross/created' to lifecycle.json."),
                run.output());
        int build = Builder.BUILDKIT.firstBuildLine(run.lines()); // the default builder's output
        assertTrue(build > 0, run.output());
        for (int i = build; i < run.lines().size(); i++) {
            assertFalse(run.lines().get(i).startsWith("INFO: Creating the repository"),
                    "every region's repository is created before the build: " + run.output());
        }

        // a re-run: every repository is there with its policy; nothing is created, set, or warned about
        ALL_REGIONS.forEach(r -> bed.standIn(r).requests().clear());
        Launcher.PipeRun again = run(env, clone);
        assertEquals(0, again.exitCode(), again.output());
        assertFalse(again.output().contains("Creating the repository"), again.output());
        assertFalse(again.output().contains("WARNING"), again.output());
        assertEquals(3, linesStarting(again, "INFO: The repository 'cross/created' already has the lifecycle policy"),
                again.output());
        for (String region : ALL_REGIONS) {
            List<String> operations = bed.standIn(region).requests().operations();
            assertFalse(operations.contains("CreateRepository"), region + ": " + operations);
            assertFalse(operations.contains("PutLifecyclePolicy"), region + ": " + operations);
        }
        assertEquals(digest, sameDigestEverywhere(repository, "1.0"), "the immutable tag unchanged");
    }

    @Test
    void withoutCreateRepositoryTwoMirrorRegionsLackingTheRepositoryAreNamedInOneFailure() {
        String repository = "cross/missing-two";
        bed.createRepository(repository, "MUTABLE", List.of(HOME));
        ALL_REGIONS.forEach(r -> bed.standIn(r).requests().clear());
        Map<String, String> env = bed.pipeEnv(bed.repositoryUri(repository));
        env.put("TAGS", "1.0");
        env.put("MIRROR_REGIONS", MIRRORS);

        Launcher.PipeRun run = run(env, context("missing-two"));

        assertEquals(6, run.exitCode(), run.output());
        assertEquals("✖ The repository 'cross/missing-two' does not exist in the mirror regions eu-west-1,"
                + " us-east-1; nothing was built or pushed.", run.failureLine());
        assertEquals(1, linesStarting(run, "✖"), run.output());
        assertTrue(run.output().contains("or let a build create it (CREATE_REPOSITORY: true)"), run.output());
        assertFalse(Builder.BUILDKIT.showsBuildOutput(run.output()), "nothing built: " + run.output());
        for (String region : ALL_REGIONS) {
            assertEquals(Optional.empty(), bed.manifestDigest(region, repository, "1.0"), "nothing in " + region);
            assertFalse(bed.standIn(region).requests().operations().contains("CreateRepository"), region);
        }
        assertFalse(bed.standIn("eu-west-1").hasRepository(repository));
        assertFalse(bed.standIn("us-east-1").hasRepository(repository));
    }

    @Test
    void aLocalImageIsPushedToEveryRegionWithOneDigest() throws IOException {
        String repository = "cross/local";
        bed.createRepository(repository, "MUTABLE", ALL_REGIONS);
        String localId = TestBuild.run(bed.home().docker(), context("local-src"), "cross-local:ci").imageId();
        Path clone = Files.createDirectories(work.resolve("local-clone"));
        Map<String, String> env = bed.pipeEnv(bed.repositoryUri(repository));
        env.putAll(Map.of("TAGS", "2.0 latest", "LOCAL_IMAGE", "cross-local:ci", "MIRROR_REGIONS", MIRRORS));
        ALL_REGIONS.forEach(r -> assertEquals(Optional.empty(), bed.manifestDigest(r, repository, "2.0"), r));

        Launcher.PipeRun run = run(env, clone);

        assertEquals(0, run.exitCode(), run.output());
        assertFalse(Builder.BUILDKIT.showsBuildOutput(run.output()), "nothing built: " + run.output());
        String digest = sameDigestEverywhere(repository, "2.0");
        assertEquals(digest, sameDigestEverywhere(repository, "latest"));
        assertEquals(Optional.of(localId), bed.home().imageIdOf(repository, "2.0"), "the local image itself");
        for (String region : ALL_REGIONS) {
            assertTrue(run.output().contains("✔ Region " + region + ": 123456789012.dkr.ecr." + region
                    + ".amazonaws.com/" + repository + " holds " + digest + " as 2.0, latest."), run.output());
        }
    }

    @Test
    void promotingAnArchivedImageSaysItMustBeRestoredFirst() {
        String repository = "cross/archived";
        bed.createRepository(repository, "MUTABLE", List.of(HOME));
        Path clone = context("archived");
        Map<String, String> push = bed.pipeEnv(bed.repositoryUri(repository));
        push.put("TAGS", "build-9");
        assertEquals(0, run(push, clone).exitCode());
        String archived = bed.standIn(HOME).archive(repository, "build-9");
        assertTrue(bed.standIn(HOME).isArchived(repository, archived), "before: archived");
        String uri = bed.repositoryUri(repository);

        for (Map.Entry<String, String> source : Map.of("SOURCE_TAG", "build-9", "SOURCE_DIGEST", archived)
                .entrySet()) {
            Map<String, String> env = bed.pipeEnv(uri);
            env.put(source.getKey(), source.getValue());
            env.put("TAGS", "9.0");
            Launcher.PipeRun run = run(env, work);
            assertEquals(6, run.exitCode(), run.output());
            assertEquals("✖ The image to promote, " + source.getKey() + " '" + source.getValue() + "' (" + archived
                    + ") of " + uri + ", is archived (ECR's archive storage class) and must be restored first; no"
                    + " tag was added.", run.failureLine());
            assertTrue(run.output().contains("UpdateImageStorageClass to STANDARD"), run.output());
            assertTrue(run.output().contains("push the same image again"), run.output());
            assertFalse(run.output().contains("is not in"), run.output());
            assertEquals(Optional.empty(), bed.manifestDigest(HOME, repository, "9.0"), "no tag added");
            assertTrue(bed.standIn(HOME).isArchived(repository, archived), "still archived");
        }

        // pushing the same image again restores it; then the promotion succeeds
        Launcher.PipeRun pushedAgain = run(push, clone);
        assertEquals(0, pushedAgain.exitCode(), pushedAgain.output());
        assertFalse(bed.standIn(HOME).isArchived(repository, archived), "restored: " + pushedAgain.output());
        Map<String, String> env = bed.pipeEnv(uri);
        env.put("SOURCE_TAG", "build-9");
        env.put("TAGS", "9.0");
        Launcher.PipeRun promoted = run(env, work);
        assertEquals(0, promoted.exitCode(), promoted.output());
        assertEquals(Optional.of(archived), bed.manifestDigest(HOME, repository, "9.0"));
    }

    @Test
    void aPromotionMirroredIntoARegionWhereTheImageIsArchivedSaysSoAndARunAfterTheRestoreCompletesIt() {
        String repository = "cross/archived-mirror";
        bed.createRepository(repository, "MUTABLE", List.of(HOME, "eu-west-1"));
        Path clone = context("archived-mirror");
        Map<String, String> push = bed.pipeEnv(bed.repositoryUri(repository));
        push.put("TAGS", "build-4");
        push.put("MIRROR_REGIONS", "eu-west-1");
        assertEquals(0, run(push, clone).exitCode());
        String digest = sameDigestEverywhereBut(repository, "build-4", "us-east-1");
        assertEquals(digest, bed.standIn("eu-west-1").archive(repository, "build-4"));

        Map<String, String> env = bed.pipeEnv(bed.repositoryUri(repository));
        env.putAll(Map.of("SOURCE_TAG", "build-4", "TAGS", "4.0", "MIRROR_REGIONS", "eu-west-1"));
        Launcher.PipeRun failed = run(env, work);
        assertEquals(6, failed.exitCode(), failed.output());
        assertEquals("✖ The mirror region eu-west-1 holds the image " + digest + " of 123456789012.dkr.ecr.eu-west-1"
                + ".amazonaws.com/" + repository + " archived (ECR's archive storage class): it must be restored"
                + " there first to be promoted.", failed.failureLine());
        assertEquals(Optional.of(digest), bed.manifestDigest(HOME, repository, "4.0"), "the own region is done");
        assertEquals(Optional.empty(), bed.manifestDigest("eu-west-1", repository, "4.0"), "nothing tagged there");

        // the push again (the same image) restores it in the mirror region; the promotion again completes it
        Launcher.PipeRun pushedAgain = run(push, clone);
        assertEquals(0, pushedAgain.exitCode(), pushedAgain.output());
        assertFalse(bed.standIn("eu-west-1").isArchived(repository, digest), "restored: " + pushedAgain.output());
        Launcher.PipeRun again = run(env, work);
        assertEquals(0, again.exitCode(), again.output());
        assertEquals(Optional.of(digest), bed.manifestDigest("eu-west-1", repository, "4.0"));
    }

    /** The digest {@code tag} names in every region but one, the same in each. */
    private String sameDigestEverywhereBut(String repository, String tag, String without) {
        String digest = bed.manifestDigest(HOME, repository, tag).orElseThrow();
        ALL_REGIONS.stream().filter(r -> !r.equals(without)).forEach(r ->
                assertEquals(Optional.of(digest), bed.manifestDigest(r, repository, tag), tag + " in " + r));
        return digest;
    }

    @Test
    void promotionWithCreateRepositoryIsAConfigurationProblemAndTheLifecyclePolicyStillApplies() throws IOException {
        String repository = "cross/promote-shaped";
        bed.createRepository(repository, "MUTABLE", List.of(HOME, "eu-west-1"));
        Map<String, String> push = bed.pipeEnv(bed.repositoryUri(repository));
        push.put("TAGS", "build-3");
        push.put("MIRROR_REGIONS", "eu-west-1");
        assertEquals(0, run(push, context("promote-shaped")).exitCode());
        String digest = bed.manifestDigest(HOME, repository, "build-3").orElseThrow();
        Path clone = Files.createDirectories(work.resolve("promote-clone"));
        Files.writeString(clone.resolve("lifecycle.json"), POLICY);

        Map<String, String> env = bed.pipeEnv(bed.repositoryUri(repository));
        env.putAll(Map.of("SOURCE_TAG", "build-3", "TAGS", "3.0", "MIRROR_REGIONS", "eu-west-1",
                "CREATE_REPOSITORY", "true", "IMAGE_TAG_MUTABILITY", "IMMUTABLE"));
        ALL_REGIONS.forEach(r -> bed.standIn(r).requests().clear());
        Launcher.PipeRun refused = run(env, clone);
        assertEquals(2, refused.exitCode(), refused.output());
        assertTrue(refused.output().contains("SOURCE_TAG:\n- set together with CREATE_REPOSITORY: true, but SOURCE_TAG"
                + " promotes an image already in the repository"), refused.output());
        assertEquals(1, linesStarting(refused, "✖"), refused.output());
        for (String region : ALL_REGIONS) {
            assertEquals(List.of(), bed.standIn(region).requests().operations(), "nothing asked of " + region);
            assertEquals(Optional.empty(), bed.manifestDigest(region, repository, "3.0"), region);
        }

        env.remove("CREATE_REPOSITORY");
        env.remove("IMAGE_TAG_MUTABILITY");
        env.put("LIFECYCLE_POLICY", "lifecycle.json");
        List.of(HOME, "eu-west-1").forEach(r -> assertEquals(null, bed.standIn(r).lifecyclePolicy(repository), r));
        Launcher.PipeRun promoted = run(env, clone);
        assertEquals(0, promoted.exitCode(), promoted.output());
        for (String region : List.of(HOME, "eu-west-1")) {
            assertEquals(POLICY, bed.standIn(region).lifecyclePolicy(repository), "the policy in " + region);
            assertEquals(Optional.of(digest), bed.manifestDigest(region, repository, "3.0"), region);
        }
        assertEquals(2, linesStarting(promoted, "INFO: Set the lifecycle policy of 'cross/promote-shaped'"),
                promoted.output());
    }
}
