package org.ecrpushpipe.standin;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The repositories created through the control plane, in creation order. Thread-safe. */
final class RepositoryCatalog {
    private final String accountId;
    private final Map<String, Repository> repositories = new LinkedHashMap<>();

    RepositoryCatalog(String accountId) {
        this.accountId = accountId;
    }

    synchronized Repository add(Repository repository) {
        if (repositories.containsKey(repository.name())) {
            throw EcrError.repositoryAlreadyExists(repository.name(), accountId);
        }
        repositories.put(repository.name(), repository);
        return repository;
    }

    synchronized Optional<Repository> find(String name) {
        return Optional.ofNullable(repositories.get(name));
    }

    Repository require(String name) {
        return find(name).orElseThrow(() -> EcrError.repositoryNotFound(name, accountId));
    }

    synchronized List<Repository> all() {
        return new ArrayList<>(repositories.values());
    }
}
