package org.ecrpushpipe.cli;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.ecrpushpipe.testbed.EcrBed;
import org.ecrpushpipe.testbed.EcrBedExtension;
import org.ecrpushpipe.testbed.TestImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import io.restassured.path.json.JsonPath;

/**
 * IMAGE as most users write it, the full repository URI {@code 123456789012.dkr.ecr.ap-southeast-1.amazonaws.com/…}:
 * the pipe (in-process) calls the ECR API through {@code AWS_ENDPOINT_URL} and pushes through the engine, which
 * resolves that host to the stand-in's facade. The real registry behind it must then hold exactly the image built.
 */
@ExtendWith(EcrBedExtension.class)
class FullRepositoryUriTest {
    private static final Pattern PUSHED = Pattern.compile("✔ Successfully pushed (\\S+):(\\S+) \\((sha256:[0-9a-f]{64})\\)");

    @TempDir
    Path work;

    @Test
    void aFullUriPushesThroughTheRealHostNameIntoTheRegistry(EcrBed bed) {
        String repository = "e2e/full-uri";
        String image = "123456789012.dkr.ecr.ap-southeast-1.amazonaws.com/" + repository;
        assertEquals(image, bed.repositoryUri(repository));
        bed.standIn().createRepository(repository);
        Map<String, String> env = bed.pipeEnv(image);
        env.put("TAGS", "2.0.0");
        env.remove("AWS_REGION"); // the region comes from the URI, as in the seed tutorial
        Path context = TestImages.busybox(work.resolve("ctx")).uniqueFile().write();

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int code = PipeLauncher.launch(new String[0], env, context, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String output = bytes.toString(StandardCharsets.UTF_8);

        assertEquals(0, code, output);
        Matcher pushed = PUSHED.matcher(output);
        assertTrue(pushed.find(), output);
        assertEquals(image, pushed.group(1));
        assertEquals("2.0.0", pushed.group(2));
        String digest = pushed.group(3);
        assertTrue(bed.standIn().registryHostHeaders().contains(EcrBed.ECR_REGISTRY_HOST),
                "the engine reached the facade by the real host name: " + bed.standIn().registryHostHeaders());

        // what the real registry behind the facade holds: that digest under the tag, for the image the engine built
        assertEquals(Optional.of(digest), bed.manifestDigest(repository, "2.0.0"));
        String manifest = given().header("Authorization", bed.registry().basicAuthorization())
                .accept("application/vnd.docker.distribution.manifest.v2+json")
                .when().get(bed.registry().url() + "/v2/" + repository + "/manifests/" + digest)
                .then().statusCode(200).extract().asString();
        String builtImageId = bed.docker().inspectImageCmd(image + ":2.0.0").exec().getId();
        assertEquals(builtImageId, JsonPath.from(manifest).getString("config.digest"),
                "the registry holds the image the engine built");
        List<String> tags = given().header("Authorization", bed.registry().basicAuthorization())
                .when().get(bed.registry().url() + "/v2/" + repository + "/tags/list")
                .then().statusCode(200).extract().jsonPath().getList("tags", String.class);
        // the tag asked for, and the registry cache's own image (CACHE is on by default; under BuildKit, the default
        // builder, its cache metadata goes to the cache tag, never into the pushed image)
        assertEquals(List.of("2.0.0", "cache"), tags.stream().sorted().toList());
    }
}
