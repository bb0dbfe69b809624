package org.ecrpushpipe.testbed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The scanner finds what it is told to look for, says which secret and where, and never the value. */
class SecretScannerTest {
    private final SecretScanner scanner = new SecretScanner().secret("AWS secret", "wJalrXUtnFEMI/K7MDENG")
            .registryPasswords(List.of("eyJwYXlsb2FkIjoiZWNyIn0"));

    @Test
    void findsEachSecretAndTheBasicCredentialsOfAPassword() {
        String basic = Base64.getEncoder().encodeToString("AWS:eyJwYXlsb2FkIjoiZWNyIn0".getBytes(StandardCharsets.UTF_8));
        assertEquals(List.of("AWS secret", "base64 of AWS:<ECR password 1>"),
                scanner.findIn("key wJalrXUtnFEMI/K7MDENG and Authorization: Basic " + basic));
        assertEquals(List.of(), scanner.findIn("AWS secret: ****"));
        AssertionError error = assertThrows(AssertionError.class,
                () -> scanner.assertNoneIn("output", "x eyJwYXlsb2FkIjoiZWNyIn0 y"));
        assertTrue(error.getMessage().contains("ECR password 1"), error.getMessage());
        assertTrue(!error.getMessage().contains("eyJwYXlsb2FkIjoiZWNyIn0"), "the value is never shown");
    }

    @Test
    void findsASecretInAFileWrittenDuringTheRun(@TempDir Path dir) throws Exception {
        Instant start = Instant.now();
        Files.createDirectories(dir.resolve(".docker"));
        Files.writeString(dir.resolve(".docker/config.json"), "{\"auth\":\"wJalrXUtnFEMI/K7MDENG\"}");
        AssertionError error = assertThrows(AssertionError.class, () -> scanner.assertNoneInFilesUnder(start, dir));
        assertTrue(error.getMessage().contains("AWS secret in " + dir.resolve(".docker/config.json")),
                error.getMessage());
    }

    @Test
    void shortValuesAreNotLookedFor() {
        assertEquals(3, scanner.size());
        assertEquals(3, scanner.secret("too short", "abc").size());
    }
}
