package org.ecrpushpipe.publish;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import org.ecrpushpipe.config.RepositorySettings;
import org.ecrpushpipe.config.Tag;
import org.ecrpushpipe.errors.Failures;
import org.ecrpushpipe.errors.PipeException;
import org.ecrpushpipe.registry.ContainerRegistry;
import org.ecrpushpipe.registry.Digest;
import org.ecrpushpipe.registry.RegistriesByRegion;
import org.ecrpushpipe.registry.Repository;
import org.ecrpushpipe.registry.TagAndDigest;

/**
 * Mirroring (MIRROR_REGIONS): the same image — the same digest, the same tags — in the repository of the same name
 * in other regions of the account, each region through its own registry and login.
 * <ul>
 * <li>A built image goes through the engine once per region (tagged with the region's registry host, pushed with
 * that region's login): the layers are uploaded once per region, and the manifest is the same bytes, so the digest
 * is the same — which is checked, tag by tag, in every region.</li>
 * <li>A promoted image (SOURCE_TAG) is tagged in each region on the registry's side, as in its own region: the
 * region must already hold the image (mirrored when it was pushed), since promotion uploads no layers; a region
 * that lacks it fails, saying so.</li>
 * </ul>
 * Regions are done one after the other, after the image's own region. A region that fails does not stop the
 * others; the run then fails with the first region's failure, and a re-run completes what is missing (immutable
 * tags that already name the image need nothing).
 */
public final class RegionMirror {
    private final RegistriesByRegion registries;
    private final List<String> regions;
    private final String repositoryName;
    private final PublishEvents events;
    private final Function<ContainerRegistry, Publisher> publishers;
    private final Promoter promoter;
    /** The repository in each mirror region, as {@link #prepare} found or created it. */
    private final Map<String, RepositoryPreparer.Prepared> prepared = new ConcurrentHashMap<>();
    /** CREATE_REPOSITORY's settings and the lifecycle policy, the same in every region. */
    private volatile RepositorySettings settings = RepositorySettings.NONE;
    /** What each region held after the last {@link #mirror} call, also when it failed. */
    private volatile List<RegionOutcome> outcomes = List.of();

    /**
     * @param regions    the mirror regions, never the image's own
     * @param publishers a publisher that pushes built images through a region's registry
     * @param promoter   adds tags on the registry's side, for promoted images
     */
    public RegionMirror(RegistriesByRegion registries, List<String> regions, String repositoryName,
                        PublishEvents events, Function<ContainerRegistry, Publisher> publishers, Promoter promoter) {
        this.registries = registries;
        this.regions = List.copyOf(regions);
        this.repositoryName = repositoryName;
        this.events = events;
        this.publishers = publishers;
        this.promoter = promoter;
    }

    /**
     * Before anything is built or pushed, each mirror region's repository as in the image's own region: found, or
     * created with CREATE_REPOSITORY's settings (or left to a creation template that creates it on push), its
     * lifecycle policy kept. Without CREATE_REPOSITORY, one failure names every region that lacks the repository.
     *
     * @param homeHost   the registry host IMAGE names, when it names one (for the URIs of repositories not there yet)
     * @param homeRegion the image's own region
     */
    public void prepare(RepositorySettings settings, Optional<String> homeHost, String homeRegion) {
        this.settings = settings;
        RepositoryPreparer preparer = new RepositoryPreparer(events);
        List<String> missing = new ArrayList<>();
        for (String region : regions) {
            ContainerRegistry registry = registries.in(region);
            String host = homeHost.map(h -> h.replace("." + homeRegion + ".", "." + region + ".")).orElse(region);
            try {
                prepared.put(region, preparer.prepare(registry, repositoryName, settings, host, region));
            } catch (PipeException.Push failure) {
                if (settings.create() || registry.repository(repositoryName).isPresent()) {
                    throw failure;
                }
                missing.add(region);
            }
        }
        if (!missing.isEmpty()) {
            throw Failures.mirrorRepositoriesMissing(repositoryName, missing);
        }
    }

    /**
     * Puts the image of {@code home} (the run's result in the image's own region) into every mirror region.
     *
     * @param promoted whether the image was promoted (registry side only) rather than built
     * @return {@code home} with one outcome per region, its own first
     * @throws PipeException the first region's failure, once every region was tried
     */
    public PublishResult mirror(PublishResult home, String homeRegion, List<Tag> tags, boolean promoted) {
        List<RegionOutcome> outcomes = new ArrayList<>();
        outcomes.add(RegionOutcome.done(homeRegion, home.repositoryUri(), home.tags()));
        if (regions.isEmpty()) {
            this.outcomes = List.copyOf(outcomes);
            return home.withRegions(outcomes);
        }
        Digest digest = home.tags().get(0).digest();
        PipeException firstFailure = null;
        for (String region : regions) {
            events.info("Mirroring " + digest + " to " + region + ".");
            try {
                List<PushedTag> pushed = promoted ? promoteIn(region, digest, tags)
                        : publishers.apply(registries.in(region)).pushBuilt(region, preparedIn(region), settings,
                        tags, home.imageId());
                for (PushedTag tag : pushed) {
                    if (!tag.digest().equals(digest)) {
                        throw Failures.mirrorDigestDiffers(region, tag.reference().toString(), tag.digest().value(),
                                digest.value());
                    }
                }
                outcomes.add(RegionOutcome.done(region, pushed.get(0).reference().repositoryUri(), pushed));
            } catch (PipeException.Cancelled stopped) {
                throw stopped;
            } catch (PipeException failure) {
                outcomes.add(new RegionOutcome(region, repositoryUriIn(home, homeRegion, region), Optional.empty(), List.of(),
                        RegionOutcome.Status.FAILED, Optional.of(failure.getMessage())));
                if (firstFailure == null) {
                    firstFailure = failure;
                }
            }
        }
        outcomes.forEach(events::region);
        this.outcomes = List.copyOf(outcomes);
        if (firstFailure != null) {
            throw firstFailure;
        }
        return home.withRegions(outcomes);
    }

    /**
     * What each region holds after the last {@link #mirror} call, the image's own region first — also when that
     * call threw because a region failed (a results file can then still say which regions are done); empty before.
     */
    public List<RegionOutcome> outcomes() {
        return outcomes;
    }

    /** The repository {@link #prepare} found or created in a region (looked up now when it was not called). */
    private RepositoryPreparer.Prepared preparedIn(String region) {
        RepositoryPreparer.Prepared ready = prepared.get(region);
        if (ready != null) {
            return ready;
        }
        Repository repository = registries.in(region).repository(repositoryName).orElseThrow(() ->
                Failures.mirrorRepositoriesMissing(repositoryName, List.of(region)));
        return new RepositoryPreparer.Prepared(repository, Optional.empty(), true);
    }

    /** A promoted image's tags in a mirror region, which must already hold the image. */
    private List<PushedTag> promoteIn(String region, Digest digest, List<Tag> tags) {
        ContainerRegistry registry = registries.in(region);
        Repository repository = preparedIn(region).repository();
        TagAndDigest held = registry.images(repositoryName, tags.get(0), digest);
        if (held.digest().isEmpty()) {
            throw archivedIn(registry, digest) ? Failures.mirrorImageArchived(region, repository.uri(), digest.value())
                    : Failures.mirrorLacksImage(region, repository.uri(), digest.value());
        }
        return promoter.addTags(registry, repository, Promoter.hostOf(repository), digest, tags);
    }

    /**
     * Whether the region holds the image in ECR's archive storage class (BatchGetImage does not return it); a
     * principal not allowed ecr:DescribeImages is told the region lacks it.
     */
    private boolean archivedIn(ContainerRegistry registry, Digest digest) {
        try {
            return registry.archivedTags(repositoryName).containsValue(digest);
        } catch (PipeException.Authentication e) {
            events.debug("Not looking for archived images: " + e.getMessage());
            return false;
        }
    }

    /** The repository's URI in a region that failed: the home URI with the region's name in its host. */
    private static String repositoryUriIn(PublishResult home, String homeRegion, String region) {
        return home.repositoryUri().replace("." + homeRegion + ".", "." + region + ".");
    }
}
