package org.ecrpushpipe.publish;

import java.util.Optional;

import org.ecrpushpipe.registry.EcrRepositories;
import org.ecrpushpipe.registry.RegistryCredentials;
import org.ecrpushpipe.registry.Repository;

/**
 * The registry side of a run, which runs while the engine builds: logs in, then makes the repository ready — in
 * ECR found or created, its lifecycle policy kept, archived tags named ({@link RepositoryPreparer}); another
 * registry creates it on the first push.
 */
final class PrepareStep {
    private final Login login;
    private final Optional<EcrRepositories> repositories;
    private final RepositoryPreparer preparer;

    /** @param repositories ECR's repository administration; empty for another registry */
    PrepareStep(Login login, Optional<EcrRepositories> repositories, PublishEvents events) {
        this.login = login;
        this.repositories = repositories;
        this.preparer = new RepositoryPreparer(events);
    }

    /**
     * The repository ready for the push.
     *
     * @param prepared the repository as the push will find it
     * @param host     the registry host to push to: the one IMAGE names, else the one the login names
     */
    record Ready(RepositoryPreparer.Prepared prepared, String host) {
        Repository repository() {
            return prepared.repository();
        }
    }

    Ready run(PublishRequest request) {
        RegistryCredentials credentials = login.renew();
        String host = request.host().orElse(credentials.registryHost());
        String name = request.image().repository();
        if (repositories.isEmpty()) {
            return new Ready(new RepositoryPreparer.Prepared(Repository.createdOnPush(host, name), Optional.empty(),
                    true), host);
        }
        RepositoryPreparer.Prepared prepared = preparer.prepare(repositories.get(), name, request.repository(), host,
                request.region().orElseThrow());
        preparer.sayArchived(repositories.get(), prepared, request.tags());
        return new Ready(prepared, host);
    }

    /** After the push: what is left to do to a repository that ECR created on that push. */
    void afterPush(Ready ready, PublishRequest request) {
        repositories.ifPresent(r -> preparer.afterPush(r, ready.prepared(), request.repository()));
    }
}
