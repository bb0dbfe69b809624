package org.ecrpushpipe.standin;

import java.time.Clock;
import java.util.Optional;

/**
 * ECR's create on push: a push naming a repository that does not exist creates it when a repository creation
 * template with {@code CREATE_ON_PUSH} covers the name, with the template's settings (lifecycle policy included).
 */
final class CreateOnPush {
    private final RepositoryCatalog catalog;
    private final CreationTemplates templates;
    private final Clock clock;

    CreateOnPush(RepositoryCatalog catalog, CreationTemplates templates, Clock clock) {
        this.catalog = catalog;
        this.templates = templates;
        this.clock = clock;
    }

    /** The repository created for this push, or the one a concurrent push created; empty when no template covers it. */
    Optional<Repository> create(String name) {
        Optional<CreationTemplates.Template> template = templates.applying(name, "CREATE_ON_PUSH");
        if (template.isEmpty()) {
            return Optional.empty();
        }
        CreationTemplates.Template t = template.get();
        try {
            Repository repository = catalog.add(new Repository(name, clock.instant(), t.mutability(), false,
                    t.encryptionType(), t.kmsKey(), t.resourceTags()));
            if (t.lifecyclePolicy() != null) {
                repository.lifecyclePolicy(t.lifecyclePolicy(), clock.instant());
            }
            return Optional.of(repository);
        } catch (EcrError alreadyExists) {
            return catalog.find(name);
        }
    }
}
