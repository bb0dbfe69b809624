package org.ecrpushpipe.standin;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** The access keys the API accepts, by access key id. Thread-safe. */
final class Identities {
    private final Map<String, AccessKey> keys = new ConcurrentHashMap<>();

    void add(AccessKey key) {
        keys.put(key.accessKeyId(), key);
    }

    Optional<AccessKey> find(String accessKeyId) {
        return Optional.ofNullable(keys.get(accessKeyId));
    }
}
