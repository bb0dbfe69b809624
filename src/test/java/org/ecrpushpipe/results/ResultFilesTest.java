package org.ecrpushpipe.results;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.ecrpushpipe.registry.Digest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

class ResultFilesTest {
    private static final String URI = "123456789012.dkr.ecr.ap-southeast-1.amazonaws.com/app";
    private static final Digest DIGEST = Digest.of("sha256:" + "ab".repeat(32));

    @TempDir
    Path dir;

    @Test
    void dotenvQuotesOnlyWhatHoldsASpace() {
        assertEquals("IMAGE_URI=" + URI + "\nIMAGE_DIGEST=" + DIGEST + "\nIMAGE_TAGS='1.0 latest'\n",
                DotenvResults.render(new ImageResults(URI, DIGEST, List.of("1.0", "latest"), List.of())));
        assertEquals("IMAGE_URI=" + URI + "\nIMAGE_DIGEST=" + DIGEST + "\nIMAGE_TAGS=1.0\n",
                DotenvResults.render(new ImageResults(URI, DIGEST, List.of("1.0"), List.of())));
    }

    @Test
    void regionsAddLinesAndAnArrayFromData() throws Exception {
        ImageResults results = new ImageResults(URI, DIGEST, List.of("1.0"), List.of(new ImageResults.Region(
                "eu-west-1", "123456789012.dkr.ecr.eu-west-1.amazonaws.com/app", DIGEST)));
        assertTrue(DotenvResults.render(results).endsWith("IMAGE_URI_EU_WEST_1=123456789012.dkr.ecr.eu-west-1"
                + ".amazonaws.com/app\nIMAGE_DIGEST_EU_WEST_1=" + DIGEST + "\n"));
        JsonNode json = new ObjectMapper().readTree(JsonResults.render(results));
        assertEquals(URI, json.get("IMAGE_URI").asText());
        assertEquals("1.0", json.get("IMAGE_TAGS").get(0).asText());
        assertEquals("eu-west-1", json.get("regions").get(0).get("region").asText());
    }

    @Test
    void aMultiPlatformImageNamesEachPlatformsImage() throws Exception {
        Digest arm64 = Digest.of("sha256:" + "cd".repeat(32));
        ImageResults results = new ImageResults(URI, DIGEST, List.of("1.4"), List.of(), List.of(
                new ImageResults.Platform("linux/amd64", Digest.of("sha256:" + "ef".repeat(32)), "42-amd64"),
                new ImageResults.Platform("linux/arm64/v8", arm64, "42-arm64")));
        assertTrue(DotenvResults.render(results).endsWith("IMAGE_TAGS=1.4\nIMAGE_PLATFORMS='linux/amd64"
                + " linux/arm64/v8'\nPLATFORM_DIGEST_LINUX_AMD64=sha256:" + "ef".repeat(32)
                + "\nPLATFORM_DIGEST_LINUX_ARM64_V8=" + arm64 + "\n"), DotenvResults.render(results));
        JsonNode json = new ObjectMapper().readTree(JsonResults.render(results));
        assertEquals(DIGEST.value(), json.get("IMAGE_DIGEST").asText(), "the index");
        assertEquals("linux/arm64/v8", json.get("platforms").get(1).get("platform").asText());
        assertEquals(arm64.value(), json.get("platforms").get(1).get("IMAGE_DIGEST").asText());
        assertEquals("42-arm64", json.get("platforms").get(1).get("SOURCE_TAG").asText());
        assertEquals(0, new ObjectMapper().readTree(JsonResults.render(new ImageResults(URI, DIGEST, List.of("1.0"),
                List.of()))).get("platforms").size(), "one platform: an empty array");
        assertFalse(DotenvResults.render(new ImageResults(URI, DIGEST, List.of("1.0"), List.of()))
                .contains("PLATFORM"), "one platform: no platform lines");
    }

    @Test
    void sharedStorageGetsBothFormsAndOutputFileItsOwn() throws Exception {
        ImageResults results = new ImageResults(URI, DIGEST, List.of("1.0"), List.of());
        ResultFiles.Written written = ResultFiles.write(results, Optional.of(dir.resolve("image.json")),
                Optional.of(dir.resolve("shared")));
        assertEquals(List.of(dir.resolve("shared/ecr-push-pipe/results.env"),
                dir.resolve("shared/ecr-push-pipe/results.json"), dir.resolve("image.json")), written.files());
        assertEquals(DotenvResults.render(results), Files.readString(dir.resolve("shared/ecr-push-pipe/results.env")));
        assertEquals(JsonResults.render(results), Files.readString(dir.resolve("image.json")));
        try (var left = Files.list(dir)) {
            assertEquals(List.of(), left.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList(),
                    "no temporary file left");
        }
        ResultFiles.write(results, Optional.of(dir.resolve("image.env")), Optional.empty());
        assertEquals(DotenvResults.render(results), Files.readString(dir.resolve("image.env")));
    }
}
