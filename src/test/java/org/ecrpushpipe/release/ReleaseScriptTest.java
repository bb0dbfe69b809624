package org.ecrpushpipe.release;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.ecrpushpipe.testbed.RegistryExtension;
import org.ecrpushpipe.testbed.RegistryProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * {@code release/release.sh} and its {@code release/changes.py} where a release must not happen or must stop: each
 * failure is one {@code release: ERROR:} line and exit code 1, and leaves this repository's copy, its origin and
 * the registry as they were. The version each release makes, from the entries' types. The whole release, built and
 * pushed, is {@link ReleaseScriptIT}.
 */
@ExtendWith(RegistryExtension.class)
class ReleaseScriptTest {
    private static final Duration QUICK = Duration.ofMinutes(5);

    @TempDir
    Path dir;

    private ReleaseRepository copy() throws IOException, InterruptedException {
        return ReleaseRepository.copyOfThisOne(dir, work -> { });
    }

    /** The copy, its pipe.yml's image in {@code registry} (the release pushes there). */
    private ReleaseRepository copyPublishingTo(RegistryProcess registry) throws IOException, InterruptedException {
        return ReleaseRepository.copyOfThisOne(dir, work -> {
            Path pipe = work.resolve("pipe.yml");
            Files.writeString(pipe, Files.readString(pipe).replace("image: org/ecr-push-pipe:",
                    "image: " + registry.host() + "/org/ecr-push-pipe:"));
        });
    }

    /** A failure: exit code 1, exactly one error line saying {@code expected}, and no change anywhere. */
    private static void refused(ReleaseRepository.Run run, String expected, ReleaseRepository repository,
                                ReleaseRepository.State before) throws IOException, InterruptedException {
        assertEquals(1, run.exitCode(), run.toString());
        List<String> errors = run.stderrLines("release: ERROR: ");
        assertEquals(1, errors.size(), "one error line: " + run);
        assertTrue(errors.get(0).startsWith("release: ERROR: " + expected), "the error says " + expected + ": " + run);
        assertFalse(run.stderr().contains("Traceback") || run.stderr().contains("\tat "), "no stack trace: " + run);
        assertEquals(before, repository.state(), "nothing changed, here or on origin: " + run);
    }

    @Test
    void aDryRunSaysTheVersionTheEntriesAskForAndChangesNothing() throws Exception {
        ReleaseRepository repository = copy();
        NextVersion expected = NextVersion.of(repository.work());
        ReleaseRepository.State before = repository.state();
        ReleaseRepository.Run run = repository.release(Map.of(), QUICK, "--dry-run");
        assertEquals(0, run.exitCode(), run.toString());
        assertEquals(expected.next() + "\n", run.stdout(), run.toString());
        assertTrue(run.stderr().contains("release: dry run: would release " + expected.next() + " (git tags "
                + expected.next() + ", " + expected.minor() + ", " + expected.major() + "; images org/ecr-push-pipe:"
                + expected.next() + ", :" + expected.minor() + ", :" + expected.major() + "); nothing changed"), run.toString());
        assertEquals(before, repository.state());
    }

    /** 0.1.0's successor is 1.0.0, from the entries alone; once released, the CHANGELOG says so. */
    @Test
    void theFirstReleaseOfThisRepositoryIsOnePointZero() throws Exception {
        ReleaseRepository repository = copy();
        if (NextVersion.of(repository.work()).current().equals("0.1.0")) {
            ReleaseRepository.Run run = repository.release(Map.of(), QUICK, "--dry-run");
            assertEquals("1.0.0\n", run.stdout(), run.toString());
        } else {
            assertTrue(Files.readString(repository.work().resolve("CHANGELOG.md")).contains("\n## 1.0.0\n"));
        }
    }

    @ParameterizedTest(name = "{0} with {1} entries: {2}")
    @CsvSource({
            "0.1.0, patch, 0.1.1", "0.1.0, minor patch, 0.2.0", "0.1.0, patch major minor, 1.0.0",
            "1.2.3, patch, 1.2.4", "1.2.3, patch minor, 1.3.0", "1.2.3, major, 2.0.0", "1.9.9, minor, 1.10.0"})
    void theHighestEntryTypeBumpsTheVersion(String current, String types, String next) throws Exception {
        Path repository = minimalRepository(current, types.split(" "));
        ReleaseRepository.Run plan = changes(repository, "plan");
        assertEquals(0, plan.exitCode(), plan.toString());
        assertTrue(plan.stdout().contains("current=" + current + "\n"), plan.toString());
        assertTrue(plan.stdout().contains("next=" + next + "\n"), plan.toString());
    }

    @ParameterizedTest(name = "--version {0} after 0.1.0 with minor entries: {1}")
    @CsvSource(delimiter = '|', value = {
            "1.0.0 | next=1.0.0", "0.2.0 | next=0.2.0", "0.3.1 | next=0.3.1",
            "0.1.1 | --version 0.1.1 is lower than 0.2.0, which the minor entries in .changes/next-release ask for",
            "0.1.0 | --version 0.1.0 is lower than 0.2.0", "1.0 | --version 1.0 is not X.Y.Z",
            "01.0.0 | --version 01.0.0 is not X.Y.Z"})
    void anExplicitVersionMayOnlyBeAtLeastWhatTheEntriesAskFor(String asked, String said) throws Exception {
        Path repository = minimalRepository("0.1.0", "minor", "patch");
        ReleaseRepository.Run plan = changes(repository, "plan", "--version", asked);
        if (said.startsWith("next=")) {
            assertEquals(0, plan.exitCode(), plan.toString());
            assertTrue(plan.stdout().contains(said + "\n"), plan.toString());
        } else {
            assertEquals(1, plan.exitCode(), plan.toString());
            assertTrue(plan.stderr().startsWith(said), plan.toString());
            assertEquals(1, plan.stderr().lines().count(), "one line: " + plan);
        }
    }

    @Test
    void theReleaseKeepsTheGroupedNotesAndPutsAMissingLineUnderItsGroup() throws Exception {
        Path repository = minimalRepository("1.2.3");
        Path next = repository.resolve(".changes/next-release");
        Files.writeString(next.resolve("minor-build.json"),
                "{\"type\": \"minor\", \"description\": \"Built.\", \"group\": \"Building\"}\n");
        Files.writeString(next.resolve("minor-build-late.json"),
                "{\"type\": \"minor\", \"description\": \"Built later.\", \"group\": \"Building\"}\n");
        Files.writeString(next.resolve("major-late.json"),
                "{\"type\": \"major\", \"description\": \"Broke.\", \"group\": \"Breaking changes\"}\n");
        Files.writeString(next.resolve("patch-output.json"),
                "{\"type\": \"patch\", \"description\": \"Said.\", \"group\": \"Output\"}\n");
        Files.writeString(next.resolve("patch-loose.json"), "{\"type\": \"patch\", \"description\": \"Loose.\"}\n");
        Files.writeString(repository.resolve("CHANGELOG.md"), """
                # Changelog

                ## Unreleased

                ### Building

                - minor: Built.

                ### Output

                - patch: Said.

                ## 1.2.3

                - minor: Before.
                """);
        git(repository, "init", "-q");
        git(repository, "add", "-A");
        ReleaseRepository.Run apply = changes(repository, "apply", "2.0.0");
        assertEquals(0, apply.exitCode(), apply.toString());
        assertEquals("""
                # Changelog

                ## Unreleased

                ## 2.0.0

                ### Breaking changes

                - major: Broke.

                ### Building

                - minor: Built.
                - minor: Built later.

                ### Output

                - patch: Said.

                ### Other

                - patch: Loose.

                ## 1.2.3

                - minor: Before.
                """, Files.readString(repository.resolve("CHANGELOG.md")));
        JsonNode record = new ObjectMapper().readTree(repository.resolve(".changes/2.0.0.json").toFile());
        List<String> groups = new ArrayList<>();
        record.forEach(e -> groups.add(e.path("group").asText("none")));
        assertEquals(List.of("Breaking changes", "Building", "Building", "none", "Output"), groups,
                "the record keeps each entry's group");
    }

    @Test
    void aGroupThatIsNoHeadingIsRefused() throws Exception {
        Path repository = minimalRepository("1.2.3", "minor");
        Files.writeString(repository.resolve(".changes/next-release/patch-x.json"),
                "{\"type\": \"patch\", \"description\": \"Typo.\", \"group\": \"Buliding\"}\n");
        ReleaseRepository.Run plan = changes(repository, "plan");
        assertEquals(1, plan.exitCode(), plan.toString());
        assertTrue(plan.stderr().startsWith(".changes/next-release/patch-x.json has \"group\": \"Buliding\", "
                + "not one of Breaking changes, Building, Pushing and tags,"), plan.toString());
        assertEquals(1, plan.stderr().lines().count(), "one line: " + plan);
    }

    /** {@code git ARGS} in {@code repository}, which must succeed. */
    private static void git(Path repository, String... args) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(Stream.concat(Stream.of("git"), Stream.of(args)).toList())
                .directory(repository.toFile()).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes());
        assertEquals(0, process.waitFor(), "git " + String.join(" ", args) + ": " + out);
    }

    @Test
    void aDirtyTreeIsRefused() throws Exception {
        ReleaseRepository repository = copy();
        Files.writeString(repository.work().resolve("stray.txt"), "not committed\n");
        ReleaseRepository.State before = repository.state();
        refused(repository.release(Map.of(), QUICK), "the working tree is not clean ('stray.txt'): commit or stash"
                + " what is not committed first", repository, before);
    }

    @Test
    void nothingInNextReleaseIsRefused() throws Exception {
        ReleaseRepository repository = copy();
        try (Stream<Path> entries = Files.list(repository.work().resolve(".changes/next-release"))) {
            for (Path entry : entries.toList()) {
                Files.delete(entry);
            }
        }
        repository.commitAll("No change entries");
        ReleaseRepository.State before = repository.state();
        refused(repository.release(Map.of(), QUICK), "nothing to release: .changes/next-release holds no change entry",
                repository, before);
    }

    @Test
    void aVersionTaggedHereIsRefused() throws Exception {
        ReleaseRepository repository = copy();
        String next = NextVersion.of(repository.work()).next();
        repository.git("tag", next);
        ReleaseRepository.State before = repository.state();
        refused(repository.release(Map.of(), QUICK), "the tag " + next + " exists already here", repository, before);
    }

    @Test
    void aVersionTaggedOnOriginIsRefused() throws Exception {
        ReleaseRepository repository = copy();
        String next = NextVersion.of(repository.work()).next();
        repository.git("tag", next);
        repository.git("push", "-q", "origin", "refs/tags/" + next);
        repository.git("tag", "-d", next);
        ReleaseRepository.State before = repository.state();
        refused(repository.release(Map.of(), QUICK), "the tag " + next + " exists already on origin", repository, before);
    }

    /** Someone pushed to main since this clone was made: the release would not go on top of origin's main. */
    @Test
    void anOriginThatMovedOnIsRefusedBeforeAnythingIsBuilt() throws Exception {
        ReleaseRepository repository = copy();
        String mine = repository.git("rev-parse", "HEAD");
        repository.git("commit", "-q", "--allow-empty", "-m", "Someone else's change");
        repository.git("push", "-q", "origin", "main");
        repository.git("reset", "-q", "--hard", mine);
        ReleaseRepository.State before = repository.state();
        refused(repository.release(Map.of(), QUICK), "origin refuses the push of main: ", repository, before);
    }

    @Test
    void aRegistryThatRefusesTheLoginStopsTheReleaseBeforeAnythingChanges(RegistryProcess registry) throws Exception {
        ReleaseRepository repository = copyPublishingTo(registry);
        ReleaseRepository.State before = repository.state();
        String wrong = "wrong-" + registry.password();
        ReleaseRepository.Run run = repository.release(Map.of("RELEASE_REGISTRY_USERNAME", registry.username(),
                "RELEASE_REGISTRY_PASSWORD", wrong), QUICK, "--stand-in-bases");
        refused(run, registry.host() + " refused the login of RELEASE_REGISTRY_USERNAME: ", repository, before);
        assertFalse(run.stderr().contains(wrong) || run.stdout().contains(wrong), "the password is never shown: " + run);
        assertEquals(List.of(), tags(registry), "nothing pushed");
    }

    /** A failure after the release commit was made (here: the pipe does not compile) puts everything back. */
    @Test
    void aBuildThatFailsPutsTheRepositoryBack(RegistryProcess registry) throws Exception {
        ReleaseRepository repository = copyPublishingTo(registry);
        Files.writeString(repository.work().resolve("src/main/java/org/ecrpushpipe/Broken.java"),
                "package org.ecrpushpipe;\nclass Broken { does not compile }\n");
        repository.commitAll("A change that breaks the build");
        ReleaseRepository.State before = repository.state();
        String next = NextVersion.of(repository.work()).next();
        ReleaseRepository.Run run = repository.release(Map.of("RELEASE_REGISTRY_USERNAME", registry.username(),
                "RELEASE_REGISTRY_PASSWORD", registry.password()), Duration.ofMinutes(15), "--stand-in-bases");
        assertEquals(1, run.exitCode(), run.toString());
        List<String> errors = run.stderrLines("release: ERROR: ");
        assertEquals(List.of("release: ERROR: test/build-image.sh could not build " + registry.host()
                + "/org/ecr-push-pipe:" + next + " (its output above says why)"), errors, run.toString());
        assertTrue(run.stderr().contains("release: committed the release "), "it got as far as the commit: " + run);
        assertTrue(run.stderr().contains("release: put back as before: main at "), run.toString());
        assertEquals(before, repository.state(), "the commit and the tags are gone, the tree as it was: " + run);
        assertTrue(Files.isDirectory(repository.work().resolve(".changes/next-release")), "the entries are back");
        assertEquals(List.of(), tags(registry), "nothing pushed");
    }

    @Test
    void anUnknownArgumentIsAUsageError() throws Exception {
        ReleaseRepository repository = copy();
        ReleaseRepository.State before = repository.state();
        ReleaseRepository.Run run = repository.release(Map.of(), QUICK, "--push");
        assertEquals(2, run.exitCode(), run.toString());
        assertTrue(run.stderr().startsWith("release: ERROR: unknown argument '--push'\nusage: bash release/release.sh"),
                run.toString());
        assertEquals(before, repository.state());
    }

    /** A directory with just what release/changes.py plan reads: pom.xml, pipe.yml and one entry per type. */
    private Path minimalRepository(String version, String... types) throws IOException {
        Path repository = Files.createDirectories(dir.resolve("minimal"));
        Files.writeString(repository.resolve("pom.xml"), """
                <?xml version="1.0" encoding="UTF-8"?>
                <project xmlns="http://maven.apache.org/POM/4.0.0">
                  <modelVersion>4.0.0</modelVersion>
                  <groupId>org.ecrpushpipe</groupId>
                  <artifactId>ecr-push-pipe</artifactId>
                  <version>%s</version>
                </project>
                """.formatted(version));
        Files.writeString(repository.resolve("pipe.yml"), "name: ECR push\nimage: org/ecr-push-pipe:" + version
                + "\nrepository: https://bitbucket.org/org/ecr-push-pipe\n");
        Path next = Files.createDirectories(repository.resolve(".changes/next-release"));
        for (int i = 0; i < types.length; i++) {
            Files.writeString(next.resolve(types[i] + "-" + i + ".json"),
                    "{\"type\": \"" + types[i] + "\", \"description\": \"A change of type " + types[i] + ".\"}\n");
        }
        return repository;
    }

    /** {@code python3 release/changes.py ARGS} (this repository's) in {@code repository}. */
    private ReleaseRepository.Run changes(Path repository, String... args) throws IOException, InterruptedException {
        Path script = Path.of("release/changes.py").toAbsolutePath();
        ProcessBuilder builder = new ProcessBuilder(Stream.concat(Stream.of("python3", script.toString()),
                Stream.of(args)).toList()).directory(repository.toFile());
        Path out = Files.createTempFile(dir, "changes", ".out");
        Path err = Files.createTempFile(dir, "changes", ".err");
        Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "changes.py ended");
        return new ReleaseRepository.Run(process.exitValue(), Files.readString(out), Files.readString(err));
    }

    /** The tags the registry holds for org/ecr-push-pipe; none when it holds no such repository. */
    static List<String> tags(RegistryProcess registry) throws IOException, InterruptedException {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(registry.url() + "/v2/org/ecr-push-pipe/tags/list"))
                .header("Authorization", registry.basicAuthorization()).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 404) {
            return List.of();
        }
        assertEquals(200, response.statusCode(), response.body());
        List<String> tags = new ArrayList<>();
        new ObjectMapper().readTree(response.body()).get("tags")
                .forEach(t -> tags.add(t.asText()));
        return tags.stream().sorted().toList();
    }
}
