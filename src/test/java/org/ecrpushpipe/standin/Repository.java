package org.ecrpushpipe.standin;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The settings ECR keeps for one repository (the images themselves live in the real registry; its {@link
 * #index()} notes which). Setters and getters are synchronized; {@link #manifestLock()} serialises manifest writes
 * so that the immutable-tag check, the write that follows it and its note in the index cannot interleave with
 * another writer.
 */
final class Repository {
    private final String name;
    private final Instant createdAt;
    private boolean scanOnPush;
    private final String encryptionType;
    private final String kmsKey;
    private final ReentrantLock manifestLock = new ReentrantLock();
    private final ImageIndex index = new ImageIndex();
    /** Manifest digests in ECR's archive storage class, with when they were archived. */
    private final Map<String, Instant> archived = new ConcurrentHashMap<>();
    private TagMutability mutability;
    private String lifecyclePolicy;
    private Instant lifecyclePolicySetAt;
    private final Map<String, String> tags = new LinkedHashMap<>();

    Repository(String name, Instant createdAt, TagMutability mutability, boolean scanOnPush, String encryptionType,
               String kmsKey, Map<String, String> tags) {
        this.name = name;
        this.createdAt = createdAt;
        this.mutability = mutability;
        this.scanOnPush = scanOnPush;
        this.encryptionType = encryptionType;
        this.kmsKey = kmsKey;
        this.tags.putAll(tags);
    }

    String name() {
        return name;
    }

    Instant createdAt() {
        return createdAt;
    }

    synchronized boolean scanOnPush() {
        return scanOnPush;
    }

    /** PutImageScanningConfiguration's setting: whether each image pushed is scanned. */
    synchronized void scanOnPush(boolean scan) {
        this.scanOnPush = scan;
    }

    String encryptionType() {
        return encryptionType;
    }

    String kmsKey() {
        return kmsKey;
    }

    ReentrantLock manifestLock() {
        return manifestLock;
    }

    /** The images the repository holds, as the stand-in keeps them (see {@link RepositoryImages}). */
    ImageIndex index() {
        return index;
    }

    synchronized TagMutability mutability() {
        return mutability;
    }

    synchronized void mutability(TagMutability mutability) {
        this.mutability = mutability;
    }

    synchronized String lifecyclePolicy() {
        return lifecyclePolicy;
    }

    synchronized Instant lifecyclePolicySetAt() {
        return lifecyclePolicySetAt;
    }

    synchronized void lifecyclePolicy(String text, Instant at) {
        this.lifecyclePolicy = text;
        this.lifecyclePolicySetAt = at;
    }

    synchronized Map<String, String> tags() {
        return Map.copyOf(tags);
    }

    /** Adds or replaces tags; fails with ECR's TooManyTagsException beyond 50 tags. */
    synchronized void tag(Map<String, String> added) {
        Map<String, String> merged = new LinkedHashMap<>(tags);
        merged.putAll(added);
        if (merged.size() > 50) {
            throw new EcrError("TooManyTagsException", "A resource can have at most 50 tags.");
        }
        tags.clear();
        tags.putAll(merged);
    }

    /** Moves an image to the archive storage class: it can be described, not pulled. */
    void archive(String digest, Instant at) {
        archived.put(digest, at);
    }

    /** Back to the standard storage class (UpdateImageStorageClass STANDARD, or a push of the same image). */
    void restore(String digest) {
        archived.remove(digest);
    }

    boolean hasArchived() {
        return !archived.isEmpty();
    }

    boolean isArchived(String digest) {
        return archived.containsKey(digest);
    }

    Instant archivedAt(String digest) {
        return archived.get(digest);
    }
}
