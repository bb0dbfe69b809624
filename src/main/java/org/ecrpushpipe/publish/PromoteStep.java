package org.ecrpushpipe.publish;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import org.ecrpushpipe.config.ImageRef;
import org.ecrpushpipe.config.ReleaseSettings;
import org.ecrpushpipe.config.Tag;
import org.ecrpushpipe.errors.Failures;
import org.ecrpushpipe.errors.PipeException;
import org.ecrpushpipe.registry.Digest;
import org.ecrpushpipe.registry.EcrRepositories;
import org.ecrpushpipe.registry.Registry;
import org.ecrpushpipe.registry.Repository;
import org.ecrpushpipe.registry.TagAndDigest;
import org.ecrpushpipe.registry.TaggedImage;

/**
 * Promotion without a rebuild (SOURCE_TAG, SOURCE_DIGEST): gives an image already in the repository more tags, on
 * the registry's side only — ECR's BatchGetImage, then PutImage with the same manifest and media type — so nothing
 * is built, pulled or uploaded, and the digest stays the one that was tested. The rules of a push hold
 * ({@link RegistryTags}).
 */
final class PromoteStep {
    private final Registry registry;
    private final EcrRepositories repositories;
    private final RunContext context;
    private final Optional<ScanGateStep> gate;

    PromoteStep(Registry registry, EcrRepositories repositories, RunContext context) {
        this(registry, repositories, context, Optional.empty());
    }

    /** @param gate the scan gate the image passes before it gets any tag (SCAN_FAIL_ON) */
    PromoteStep(Registry registry, EcrRepositories repositories, RunContext context, Optional<ScanGateStep> gate) {
        this.registry = registry;
        this.repositories = repositories;
        this.context = context;
        this.gate = gate;
    }

    /**
     * Adds {@code request.tags()} to the image {@code source} names.
     *
     * @throws PipeException.Configuration when the source is not in the repository
     */
    PublishResult promote(PublishRequest request, ReleaseSettings source) {
        ImageRef image = request.image();
        String name = image.repository();
        String region = request.region().orElseThrow();
        context.events().info("Promoting in Amazon ECR in " + region + ": nothing is built, pulled or uploaded.");
        Repository repository = repositories.repository(name).orElseThrow(() -> Failures.repositoryMissing(name,
                image.registry().map(ImageRef.EcrRegistryHost::host).orElse("the account's registry"), region,
                null));
        long start = context.nanoTime().getAsLong();
        TaggedImage found = find(repository, source, request.tags().get(0));
        // a promotion keeps the lifecycle policy as a push does (CREATE_REPOSITORY does not go with a promotion)
        new RepositoryPreparer(context.events()).keepLifecyclePolicy(repositories, name, request.repository());
        Digest digest = found.manifestDigest();
        context.events().info("Promoting " + sourceName(repository, source)
                + (source.sourceTag().isPresent() ? " (" + digest + ")" : "") + ".");
        gate.ifPresent(g -> passGate(g, repository, digest, request.tags()));
        List<PushedTag> tagged = new RegistryTags(context).add(registry, repository, hostOf(repository), digest,
                request.tags());
        return new PublishResult(repository.uri(), found.imageId().orElse(digest), tagged, Duration.ZERO,
                context.since(start));
    }

    /**
     * The scan gate, before any tag is added: immutable tags that name another image fail first (the scan can take
     * minutes), then the image's scan decides. The image keeps the tag it was promoted from whatever it decides.
     */
    private void passGate(ScanGateStep gate, Repository repository, Digest digest, List<Tag> tags) {
        List<String> held = ScanGateStep.heldByOthers(registry, repository, tags, Optional.empty(),
                t -> t.manifestDigest().equals(digest));
        if (!held.isEmpty()) {
            throw Failures.promotionTagsHeld(held, repository.uri(), digest.value());
        }
        gate.check(repository, digest, Optional.empty());
    }

    /** The image to promote, as the registry holds it. */
    private TaggedImage find(Repository repository, ReleaseSettings source, Tag anyTag) {
        String name = repository.name();
        if (source.sourceTag().isPresent()) {
            Tag tag = source.sourceTag().get();
            return registry.image(name, tag).orElseThrow(() -> sourceNotThere(name, "SOURCE_TAG", tag.value(),
                    repository.uri(), archived -> Optional.ofNullable(archived.get(tag))));
        }
        String digest = source.sourceDigest().orElseThrow();
        TagAndDigest held = registry.images(name, anyTag, Digest.of(digest));
        return held.digest().orElseThrow(() -> sourceNotThere(name, "SOURCE_DIGEST", digest, repository.uri(),
                archived -> archived.values().stream().filter(d -> d.value().equals(digest)).findFirst()));
    }

    private static String sourceName(Repository repository, ReleaseSettings source) {
        return source.sourceTag().map(t -> repository.uri() + ":" + t)
                .orElseGet(() -> repository.uri() + "@" + source.sourceDigest().orElseThrow());
    }

    /**
     * Why the image to promote cannot be read: it is in ECR's archive storage class (BatchGetImage does not return an
     * archived image), or it is not in the repository. A principal not allowed ecr:DescribeImages is told the latter.
     */
    private PipeException sourceNotThere(String name, String variable, String source, String uri,
                                         Function<Map<Tag, Digest>, Optional<Digest>> archivedSource) {
        Optional<Digest> archived = Optional.empty();
        try {
            archived = archivedSource.apply(repositories.archivedTags(name));
        } catch (PipeException.Authentication e) {
            context.events().debug("Not looking for archived images: " + e.getMessage());
        }
        return archived.map(d -> Failures.promotionSourceArchived(variable, source, uri, d.value()))
                .orElseGet(() -> Failures.promotionSourceMissing(variable, source, uri));
    }

    /** The registry host of a repository, from ECR's repositoryUri ({@code <host>/<name>}). */
    static String hostOf(Repository repository) {
        return repository.uri().substring(0, repository.uri().length() - repository.name().length() - 1);
    }
}
