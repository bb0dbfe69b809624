package org.ecrpushpipe.docker;

import java.util.List;
import java.util.Optional;

/**
 * What the classic builder may reuse, and which stage to stop at for a stage's cache image.
 *
 * @param sources images the engine holds (pulled from the registry), by name or id, whose layers a step may be taken from
 *                ({@code docker build --cache-from}): a step hits when its instruction and the layers before it
 *                match the image's history, so an image pulled on a fresh engine serves as well as a local build
 * @param stage   the stage to build instead of the whole Dockerfile ({@code --target}), for a stage's cache image
 */
public record BuildCache(List<String> sources, Optional<String> stage) {
    /** No cache sources: the engine's own local cache only. */
    public static final BuildCache NONE = new BuildCache(List.of(), Optional.empty());

    public BuildCache {
        sources = List.copyOf(sources);
    }
}
