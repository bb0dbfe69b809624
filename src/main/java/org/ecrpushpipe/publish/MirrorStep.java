package org.ecrpushpipe.publish;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import org.ecrpushpipe.config.RepositorySettings;
import org.ecrpushpipe.config.Tag;
import org.ecrpushpipe.docker.DockerEngine;
import org.ecrpushpipe.errors.Failures;
import org.ecrpushpipe.errors.PipeException;
import org.ecrpushpipe.errors.RegistryKind;
import org.ecrpushpipe.registry.Digest;
import org.ecrpushpipe.registry.Manifest;
import org.ecrpushpipe.registry.RegionalEcr;
import org.ecrpushpipe.registry.RegistriesByRegion;
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
 * <li>A multi-platform image (PLATFORM_TAGS) is written in each region on the registry's side, the same manifest
 * text, so the same digest: every region must hold the images it names, which is checked in every region before it
 * is written anywhere ({@link #checkHeld}).</li>
 * </ul>
 * Regions are done one after the other, after the image's own region. A region that fails does not stop the
 * others; the run then fails with the first region's failure, and a re-run completes what is missing (immutable
 * tags that already name the image need nothing).
 */
final class MirrorStep {
    private final RegistriesByRegion registries;
    private final List<String> regions;
    private final String repositoryName;
    private final DockerEngine engine;
    private final RunContext context;

    /** @param regions the mirror regions, never the image's own */
    MirrorStep(RegistriesByRegion registries, List<String> regions, String repositoryName, DockerEngine engine,
               RunContext context) {
        this.registries = registries;
        this.regions = List.copyOf(regions);
        this.repositoryName = repositoryName;
        this.engine = engine;
        this.context = context;
    }

    /**
     * The repository in each mirror region, made ready before anything is built or pushed.
     *
     * @param settings CREATE_REPOSITORY's settings and the lifecycle policy, the same in every region
     * @param byRegion each region's repository, as found or created
     */
    record Prepared(RepositorySettings settings, Map<String, RepositoryPreparer.Prepared> byRegion) {
        static Prepared none() {
            return new Prepared(RepositorySettings.NONE, Map.of());
        }
    }

    /**
     * What the regions hold after mirroring, the image's own region first — also when a region failed, so a results
     * file can still say which regions are done.
     *
     * @param failure the first region's failure, thrown by {@link #orThrow()}
     */
    record Mirrored(PublishResult result, List<RegionOutcome> outcomes, Optional<PipeException> failure) {
        /** The result with every region's outcome, or the first region's failure. */
        PublishResult orThrow() {
            if (failure.isPresent()) {
                throw failure.get();
            }
            return result.withRegions(outcomes);
        }
    }

    /**
     * Before anything is built or pushed, each mirror region's repository as in the image's own region: found, or
     * created with CREATE_REPOSITORY's settings (or left to a creation template that creates it on push), its
     * lifecycle policy kept. Without CREATE_REPOSITORY, one failure names every region that lacks the repository.
     *
     * @param homeHost   the registry host IMAGE names, when it names one (for the URIs of repositories not there yet)
     * @param homeRegion the image's own region
     */
    Prepared prepare(RepositorySettings settings, Optional<String> homeHost, String homeRegion) {
        RepositoryPreparer preparer = new RepositoryPreparer(context.events());
        Map<String, RepositoryPreparer.Prepared> prepared = new LinkedHashMap<>();
        List<String> missing = new ArrayList<>();
        for (String region : regions) {
            RegionalEcr ecr = registries.in(region);
            String host = homeHost.map(h -> h.replace("." + homeRegion + ".", "." + region + ".")).orElse(region);
            try {
                prepared.put(region, preparer.prepare(ecr.repositories(), repositoryName, settings, host, region));
            } catch (PipeException.Push failure) {
                if (settings.create() || ecr.repositories().repository(repositoryName).isPresent()) {
                    throw failure;
                }
                missing.add(region);
            }
        }
        if (!missing.isEmpty()) {
            throw Failures.mirrorRepositoriesMissing(repositoryName, missing);
        }
        return new Prepared(settings, prepared);
    }

    /**
     * Puts the image of {@code home} (the run's result in the image's own region) into every mirror region.
     *
     * @param promoted whether the image was promoted (registry side only) rather than built
     */
    Mirrored mirror(PublishResult home, String homeRegion, List<Tag> tags, boolean promoted, Prepared prepared) {
        Digest digest = home.tags().isEmpty() ? home.imageId() : home.tags().get(0).digest();
        return mirror(home, homeRegion, digest, region -> promoted ? promoteIn(region, digest, tags, prepared)
                : pushIn(region, home.imageId(), tags, prepared));
    }

    /**
     * Before anything is written anywhere, whether every mirror region holds every manifest a multi-platform image
     * names (PLATFORM_TAGS): they were mirrored when they were pushed, since the index is written there alone.
     *
     * @param entries each manifest the index names, with what to call it in a message
     * @param prepared each region's repository, as {@link #prepare} found it
     * @throws PipeException naming the first region that lacks any, and all that it lacks
     */
    void checkHeld(Map<Digest, String> entries, Prepared prepared) {
        for (String region : regions) {
            RegionalEcr ecr = registries.in(region);
            List<String> lacking = entries.entrySet().stream()
                    .filter(e -> ecr.registry().manifest(repositoryName, e.getKey().value()).isEmpty())
                    .map(Map.Entry::getValue).toList();
            if (!lacking.isEmpty()) {
                throw Failures.mirrorLacksPlatformImages(region, preparedIn(region, prepared).repository().uri(),
                        lacking);
            }
            context.events().debug("Mirror region " + region + " holds every image of the multi-platform image.");
        }
    }

    /** Writes a multi-platform image {@code index} in every mirror region, under {@code tags}. */
    Mirrored mirrorIndex(PublishResult home, String homeRegion, List<Tag> tags, Manifest index, Prepared prepared) {
        return mirror(home, homeRegion, index.digest(), region -> {
            RegionalEcr ecr = registries.in(region);
            RepositoryPreparer.Prepared ready = preparedIn(region, prepared);
            return new RegistryTags(context).put(ecr.registry(), ready.repository(),
                    PromoteStep.hostOf(ready.repository()), index, tags);
        });
    }

    /** Puts the image of digest {@code digest} into every mirror region, each as {@code into} does it. */
    private Mirrored mirror(PublishResult home, String homeRegion, Digest digest,
                            Function<String, List<PushedTag>> into) {
        List<RegionOutcome> outcomes = new ArrayList<>();
        outcomes.add(RegionOutcome.done(homeRegion, home.repositoryUri(), home.tags()));
        if (regions.isEmpty()) {
            return new Mirrored(home, outcomes, Optional.empty());
        }
        PipeException firstFailure = null;
        for (String region : regions) {
            context.events().info("Mirroring " + digest + " to " + region + ".");
            try {
                List<PushedTag> pushed = into.apply(region);
                checkDigests(region, pushed, digest);
                outcomes.add(RegionOutcome.done(region, pushed.get(0).reference().repositoryUri(), pushed));
            } catch (PipeException.Cancelled stopped) {
                throw stopped;
            } catch (PipeException failure) {
                outcomes.add(new RegionOutcome(region, home.repositoryUri().replace("." + homeRegion + ".",
                        "." + region + "."), Optional.empty(), List.of(), RegionOutcome.Status.FAILED,
                        Optional.of(failure.getMessage())));
                firstFailure = firstFailure == null ? failure : firstFailure;
            }
        }
        outcomes.forEach(context.events()::region);
        return new Mirrored(home, outcomes, Optional.ofNullable(firstFailure));
    }

    private static void checkDigests(String region, List<PushedTag> pushed, Digest digest) {
        for (PushedTag tag : pushed) {
            if (!tag.digest().equals(digest)) {
                throw Failures.mirrorDigestDiffers(region, tag.reference().toString(), tag.digest().value(),
                        digest.value());
            }
        }
    }

    /**
     * Pushes an image this run built into a region: logs in there, then pushes into the repository {@link #prepare}
     * made ready the tags, with the same rules as in the image's own region (tag order, immutable tags, retries, a
     * login again).
     */
    private List<PushedTag> pushIn(String region, Digest imageId, List<Tag> tags, Prepared prepared) {
        RegionalEcr ecr = registries.in(region);
        RepositoryPreparer.Prepared ready = preparedIn(region, prepared);
        Login login = new Login(ecr.registry(), context.events());
        String host = login.renew().registryHost();
        List<PushedTag> pushed = new PushStep(ecr.registry(), login, engine, context, RegistryKind.ECR,
                Optional.of(region)).push(ready.repository(), host, tags, imageId, ready.createdOnPush().isPresent(),
                Optional.empty());
        new RepositoryPreparer(context.events()).afterPush(ecr.repositories(), ready, prepared.settings());
        return pushed;
    }

    /** A promoted image's tags in a mirror region, which must already hold the image. */
    private List<PushedTag> promoteIn(String region, Digest digest, List<Tag> tags, Prepared prepared) {
        RegionalEcr ecr = registries.in(region);
        RepositoryPreparer.Prepared ready = preparedIn(region, prepared);
        TagAndDigest held = ecr.registry().images(repositoryName, tags.get(0), digest);
        if (held.digest().isEmpty()) {
            throw archivedIn(ecr, digest) ? Failures.mirrorImageArchived(region, ready.repository().uri(),
                    digest.value()) : Failures.mirrorLacksImage(region, ready.repository().uri(), digest.value());
        }
        return new RegistryTags(context).add(ecr.registry(), ready.repository(),
                PromoteStep.hostOf(ready.repository()), digest, tags);
    }

    /** The repository {@link #prepare} found or created in a region (looked up now when it was not called). */
    private RepositoryPreparer.Prepared preparedIn(String region, Prepared prepared) {
        RepositoryPreparer.Prepared ready = prepared.byRegion().get(region);
        if (ready != null) {
            return ready;
        }
        return registries.in(region).repositories().repository(repositoryName)
                .map(r -> new RepositoryPreparer.Prepared(r, Optional.empty(), true))
                .orElseThrow(() -> Failures.mirrorRepositoriesMissing(repositoryName, List.of(region)));
    }

    /**
     * Whether the region holds the image in ECR's archive storage class (BatchGetImage does not return it); a
     * principal not allowed ecr:DescribeImages is told the region lacks it.
     */
    private boolean archivedIn(RegionalEcr ecr, Digest digest) {
        try {
            return ecr.repositories().archivedTags(repositoryName).containsValue(digest);
        } catch (PipeException.Authentication e) {
            context.events().debug("Not looking for archived images: " + e.getMessage());
            return false;
        }
    }
}
