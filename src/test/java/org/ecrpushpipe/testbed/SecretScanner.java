package org.ecrpushpipe.testbed;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Looks for secret values where none may be: a run's output, the files a run left, an image's configuration and
 * history. Each secret has a label, so a finding says which secret leaked where, never the value itself. A new
 * kind of secret is one {@link #secret} call.
 */
public final class SecretScanner {
    /** Values shorter than this are not looked for: they would match by chance. */
    private static final int SHORTEST = 8;
    private final Map<String, String> secrets = new LinkedHashMap<>();

    /** Adds a secret value to look for. */
    public SecretScanner secret(String label, String value) {
        if (value != null && value.length() >= SHORTEST) {
            secrets.put(label, value);
        }
        return this;
    }

    /** Adds ECR registry passwords, and the Basic credentials docker sends with them ({@code base64(AWS:…)}). */
    public SecretScanner registryPasswords(List<String> passwords) {
        for (int i = 0; i < passwords.size(); i++) {
            secret("ECR password " + (i + 1), passwords.get(i));
            secret("base64 of AWS:<ECR password " + (i + 1) + ">", Base64.getEncoder()
                    .encodeToString(("AWS:" + passwords.get(i)).getBytes(StandardCharsets.UTF_8)));
        }
        return this;
    }

    /** How many values are looked for. */
    public int size() {
        return secrets.size();
    }

    /** The labels of the secrets {@code text} holds. */
    public List<String> findIn(String text) {
        return secrets.entrySet().stream().filter(e -> text.contains(e.getValue())).map(Map.Entry::getKey).toList();
    }

    public void assertNoneIn(String where, String text) {
        assertEquals(List.of(), findIn(text), "secrets found in " + where);
    }

    /**
     * Fails when a regular file under {@code roots}, written at or after {@code since}, holds a secret (files of
     * up to 16 MiB; unreadable ones are passed over, they cannot be the pipe's own; so are files and directories
     * removed while the walk goes on, as other runs' engines on a shared machine remove theirs under /tmp).
     */
    public void assertNoneInFilesUnder(Instant since, Path... roots) {
        List<String> found = new ArrayList<>();
        for (Path root : roots) {
            if (!Files.isDirectory(root)) {
                continue;
            }
            try {
                Files.walkFileTree(root, Set.of(), 12, new SimpleFileVisitor<>() {
                    @Override
                    public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                        if (written(attributes, since)) {
                            try {
                                String text = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
                                findIn(text).forEach(label -> found.add(label + " in " + file));
                            } catch (IOException | SecurityException unreadable) {
                                // another user's file, or one removed meanwhile
                            }
                        }
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult visitFileFailed(Path file, IOException gone) {
                        return FileVisitResult.CONTINUE; // removed meanwhile, or another user's
                    }
                });
            } catch (IOException e) {
                throw new AssertionError("could not walk " + root + ": " + e, e);
            }
        }
        assertEquals(List.of(), found, "secrets found on disk");
    }

    private static boolean written(BasicFileAttributes attributes, Instant since) {
        return attributes.isRegularFile() && attributes.size() <= 16L << 20
                && !attributes.lastModifiedTime().toInstant().isBefore(since.minusSeconds(1));
    }

    /** Fails when the image's configuration ({@code docker image inspect}) or history holds a secret. */
    public void assertNoneInImage(String dockerHost, String image) throws IOException, InterruptedException {
        assertNoneIn("docker image inspect " + image, docker(dockerHost, "image", "inspect", image));
        assertNoneIn("docker history " + image, docker(dockerHost, "history", "--no-trunc", image));
    }

    /**
     * Fails when the image as {@code docker save} writes it (every layer's files, its configuration) holds a
     * secret: the layers of a saved image are plain tars, so a secret written into a file would show as it is.
     */
    public void assertNoneInSavedImage(String dockerHost, String image) throws IOException, InterruptedException {
        Path saved = Files.createTempFile("secret-scan-", ".tar");
        try {
            docker(dockerHost, "save", "-o", saved.toString(), image);
            assertNoneIn("docker save " + image, new String(Files.readAllBytes(saved), StandardCharsets.ISO_8859_1));
        } finally {
            Files.deleteIfExists(saved);
        }
    }

    private static String docker(String dockerHost, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("docker", "-H", dockerHost));
        command.addAll(List.of(args));
        Path output = Files.createTempFile("secret-scan-", ".out");
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile())
                    .start();
            if (!process.waitFor(2, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " did not finish in 2 minutes");
            }
            String text = Files.readString(output, StandardCharsets.UTF_8);
            assertEquals(0, process.exitValue(), String.join(" ", command) + ": " + text);
            return text;
        } finally {
            Files.deleteIfExists(output);
        }
    }
}
