package org.ecrpushpipe.publish;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.ecrpushpipe.config.CacheSettings;
import org.ecrpushpipe.config.Tag;
import org.ecrpushpipe.registry.ImageReference;

/**
 * Which previous images are worth pulling as cache sources, most relevant first: the tags about to be pushed (the
 * same build's last image), the branch's tag, {@code latest}, with {@code CACHE=stages} the stages' cache tags,
 * then the user's own {@code CACHE_FROM}. Only images of the run's own registry can be pulled (the run has no
 * login for another); those of other registries are set apart, for a warning.
 *
 * @param candidates images of the run's registry to look for, grouped by repository, in order
 * @param foreign    CACHE_FROM images of registries the run has no credentials for
 */
public record CacheSources(Map<String, List<ImageReference>> candidates, List<String> foreign) {
    /** The tag prefix of a stage's cache image: {@code cache-<stage>}. */
    public static final String STAGE_TAG_PREFIX = "cache-";
    /**
     * The tag of the image's own cache image under BuildKit: the image built again with BuildKit's cache metadata
     * written into it, which is what lets BuildKit take steps from an image (the pushed image carries none).
     */
    public static final Tag IMAGE_CACHE_TAG = new Tag("cache");

    /**
     * @param registryHost the run's registry
     * @param repository   the run's repository
     * @param tags         the tags about to be pushed
     * @param stages       the Dockerfile's named intermediate stages (used with {@code CACHE=stages})
     * @param buildKit     whether BuildKit builds: it takes steps only from images that carry its cache metadata,
     *                     so the repository's own candidates are its cache images, not the pushed tags
     */
    public static CacheSources choose(CacheSettings settings, String registryHost, String repository, List<Tag> tags,
                                      List<String> stages, boolean buildKit) {
        if (!settings.mode().pulls()) {
            return new CacheSources(Map.of(), List.of());
        }
        Set<ImageReference> ordered = new LinkedHashSet<>();
        List<Tag> own = new ArrayList<>();
        if (buildKit) {
            own.add(IMAGE_CACHE_TAG);
        } else {
            own.addAll(tags);
            settings.branchTag().ifPresent(own::add);
            own.add(new Tag("latest"));
        }
        if (settings.mode() == CacheSettings.CacheMode.STAGES) {
            stages.forEach(stage -> own.add(stageTag(stage)));
        }
        own.forEach(tag -> ordered.add(new ImageReference(registryHost, repository, tag)));
        List<String> foreign = new ArrayList<>();
        for (CacheSettings.CacheImage image : settings.cacheFrom()) {
            String host = image.registryHost().orElse(registryHost);
            if (host.equals(registryHost)) {
                ordered.add(new ImageReference(host, image.repository(), image.tag()));
            } else {
                foreign.add(image.toString());
            }
        }
        Map<String, List<ImageReference>> byRepository = new LinkedHashMap<>();
        ordered.forEach(r -> byRepository.computeIfAbsent(r.repository(), k -> new ArrayList<>()).add(r));
        byRepository.replaceAll((k, v) -> List.copyOf(v));
        return new CacheSources(Collections.unmodifiableMap(byRepository), List.copyOf(foreign));
    }

    /**
     * The tags being pushed and, when the cache pulls, the repository's own candidates whatever the builder
     * ({@code cache}, the branch's tag, {@code latest}): what the registry side asks of the repository at once, so
     * that the cache finds its answer there. Stages' cache tags are asked by the cache itself.
     */
    public static List<Tag> withOwnCandidates(CacheSettings settings, List<Tag> tags) {
        Set<Tag> asked = new LinkedHashSet<>(tags);
        if (settings.mode().pulls()) {
            settings.branchTag().ifPresent(asked::add);
            asked.add(new Tag("latest"));
            asked.add(IMAGE_CACHE_TAG);
        }
        return List.copyOf(asked);
    }

    /** The cache tag of a stage: {@code cache-<stage>}, cut to Docker's 128 characters. */
    public static Tag stageTag(String stage) {
        String tag = STAGE_TAG_PREFIX + stage;
        return new Tag(tag.length() > Tag.MAX_LENGTH ? tag.substring(0, Tag.MAX_LENGTH) : tag);
    }
}
