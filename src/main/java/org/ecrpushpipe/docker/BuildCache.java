package org.ecrpushpipe.docker;

import java.util.List;
import java.util.Optional;

/**
 * What a build may reuse, which stage to stop at for a stage's cache image, and whether the image it makes can be
 * reused in turn.
 *
 * @param sources images the engine holds (pulled from the registry), by name or id, whose layers a step may be taken from
 *                ({@code docker build --cache-from}): a step hits when its instruction and the layers before it
 *                match the image's history, so an image pulled on a fresh engine serves as well as a local build
 * @param stage   the stage to build instead of the whole Dockerfile ({@code --target}), for a stage's cache image
 * @param inline  whether the built image carries the metadata that lets it serve as a cache source next time, where
 *                the builder needs it written (BuildKit's inline cache; the classic builder's images always serve)
 */
public record BuildCache(List<String> sources, Optional<String> stage, boolean inline) {
    /** No cache sources: the engine's own local cache only. */
    public static final BuildCache NONE = new BuildCache(List.of(), Optional.empty(), false);

    public BuildCache {
        sources = List.copyOf(sources);
    }
}
