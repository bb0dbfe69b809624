package org.ecrpushpipe.docker.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.ecrpushpipe.config.BuildArg;
import org.ecrpushpipe.context.BuildContext;
import org.ecrpushpipe.docker.BuildCache;
import org.ecrpushpipe.docker.BuildRequest;
import org.ecrpushpipe.docker.EngineVersion;
import org.ecrpushpipe.docker.PullAccess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the BuildKit builder asks of the engine, and how it reads versions and image names; no engine needed. */
class BuildKitRequestTest {
    @TempDir
    Path dir;

    private BuildRequest request(boolean pull, String network, BuildCache cache, List<BuildArg> args) throws Exception {
        Files.writeString(dir.resolve("Dockerfile"), "FROM scratch\n");
        return new BuildRequest(BuildContext.scan(dir.toRealPath(), "Dockerfile"), args, Optional.of("release"),
                Map.of("team", "x"), true, pull, network, cache, PullAccess.NONE);
    }

    @Test
    void theRequestNeverAsksBuildKitToPullAndCarriesTheInlineCacheAsABuildArgument() throws Exception {
        String path = URLDecoder.decode(BuildKitBuilder.path(request(true, "default",
                new BuildCache(List.of("reg/app:latest"), Optional.empty(), true),
                List.of(new BuildArg("V", Optional.of("1"))))), StandardCharsets.UTF_8);
        assertEquals("/build?version=2&networkmode=default&dockerfile=Dockerfile"
                + "&buildargs={\"V\":\"1\",\"BUILDKIT_INLINE_CACHE\":\"1\"}&labels={\"team\":\"x\"}&target=release"
                + "&nocache=1&cachefrom=[\"reg/app:latest\"]", path);
        assertFalse(path.contains("pull"), path);
    }

    @Test
    void anInlineCacheArgumentGivenIsNotSentTwice() throws Exception {
        String path = URLDecoder.decode(BuildKitBuilder.path(request(false, "host",
                new BuildCache(List.of(), Optional.empty(), true),
                List.of(new BuildArg("BUILDKIT_INLINE_CACHE", Optional.of("0"))))), StandardCharsets.UTF_8);
        assertTrue(path.contains("&buildargs={\"BUILDKIT_INLINE_CACHE\":\"0\"}&"), path);
    }

    @Test
    void imagesArePulledByNameAndTagOrDigest() {
        assertArrayEquals(new String[] {"debian", "latest"}, BuildKitPulls.nameAndTag("debian"));
        assertArrayEquals(new String[] {"127.0.0.1:5000/base", "1.2"}, BuildKitPulls.nameAndTag("127.0.0.1:5000/base:1.2"));
        assertArrayEquals(new String[] {"127.0.0.1:5000/base", "latest"}, BuildKitPulls.nameAndTag("127.0.0.1:5000/base"));
        assertArrayEquals(new String[] {"r.io/a/b:1", "sha256:0123"}, BuildKitPulls.nameAndTag("r.io/a/b:1@sha256:0123"));
    }

    @Test
    void buildKitIsALinuxDaemonsFromApi139() {
        assertTrue(new EngineVersion("20.10.24+dfsg1", "1.41", "linux").buildsWithBuildKit());
        assertTrue(new EngineVersion("18.09.0", "1.39", "linux").buildsWithBuildKit());
        assertTrue(new EngineVersion("28.5.2", "1.51", "linux").buildsWithBuildKit());
        assertFalse(new EngineVersion("18.06.1-ce", "1.38", "linux").buildsWithBuildKit());
        assertFalse(new EngineVersion("20.10.24", "1.41", "windows").buildsWithBuildKit());
        assertEquals(20, new EngineVersion("20.10.24+dfsg1", "1.41", "linux").major());
        assertEquals(28, new EngineVersion("28.5.2", "1.51", "linux").major());
    }

    @Test
    void sizesAreShownInDecimalUnitsAsProgressuiShowsThem() {
        assertEquals("999B", BuildKitVertex.units(999));
        assertEquals("1.98MB", BuildKitVertex.units(1_980_000));
        assertEquals("2.00kB", BuildKitVertex.units(2000));
    }
}
