package org.ecrpushpipe.standin;

/** A manifest as the real registry serves it: its digest, media type and exact bytes. */
record RegistryManifest(String digest, String mediaType, byte[] bytes) {
}
