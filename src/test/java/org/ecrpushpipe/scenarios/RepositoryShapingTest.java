package org.ecrpushpipe.scenarios;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.ecrpushpipe.standin.Fault;
import org.ecrpushpipe.testbed.EcrBed;
import org.ecrpushpipe.testbed.EcrBedExtension;
import org.ecrpushpipe.testbed.TestImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Repository shaping, end to end on the bed (the real engine builds and pushes through the ECR
 * stand-in into the real registry): what the stand-in and the registry hold before and after each run.
 */
@ExtendWith(EcrBedExtension.class)
class RepositoryShapingTest {
    private static final String POLICY = """
            {"rules": [{"rulePriority": 1, "description": "Expire untagged images after 14 days",
              "selection": {"tagStatus": "untagged", "countType": "sinceImagePushed", "countUnit": "days",
                            "countNumber": 14},
              "action": {"type": "expire"}}]}
            """;

    @TempDir
    Path work;

    private final EcrBed bed;

    RepositoryShapingTest(EcrBed bed) {
        this.bed = bed;
    }

    private Launcher.PipeRun run(Map<String, String> env, Path dir) {
        return new InProcessLauncher().run(env, Map.of(), dir);
    }

    private Path context(String name) {
        return TestImages.busybox(work.resolve(name)).uniqueFile().write();
    }

    private static int lineOf(Launcher.PipeRun run, String start) {
        for (int i = 0; i < run.lines().size(); i++) {
            if (run.lines().get(i).startsWith(start)) {
                return i;
            }
        }
        return -1;
    }

    @Test
    void aMissingRepositoryIsCreatedBeforeTheBuildAndThePushLandsInIt() {
        String name = "shape/created";
        assertFalse(bed.standIn().hasRepository(name), "before: no repository");
        Map<String, String> env = bed.pipeEnv(bed.repositoryUri(name));
        env.putAll(Map.of("TAGS", "1.0.0 latest", "CREATE_REPOSITORY", "true",
                "IMAGE_TAG_MUTABILITY", "IMMUTABLE_WITH_EXCLUSION", "IMAGE_TAG_MUTABILITY_EXCLUSIONS", "latest",
                "SCAN_ON_PUSH", "true", "REPOSITORY_TAGS", "team=payments env=test"));
        bed.standIn().requests().clear();
        Launcher.PipeRun run = run(env, context("created"));

        assertEquals(0, run.exitCode(), run.output());
        JsonNode held = bed.standIn().describeRepository(name);
        assertEquals("IMMUTABLE_WITH_EXCLUSION", held.path("imageTagMutability").asText());
        assertEquals("latest", held.path("imageTagMutabilityExclusionFilters").path(0).path("filter").asText());
        assertTrue(held.path("imageScanningConfiguration").path("scanOnPush").asBoolean());
        assertEquals(Map.of("team", "payments", "env", "test"), bed.standIn().repositoryTags(name));
        assertTrue(bed.manifestDigest(name, "1.0.0").isPresent(), "after: the registry holds the pushed tags");
        assertEquals(bed.manifestDigest(name, "1.0.0"), bed.manifestDigest(name, "latest"));
        int creating = lineOf(run, "INFO: Creating the repository 'shape/created' (IMMUTABLE_WITH_EXCLUSION tags"
                + " except latest, scan on push on, AES256 encryption, tags team=payments env=test).");
        assertTrue(creating >= 0, run.output());
        assertTrue(creating < Builder.BUILDKIT.firstBuildLine(run.lines()), "created before the build output (the"
                + " default builder's): " + run.output());
        List<String> operations = bed.standIn().requests().operations();
        assertTrue(operations.indexOf("CreateRepository") < operations.indexOf("PutImage"), operations.toString());

        // a re-run finds it, changes nothing, and the immutable 1.0.0 that holds this image needs no push
        Launcher.PipeRun again = run(env, work.resolve("created"));
        assertEquals(0, again.exitCode(), again.output());
        assertFalse(again.output().contains("Creating the repository"), again.output());
        assertFalse(again.output().contains("WARNING"), again.output());
        assertTrue(again.output().contains("already holds this image; nothing to push"), again.output());
    }

    @Test
    void twoPipelinesCreatingOneRepositoryAtOnceBothSucceed() throws Exception {
        String name = "shape/together";
        bed.standIn().requests().clear();
        // the first create answers late, so that the other pipeline also finds the repository missing and creates it
        bed.standIn().apiFaults().failNext(1, "*", "CreateRepository", Fault.delay(java.time.Duration.ofSeconds(2)));
        java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.ExecutorService two = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            List<java.util.concurrent.Future<Launcher.PipeRun>> runs = new java.util.ArrayList<>();
            for (String tag : List.of("a", "b")) {
                Map<String, String> env = bed.pipeEnv(bed.repositoryUri(name));
                env.putAll(Map.of("TAGS", tag, "CREATE_REPOSITORY", "true", "IMAGE_TAG_MUTABILITY", "IMMUTABLE"));
                Path dir = context("together-" + tag);
                runs.add(two.submit(() -> {
                    start.await();
                    return run(env, dir);
                }));
            }
            start.countDown();
            for (java.util.concurrent.Future<Launcher.PipeRun> run : runs) {
                assertEquals(0, run.get().exitCode(), run.get().output());
            }
            assertTrue(runs.get(0).get().output().contains("Another run created the repository")
                    || runs.get(1).get().output().contains("Another run created the repository"),
                    runs.get(0).get().output() + runs.get(1).get().output());
        } finally {
            two.shutdownNow();
        }
        assertEquals(List.of("OK", "RepositoryAlreadyExistsException"), bed.standIn().requests().of("CreateRepository")
                .stream().map(c -> c.outcome()).sorted().toList(), "both created it; ECR said one was first");
        assertEquals("IMMUTABLE", bed.standIn().describeRepository(name).path("imageTagMutability").asText());
        assertTrue(bed.manifestDigest(name, "a").isPresent() && bed.manifestDigest(name, "b").isPresent(),
                "after: both pushes landed");
    }

    @Test
    void withoutCreateRepositoryAMissingRepositoryStillFailsBeforeTheBuild() {
        String name = "shape/not-created";
        bed.standIn().requests().clear();
        Launcher.PipeRun run = run(bed.pipeEnv(bed.repositoryUri(name)), context("not-created"));
        assertEquals(6, run.exitCode(), run.output());
        assertTrue(run.output().contains("✖ The repository 'shape/not-created' does not exist"), run.output());
        assertFalse(Builder.BUILDKIT.showsBuildOutput(run.output()), "nothing built: " + run.output());
        assertFalse(bed.standIn().hasRepository(name));
        assertFalse(bed.standIn().requests().operations().contains("CreateRepository"));
    }

    @Test
    void anExistingRepositoryIsLeftAsItIsWithOneWarningPerDifference() {
        String name = "shape/existing";
        bed.standIn().createRepository(name, "IMMUTABLE");
        JsonNode before = bed.standIn().describeRepository(name);
        Map<String, String> env = bed.pipeEnv(bed.repositoryUri(name));
        env.putAll(Map.of("TAGS", "1.0.0", "CREATE_REPOSITORY", "true", "IMAGE_TAG_MUTABILITY", "MUTABLE",
                "SCAN_ON_PUSH", "true"));
        Launcher.PipeRun run = run(env, context("existing"));
        assertEquals(0, run.exitCode(), run.output());
        String uri = bed.repositoryUri(name);
        // one warning per difference; the registry cache's own (under BuildKit its cache tag cannot be pushed into
        // an immutable repository) is not a difference of the repository's
        assertEquals(List.of(
                "WARNING: IMAGE_TAG_MUTABILITY is MUTABLE, but the repository " + uri + " has IMMUTABLE tags; the pipe"
                        + " does not change an existing repository.",
                "WARNING: SCAN_ON_PUSH is true, but the repository " + uri + " has scan on push off; the pipe does not"
                        + " change an existing repository."),
                run.lines().stream().filter(l -> l.startsWith("WARNING: ") && !l.startsWith("WARNING: Registry cache:"))
                        .toList());
        assertEquals(before, bed.standIn().describeRepository(name), "after: unchanged");
        assertTrue(bed.manifestDigest(name, "1.0.0").isPresent());
    }

    @Test
    void aCreateOnPushTemplateShapesTheRepositoryAndTheLifecyclePolicyFollowsThePush() throws IOException {
        String name = "tmpl/service";
        bed.standIn().addCreationTemplate("tmpl", List.of("CREATE_ON_PUSH"), "IMMUTABLE_WITH_EXCLUSION",
                List.of("latest"), null);
        Path dir = context("template");
        Files.writeString(dir.resolve("lifecycle.json"), POLICY);
        Map<String, String> env = bed.pipeEnv(bed.repositoryUri(name));
        env.putAll(Map.of("TAGS", "2.0.0 latest", "CREATE_REPOSITORY", "true", "IMAGE_TAG_MUTABILITY", "MUTABLE",
                "LIFECYCLE_POLICY", "lifecycle.json"));
        assertFalse(bed.standIn().hasRepository(name), "before: no repository");
        bed.standIn().requests().clear();
        Launcher.PipeRun run = run(env, dir);

        assertEquals(0, run.exitCode(), run.output());
        assertTrue(run.output().contains("INFO: The repository 'tmpl/service' does not exist: ECR creates it on the"
                + " first push, shaped by the repository creation template 'tmpl'"), run.output());
        assertTrue(run.output().contains("WARNING: IMAGE_TAG_MUTABILITY is MUTABLE, but the creation template gives"
                + " IMMUTABLE_WITH_EXCLUSION tags; the creation template 'tmpl' decides."), run.output());
        assertFalse(bed.standIn().requests().operations().contains("CreateRepository"));
        assertEquals("IMMUTABLE_WITH_EXCLUSION", bed.standIn().describeRepository(name).path("imageTagMutability")
                .asText(), "after: the template's settings, created by the push");
        assertTrue(bed.manifestDigest(name, "2.0.0").isPresent());
        assertEquals(POLICY, bed.standIn().lifecyclePolicy(name), "the policy, set once the push made the repository");
    }

    @Test
    void theLifecyclePolicyIsSetBeforeTheBuildOnceAndThenLeftAlone() throws IOException {
        String name = "shape/lifecycle";
        bed.standIn().createRepository(name);
        Path dir = context("lifecycle");
        Files.createDirectories(dir.resolve("ecr"));
        Files.writeString(dir.resolve("ecr/lifecycle.json"), POLICY);
        Map<String, String> env = bed.pipeEnv(bed.repositoryUri(name));
        env.putAll(Map.of("TAGS", "1", "LIFECYCLE_POLICY", "ecr/lifecycle.json"));
        assertEquals(null, bed.standIn().lifecyclePolicy(name), "before: none");

        Launcher.PipeRun first = run(env, dir);
        assertEquals(0, first.exitCode(), first.output());
        assertEquals(POLICY, bed.standIn().lifecyclePolicy(name));
        int set = lineOf(first, "INFO: Set the lifecycle policy of 'shape/lifecycle' to ecr/lifecycle.json.");
        assertTrue(set >= 0 && set < Builder.BUILDKIT.firstBuildLine(first.lines()), "set before the build output (the"
                + " default builder's): " + first.output());
        java.time.Instant setAt = bed.standIn().lifecyclePolicySetAt(name);

        Launcher.PipeRun second = run(env, dir);
        assertEquals(0, second.exitCode(), second.output());
        assertTrue(second.output().contains("INFO: The repository 'shape/lifecycle' already has the lifecycle policy"
                + " of ecr/lifecycle.json."), second.output());
        assertEquals(setAt, bed.standIn().lifecyclePolicySetAt(name), "not applied again");
    }

    @Test
    void aTagOnAnArchivedImageIsNamedAndPushingTheSameImageRestoresIt() {
        for (String mutability : List.of("MUTABLE", "IMMUTABLE")) {
            String name = "shape/archived-" + mutability.toLowerCase(java.util.Locale.ROOT);
            bed.standIn().createRepository(name, mutability);
            Map<String, String> env = bed.pipeEnv(bed.repositoryUri(name));
            env.put("TAGS", "1.0.0");
            Path dir = context("archived-" + mutability);
            Launcher.PipeRun first = run(env, dir);
            assertEquals(0, first.exitCode(), first.output());
            Optional<String> digest = bed.manifestDigest(name, "1.0.0");
            String archived = bed.standIn().archive(name, "1.0.0");
            assertEquals(digest, Optional.of(archived));
            assertTrue(bed.standIn().isArchived(name, archived), "before: archived");

            Launcher.PipeRun again = run(env, dir);
            assertEquals(0, again.exitCode(), mutability + ": " + again.output());
            assertTrue(again.output().contains("INFO: The tag 1.0.0 of " + bed.repositoryUri(name) + " points at an"
                    + " archived image (" + archived + ", ECR's archive storage class): pushing the same image"
                    + " restores it"), again.output());
            assertFalse(bed.standIn().isArchived(name, archived), mutability + ": after: restored:\n" + first.output()
                    + "\n" + again.output());
            assertEquals(digest, bed.manifestDigest(name, "1.0.0"), "the same image, the same digest");
        }
    }

    @Test
    void aChangedImageMovesAMutableTagOffAnArchivedImage() {
        String name = "shape/archived-moved";
        bed.standIn().createRepository(name);
        Map<String, String> env = bed.pipeEnv(bed.repositoryUri(name));
        env.put("TAGS", "main");
        assertEquals(0, run(env, context("moved-1")).exitCode());
        String archived = bed.standIn().archive(name, "main");
        Launcher.PipeRun run = run(env, context("moved-2"));
        assertEquals(0, run.exitCode(), run.output());
        assertTrue(run.output().contains("points at an archived image (" + archived), run.output());
        assertNotEquals(Optional.of(archived), bed.manifestDigest(name, "main"), "the tag names the new image");
        assertTrue(bed.standIn().isArchived(name, archived), "the old image stays archived");
    }
}
