package org.ecrpushpipe.release;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.ecrpushpipe.testbed.DockerEngineExtension;
import org.ecrpushpipe.testbed.RegistryExtension;
import org.ecrpushpipe.testbed.RegistryProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A whole release, as the pipe's own pipeline makes it on main: {@code bash release/release.sh} in a copy of this
 * repository whose origin is a local bare repository and whose pipe.yml names its image in the bed's registry,
 * building the image once with {@code test/build-image.sh} on the bed's engine (on the stand-in bases: no Docker Hub
 * here). Origin already holds the previous release's tag and, as every release after the first finds them, the
 * X.Y and X tags of the version to release on an older commit: they must move. Then checks what a user of the pipe
 * would meet: the tags in git and on the image, the CHANGELOG, the version in every file, the image's
 * {@code --version}.
 */
@ExtendWith(RegistryExtension.class)
class ReleaseScriptIT {
    private static final Pattern PIPE_AT = Pattern.compile("org/ecr-push-pipe:([^\\s'\"`]+)");

    @TempDir
    Path dir;

    @Test
    void aReleaseTagsGitAndTheImageAndWritesTheChangelogAndTheVersion(RegistryProcess registry) throws Exception {
        String image = registry.host() + "/org/ecr-push-pipe";
        ReleaseRepository repository = ReleaseRepository.copyOfThisOne(dir, work -> {
            Path pipe = work.resolve("pipe.yml");
            Files.writeString(pipe, Files.readString(pipe).replace("image: org/ecr-push-pipe:", "image: " + image + ":"));
        });
        Path work = repository.work();
        NextVersion version = NextVersion.of(work);
        String previous = repository.git("rev-parse", "HEAD");
        repository.git("tag", version.current());
        repository.git("tag", version.minor());
        repository.git("tag", version.major());
        repository.git("commit", "-q", "--allow-empty", "-m", "Work since the previous release");
        String before = repository.git("rev-parse", "HEAD");
        repository.git("push", "-q", "origin", "main", "--tags");
        List<String> entries = entryLines(work);
        String changelogBefore = Files.readString(work.resolve("CHANGELOG.md"));
        String history = changelogBefore.substring(changelogBefore.indexOf("\n## " + version.current() + "\n"));

        long started = System.nanoTime();
        ReleaseRepository.Run run = repository.release(Map.of("RELEASE_REGISTRY_USERNAME", registry.username(),
                "RELEASE_REGISTRY_PASSWORD", registry.password()), Duration.ofMinutes(40), "--stand-in-bases");
        System.out.printf("bash release/release.sh took %d s%n", (System.nanoTime() - started) / 1_000_000_000L);
        try {
            assertEquals(0, run.exitCode(), run.toString());
            assertEquals(List.of(), run.stderrLines("release: ERROR"), run.toString());
            assertTrue(run.stderr().strip().endsWith("release: released " + version.next() + ": main and the tags "
                    + version.next() + " (new), " + version.minor() + " and " + version.major() + " (moved) on origin;"
                    + " images " + image + ":" + version.next() + ", :" + version.minor() + ", :" + version.major()),
                    run.toString());
            assertFalse(run.stderr().contains(registry.password()) || run.stdout().contains(registry.password()),
                    "the registry password is never shown");

            // git: the release commit on top of main, here and on origin, tagged X.Y.Z, X.Y and X moved to it
            String release = repository.git("rev-parse", "HEAD");
            assertEquals(before, repository.git("rev-parse", "HEAD^"), "the release commit follows main");
            assertEquals("Release " + version.next() + " [skip ci]", repository.git("log", "-1", "--format=%s"));
            assertEquals("", repository.git("status", "--porcelain"), "nothing left over in the working tree");
            assertEquals(release, repository.gitOrigin("rev-parse", "refs/heads/main"), "origin's main is the release");
            assertEquals("tag", repository.gitOrigin("cat-file", "-t", "refs/tags/" + version.next()), "an annotated X.Y.Z");
            for (String tag : List.of(version.next(), version.minor(), version.major())) {
                assertEquals(release, repository.gitOrigin("rev-parse", "refs/tags/" + tag + "^{commit}"), tag + " on origin");
                assertEquals(release, repository.git("rev-parse", "refs/tags/" + tag + "^{commit}"), tag + " here");
            }
            assertEquals(previous, repository.gitOrigin("rev-parse", "refs/tags/" + version.current() + "^{commit}"),
                    "the previous release's tag stays");

            // the CHANGELOG: the entries as the release's section, an empty Unreleased section above it, history kept
            String changelog = Files.readString(work.resolve("CHANGELOG.md"));
            assertTrue(changelog.contains("\n## Unreleased\n\n## " + version.next() + "\n\n"), changelog);
            int start = changelog.indexOf("\n## " + version.next() + "\n");
            String section = changelog.substring(start, changelog.indexOf("\n## ", start + 1));
            for (String entry : entries) {
                assertTrue(section.contains("\n" + entry + "\n"), "the " + version.next() + " section has " + entry);
            }
            assertTrue(changelog.endsWith(history), "the earlier sections are as they were");
            assertFalse(Files.exists(work.resolve(".changes/next-release")), ".changes/next-release is emptied");
            JsonNode record = new ObjectMapper().readTree(work.resolve(".changes/" + version.next() + ".json").toFile());
            List<String> recorded = new ArrayList<>();
            record.forEach(e -> recorded.add("- " + e.get("type").asText() + ": " + e.get("description").asText()));
            assertEquals(Set.copyOf(entries), Set.copyOf(recorded), ".changes/" + version.next() + ".json holds the entries");
            assertEquals(entries.size(), recorded.size());

            // the version, everywhere
            assertTrue(Files.readString(work.resolve("pom.xml")).contains(
                    "<artifactId>ecr-push-pipe</artifactId>\n  <version>" + version.next() + "</version>"), "pom.xml");
            assertTrue(Files.readString(work.resolve("pipe.yml")).contains("\nimage: " + image + ":" + version.next() + "\n"),
                    "pipe.yml's image");
            assertTrue(Files.readString(work.resolve("README.md")).contains("pipe: org/ecr-push-pipe:" + version.next()),
                    "README's YAML");
            Set<String> named = new HashSet<>();
            for (Path document : documents(work)) {
                Matcher at = PIPE_AT.matcher(Files.readString(document));
                while (at.find()) {
                    named.add(at.group(1));
                    assertTrue(Set.of(version.next(), version.minor(), version.major()).contains(at.group(1)),
                            document + " names the pipe at " + at.group(1));
                }
            }
            assertTrue(named.contains(version.next()), "the documentation names the release: " + named);

            // the image: X.Y.Z, X.Y and X in the registry, one digest, the image built here, whose --version says X.Y.Z
            assertEquals(List.of(version.major(), version.minor(), version.next()), ReleaseScriptTest.tags(registry));
            String digest = manifestDigest(registry, version.next());
            assertEquals(digest, manifestDigest(registry, version.minor()));
            assertEquals(digest, manifestDigest(registry, version.major()));
            assertTrue(docker("image", "inspect", "-f", "{{json .RepoDigests}}", image + ":" + version.next())
                    .contains(image + "@" + digest), "the registry holds the image built here");
            assertEquals("ecr-push-pipe " + version.next(),
                    docker("run", "--rm", "--network", "none", image + ":" + version.next(), "--version").strip());
        } finally {
            for (String tag : List.of(version.next(), version.minor(), version.major())) {
                docker("rmi", image + ":" + tag);
            }
        }
    }

    /** The "- type: description" lines of the entries in .changes/next-release. */
    private static List<String> entryLines(Path work) throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<String> lines = new ArrayList<>();
        try (Stream<Path> files = Files.list(work.resolve(".changes/next-release"))) {
            for (Path file : files.sorted().toList()) {
                JsonNode entry = json.readTree(file.toFile());
                lines.add("- " + entry.get("type").asText() + ": " + entry.get("description").asText());
            }
        }
        return lines;
    }

    /** The documentation the release keeps at the version: every Markdown and YAML file but the history. */
    private static List<Path> documents(Path work) throws IOException {
        try (Stream<Path> files = Files.walk(work)) {
            return files.filter(Files::isRegularFile)
                    .filter(f -> f.toString().endsWith(".md") || f.toString().endsWith(".yml"))
                    .filter(f -> !work.relativize(f).startsWith(".git") && !work.relativize(f).startsWith(".changes")
                            && !work.relativize(f).startsWith("bench/results") && !work.relativize(f).startsWith("target")
                            && !f.getFileName().toString().equals("CHANGELOG.md"))
                    .toList();
        }
    }

    private static String manifestDigest(RegistryProcess registry, String tag) throws IOException, InterruptedException {
        HttpResponse<Void> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(registry.url() + "/v2/org/ecr-push-pipe/manifests/" + tag))
                .method("HEAD", HttpRequest.BodyPublishers.noBody())
                .header("Authorization", registry.basicAuthorization())
                .header("Accept", "application/vnd.docker.distribution.manifest.v2+json, "
                        + "application/vnd.oci.image.manifest.v1+json")
                .build(), HttpResponse.BodyHandlers.discarding());
        assertEquals(200, response.statusCode(), tag);
        return response.headers().firstValue("Docker-Content-Digest").orElseThrow();
    }

    /** The docker CLI against the bed's engine; fails the test when it fails. */
    private static String docker(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("docker"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("DOCKER_HOST", DockerEngineExtension.dockerHost());
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(2, TimeUnit.MINUTES), String.join(" ", command));
        assertEquals(0, process.exitValue(), String.join(" ", command) + ": " + output);
        return output;
    }
}
