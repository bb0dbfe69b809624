package org.ecrpushpipe.publish;

import java.util.List;
import java.util.Optional;

import org.ecrpushpipe.config.CredentialSettings;
import org.ecrpushpipe.config.PipeConfig;
import org.ecrpushpipe.config.ReleaseSettings;
import org.ecrpushpipe.config.Tag;
import org.ecrpushpipe.errors.RegistryKind;

/**
 * What one run does, decided once from the configuration: publish into the image's own registry (build, or push
 * an image the engine holds), promote an image already there, or combine images of several platforms already there
 * into one; then mirror into other regions. Steps that are not asked for are never built.
 *
 * @param request       what to publish in the image's own registry
 * @param promotion     the image to promote instead of publishing one; empty to publish
 * @param mirrorRegions the other regions of the account that get the same image
 * @param platformTags  the images to combine into one multi-platform image instead of publishing one (PLATFORM_TAGS);
 *                      empty to publish (or promote)
 */
public record PublishPlan(PublishRequest request, Optional<ReleaseSettings> promotion, List<String> mirrorRegions,
                          List<Tag> platformTags) {
    public PublishPlan {
        mirrorRegions = List.copyOf(mirrorRegions);
        platformTags = List.copyOf(platformTags);
    }

    /** A plan that combines no platforms. */
    public PublishPlan(PublishRequest request, Optional<ReleaseSettings> promotion, List<String> mirrorRegions) {
        this(request, promotion, mirrorRegions, List.of());
    }

    /** Whether the run combines images of several platforms (PLATFORM_TAGS) instead of publishing one. */
    public boolean combines() {
        return !platformTags.isEmpty();
    }

    /** The plan of a configuration. */
    public static PublishPlan of(PipeConfig config) {
        RegistryKind kind = config.access().otherRegistry().isPresent() ? RegistryKind.OTHER : RegistryKind.ECR;
        ImageSource source = config.buildSettings().localImage().<ImageSource>map(ImageSource.LocalImage::new)
                .orElseGet(() -> new ImageSource.Build(config.build(), config.buildSettings()));
        Optional<String> host = config.access().otherRegistry().map(CredentialSettings.OtherRegistry::host)
                .or(() -> PublishRequest.ecrHost(config.image()));
        PublishRequest request = new PublishRequest(kind, host, config.image(), Optional.ofNullable(config.region()),
                config.tags(), source, config.repository(), config.cache(), config.scan());
        ReleaseSettings release = config.release();
        return new PublishPlan(request, Optional.of(release).filter(ReleaseSettings::promotes),
                release.mirrorRegions(), release.platformTags());
    }
}
