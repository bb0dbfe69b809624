package org.ecrpushpipe.registry;

/**
 * The account's registries, one per AWS region: each answers for its own region, with its own login, and the same
 * credentials. Used to put an image into other regions (MIRROR_REGIONS).
 */
@FunctionalInterface
public interface RegistriesByRegion {

    /** The account's ECR registry in {@code region}; the same one for every call with that region. */
    RegionalEcr in(String region);
}
