package org.ecrpushpipe.config;

import java.util.List;
import java.util.Optional;

/**
 * The registry layer cache: CACHE, CACHE_FROM, and the branch's tag as a cache candidate.
 *
 * @param mode             whether previous images are pulled as cache sources, and whether stages are too
 * @param cacheFrom        images of the user's own to use as cache sources too (CACHE_FROM), in the order given
 * @param branchTag        the build's branch as a Docker tag (BITBUCKET_BRANCH cleaned as for TAGS), a cache
 *                         candidate after the tags being pushed
 */
public record CacheSettings(CacheMode mode, List<CacheImage> cacheFrom, Optional<Tag> branchTag) {
    /** No registry cache: for tests that are not about it. */
    public static final CacheSettings NONE = new CacheSettings(CacheMode.OFF, List.of(), Optional.empty());

    public CacheSettings {
        cacheFrom = List.copyOf(cacheFrom);
    }

    /** The values of CACHE. */
    public enum CacheMode {
        /** {@code true} (the default): the previous images of the repository are pulled and used as cache sources. */
        ON,
        /** {@code false}: only the engine's own local cache. */
        OFF,
        /**
         * {@code stages}: as {@code true}, and every named intermediate stage of a multi-stage Dockerfile is also
         * built alone and pushed under {@code cache-<stage>}, to be used as a cache source next time.
         */
        STAGES;

        public boolean pulls() {
            return this != OFF;
        }
    }

    /**
     * An image named in CACHE_FROM.
     *
     * @param registryHost the registry it names; empty for a repository of the run's own registry
     * @param repository   the repository's name in that registry
     * @param tag          the tag ({@code latest} when none was written)
     */
    public record CacheImage(Optional<String> registryHost, String repository, Tag tag) {
        @Override
        public String toString() {
            return registryHost.map(h -> h + "/").orElse("") + repository + ":" + tag;
        }
    }
}
