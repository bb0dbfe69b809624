package org.ecrpushpipe.publish;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

import org.ecrpushpipe.config.Tag;
import org.ecrpushpipe.registry.Digest;
import org.ecrpushpipe.registry.EcrRepositories;
import org.ecrpushpipe.registry.Registry;
import org.ecrpushpipe.registry.RegistryCredentials;
import org.ecrpushpipe.registry.Repository;
import org.ecrpushpipe.registry.TaggedImage;

/**
 * The registry side of a run, which runs while the engine builds: logs in, then makes the repository ready — in
 * ECR found or created, its lifecycle policy kept, archived tags named ({@link RepositoryPreparer}); another
 * registry creates it on the first push.
 *
 * <p>In ECR the login, the repository's description, its archived tags and what the tags being pushed name now are
 * asked at once (with the registry cache's own candidates, so the cache need not ask again), so the run waits for
 * one round trip to AWS, not four; only a repository that must be created or
 * given its lifecycle policy costs more. What the tags name serves the immutable-tag check before the push.
 */
final class PrepareStep {
    private final Login login;
    private final Registry registry;
    private final Optional<EcrRepositories> repositories;
    private final RunContext context;
    private final RepositoryPreparer preparer;

    /** @param repositories ECR's repository administration; empty for another registry */
    PrepareStep(Login login, Registry registry, Optional<EcrRepositories> repositories, RunContext context) {
        this.login = login;
        this.registry = registry;
        this.repositories = repositories;
        this.context = context;
        this.preparer = new RepositoryPreparer(context.events());
    }

    /**
     * The repository ready for the push.
     *
     * @param prepared the repository as the push will find it
     * @param host     the registry host to push to: the one IMAGE names, else the one the login names
     * @param known    what the tags being pushed and the registry cache's own candidates named when the run
     *                 began; empty when not asked (another registry), so each step asks itself
     */
    record Ready(RepositoryPreparer.Prepared prepared, String host, Optional<KnownTags> known) {
        Repository repository() {
            return prepared.repository();
        }

        /** What each tag being pushed (and each cache candidate) named when the run began, where it named one. */
        Optional<Map<Tag, TaggedImage>> tagged() {
            return known.map(KnownTags::held);
        }
    }

    Ready run(PublishRequest request) {
        String name = request.image().repository();
        if (repositories.isEmpty()) {
            String host = request.host().orElse(login.renew().registryHost());
            return new Ready(new RepositoryPreparer.Prepared(Repository.createdOnPush(host, name), Optional.empty(),
                    true), host, Optional.empty());
        }
        EcrRepositories ecr = repositories.get();
        CompletableFuture<Optional<Repository>> described = alongside(() -> ecr.repository(name));
        CompletableFuture<Map<Tag, Digest>> archived = alongside(() -> preparer.archivedTags(ecr, name));
        List<Tag> asked = CacheSources.withOwnCandidates(request.cache(), request.tags());
        CompletableFuture<Map<Tag, TaggedImage>> tagged = alongside(() -> registry.heldTags(name, asked));
        RegistryCredentials credentials = login.renew();
        String host = request.host().orElse(credentials.registryHost());
        RepositoryPreparer.Prepared prepared = preparer.prepare(ecr, join(described), name, request.repository(),
                host, request.region().orElseThrow());
        if (!prepared.existedBefore()) {
            return new Ready(prepared, host, Optional.of(new KnownTags(name, Set.copyOf(asked), Map.of())));
        }
        preparer.sayArchived(prepared, request.tags(), join(archived));
        return new Ready(prepared, host, Optional.of(new KnownTags(name, Set.copyOf(asked), join(tagged))));
    }

    /** After the push: what is left to do to a repository that ECR created on that push. */
    void afterPush(Ready ready, PublishRequest request) {
        repositories.ifPresent(r -> preparer.afterPush(r, ready.prepared(), request.repository()));
    }

    /** A call to the registry, started now on the background executor, alongside the others. */
    private <T> CompletableFuture<T> alongside(Supplier<T> call) {
        return CompletableFuture.supplyAsync(call, context.background());
    }

    /** A call's answer, or its failure as it was thrown. */
    private static <T> T join(CompletableFuture<T> call) {
        try {
            return call.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            throw e;
        }
    }
}
