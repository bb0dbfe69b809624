package org.ecrpushpipe.registry;

import org.ecrpushpipe.config.Tag;

/**
 * One tag of a repository, as Docker names it: {@code <registry host>/<repository>:<tag>}. The one place where
 * that name is put together.
 *
 * @param registryHost the registry's host name (and port, if any)
 * @param repository   the repository's name in the registry
 * @param tag          the tag
 */
public record ImageReference(String registryHost, String repository, Tag tag) {

    /** {@code <registry host>/<repository>}, the name Docker tags and pushes. */
    public String repositoryUri() {
        return registryHost + "/" + repository;
    }

    /** The same repository under another tag. */
    public ImageReference withTag(Tag other) {
        return new ImageReference(registryHost, repository, other);
    }

    @Override
    public String toString() {
        return repositoryUri() + ":" + tag;
    }
}
