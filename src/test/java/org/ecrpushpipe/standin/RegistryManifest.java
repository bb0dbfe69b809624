package org.ecrpushpipe.standin;

/** A manifest as the real registry serves it: its digest, media type and exact bytes. */
record RegistryManifest(String digest, String mediaType, byte[] bytes) {
    /** The content digest of manifest bytes, as registries and ECR compute it. */
    static String digestOf(byte[] bytes) {
        return "sha256:" + SigV4Verifier.hex(SigV4Verifier.sha256(bytes));
    }
}
