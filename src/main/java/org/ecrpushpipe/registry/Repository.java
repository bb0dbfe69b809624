package org.ecrpushpipe.registry;

/**
 * An ECR repository as the registry describes it.
 *
 * @param name         the repository name
 * @param uri          the repository URI ({@code <registry host>/<name>})
 * @param tagMutability ECR's mutability setting: MUTABLE, IMMUTABLE, or one of the *_WITH_EXCLUSION kinds
 */
public record Repository(String name, String uri, String tagMutability) {
}
