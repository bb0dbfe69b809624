package org.ecrpushpipe.testbed;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.AuthConfig;

import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;

/** The bed's engine pushes to the bed's registry, and the registry then holds exactly what was pushed. */
@ExtendWith({DockerEngineExtension.class, RegistryExtension.class})
class RegistryPushTest {
    private static final String MANIFEST_V2 = "application/vnd.docker.distribution.manifest.v2+json";

    @Test
    void aPushedImageIsInTheRegistryUnderTheDigestTheEngineReported(DockerClient docker, RegistryProcess registry,
            @TempDir Path dir) throws NoSuchAlgorithmException {
        String repository = registry.host() + "/bed/busybox";
        TestBuild build = TestBuild.run(docker, TestImages.busybox(dir).uniqueFile().write(), repository + ":first");
        assertTrue(build.imageId().startsWith("sha256:"), build.imageId());

        TestPush push = TestPush.run(docker, repository, "first", auth(registry, registry.password()));

        assertEquals(List.of(), push.errors(), "errors reported while pushing");
        String digest = push.digest().orElseThrow(() -> new AssertionError("no aux.digest in " + push.items()));
        Response manifest = given().baseUri(registry.url())
                .header("Authorization", registry.basicAuthorization())
                .accept(MANIFEST_V2)
                .when().get("/v2/bed/busybox/manifests/first")
                .then().statusCode(200).extract().response();
        assertEquals(digest, manifest.header("Docker-Content-Digest"));
        assertEquals(digest, "sha256:" + HexFormat.of().formatHex(
                MessageDigest.getInstance("SHA-256").digest(manifest.asByteArray())), "digest of the manifest's bytes");

        JsonPath json = JsonPath.from(manifest.asString());
        assertEquals(MANIFEST_V2, json.getString("mediaType"));
        List<String> blobs = new ArrayList<>(json.getList("layers.digest", String.class));
        assertFalse(blobs.isEmpty(), "the manifest lists layers");
        blobs.add(json.getString("config.digest"));
        for (String blob : blobs) {
            given().baseUri(registry.url())
                    .header("Authorization", registry.basicAuthorization())
                    .when().head("/v2/bed/busybox/blobs/" + blob)
                    .then().statusCode(200).header("Docker-Content-Digest", blob);
        }
    }

    @Test
    void aPushWithAWrongPasswordFailsThoughTheCallbackCompletesNormally(DockerClient docker, RegistryProcess registry,
            @TempDir Path dir) {
        String repository = registry.host() + "/bed/refused";
        TestBuild.run(docker, TestImages.busybox(dir).uniqueFile().write(), repository + ":denied");

        // No exception here: the callback completes normally, which is exactly the trap.
        TestPush push = TestPush.run(docker, repository, "denied", auth(registry, "not-" + registry.password()));

        assertFalse(push.errors().isEmpty(), "a wrong password must show up as an error item: " + push.items());
        assertTrue(push.errors().stream().anyMatch(e -> e.contains("authentication")), push.errors().toString());
        assertTrue(push.digest().isEmpty(), "no digest for a refused push");
        given().baseUri(registry.url())
                .header("Authorization", registry.basicAuthorization())
                .accept(MANIFEST_V2)
                .when().get("/v2/bed/refused/manifests/denied")
                .then().statusCode(404);
    }

    private static AuthConfig auth(RegistryProcess registry, String password) {
        return new AuthConfig()
                .withRegistryAddress(registry.host())
                .withUsername(registry.username())
                .withPassword(password);
    }
}
