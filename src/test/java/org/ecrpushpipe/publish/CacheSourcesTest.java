package org.ecrpushpipe.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.ecrpushpipe.config.CacheSettings;
import org.ecrpushpipe.config.Tag;
import org.ecrpushpipe.dockerfile.Dockerfile;
import org.ecrpushpipe.registry.ImageReference;
import org.junit.jupiter.api.Test;

class CacheSourcesTest {
    private static final String HOST = "123456789012.dkr.ecr.ap-southeast-1.amazonaws.com";

    private static CacheSettings settings(CacheSettings.CacheMode mode, String branch,
                                          CacheSettings.CacheImage... cacheFrom) {
        return new CacheSettings(mode, List.of(cacheFrom), Optional.ofNullable(branch).map(Tag::new));
    }

    private static List<String> names(List<ImageReference> references) {
        return references.stream().map(r -> r.tag().value()).toList();
    }

    @Test
    void theTagsBeingPushedThenTheBranchThenLatest() {
        CacheSources sources = CacheSources.choose(settings(CacheSettings.CacheMode.ON, "main"), HOST, "app",
                List.of(new Tag("1.2"), new Tag("latest")), List.of("builder"), false);
        assertEquals(List.of("app"), List.copyOf(sources.candidates().keySet()));
        assertEquals(List.of("1.2", "latest", "main"), names(sources.candidates().get("app")));
    }

    @Test
    void stagesAddTheirCacheTags() {
        CacheSources sources = CacheSources.choose(settings(CacheSettings.CacheMode.STAGES, null), HOST, "app",
                List.of(new Tag("1.2")), List.of("deps", "builder"), false);
        assertEquals(List.of("1.2", "latest", "cache-deps", "cache-builder"), names(sources.candidates().get("app")));
    }

    /** BuildKit takes steps only from images with its cache metadata: the repository's cache images, not its tags. */
    @Test
    void underBuildKitTheRepositorysCacheImagesThenCacheFrom() {
        CacheSources sources = CacheSources.choose(settings(CacheSettings.CacheMode.STAGES, "main",
                        new CacheSettings.CacheImage(Optional.empty(), "team/base", new Tag("main"))),
                HOST, "app", List.of(new Tag("1.2"), new Tag("latest")), List.of("deps"), true);
        assertEquals(List.of("cache", "cache-deps"), names(sources.candidates().get("app")));
        assertEquals(List.of("main"), names(sources.candidates().get("team/base")));
    }

    @Test
    void cacheFromOfTheSameRegistryIsPulledAndOfAnotherIsSetApart() {
        CacheSources sources = CacheSources.choose(settings(CacheSettings.CacheMode.ON, null,
                        new CacheSettings.CacheImage(Optional.empty(), "team/base", new Tag("main")),
                        new CacheSettings.CacheImage(Optional.of(HOST), "app", new Tag("release")),
                        new CacheSettings.CacheImage(Optional.of("ghcr.io"), "someone/img", new Tag("1"))),
                HOST, "app", List.of(new Tag("1.2")), List.of(), false);
        assertEquals(Map.of("app", List.of("1.2", "latest", "release"), "team/base", List.of("main")),
                Map.of("app", names(sources.candidates().get("app")), "team/base",
                        names(sources.candidates().get("team/base"))));
        assertEquals(List.of("ghcr.io/someone/img:1"), sources.foreign());
    }

    @Test
    void offMeansNothing() {
        CacheSources sources = CacheSources.choose(settings(CacheSettings.CacheMode.OFF, "main"), HOST, "app",
                List.of(new Tag("1.2")), List.of(), true);
        assertEquals(Map.of(), sources.candidates());
    }

    @Test
    void namedIntermediateStagesOnly() {
        assertEquals(List.of("deps", "builder"), Dockerfile.parse(List.of(
                "# syntax comment", "from debian:bookworm as deps", "RUN apt-get update",
                "FROM --platform=linux/amd64 deps \\", "  AS Builder", "FROM scratch", "COPY --from=builder / /",
                "FROM scratch AS final")).intermediateStages());
        assertEquals(List.of(), Dockerfile.parse(List.of("FROM scratch AS only")).intermediateStages());
    }
}
