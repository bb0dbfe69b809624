package org.ecrpushpipe.publish;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

import org.ecrpushpipe.config.Tag;
import org.ecrpushpipe.docker.BuildCache;
import org.ecrpushpipe.docker.BuildOutcome;
import org.ecrpushpipe.docker.BuildRequest;
import org.ecrpushpipe.docker.Cancellation;
import org.ecrpushpipe.docker.DockerEngine;
import org.ecrpushpipe.docker.ImageBuilder;
import org.ecrpushpipe.docker.PushOutcome;
import org.ecrpushpipe.errors.Failures;
import org.ecrpushpipe.registry.Digest;
import org.ecrpushpipe.registry.ImageReference;
import org.ecrpushpipe.registry.RegistryCredentials;
import org.ecrpushpipe.registry.Repository;

/**
 * {@code CACHE=stages}: after the image is pushed, builds each named intermediate stage on its own (every step
 * comes from the build just made) and pushes it as {@code cache-<stage>}, so the next run on a fresh engine can
 * take the stages' steps from the registry too. The image is already pushed: a stage that cannot be pushed is a
 * warning, never a failure of the run.
 */
final class StageCacheStep {
    private final DockerEngine engine;
    private final ImageBuilder builder;
    private final PublishEvents events;

    StageCacheStep(DockerEngine engine, ImageBuilder builder, PublishEvents events) {
        this.engine = engine;
        this.builder = builder;
        this.events = events;
    }

    /** @return the stage cache tags pushed */
    List<ImageReference> push(List<String> stages, BuildRequest build, List<String> sources,
                              Repository repository, String registryHost, RegistryCredentials credentials,
                              Consumer<String> output, Cancellation run) {
        List<ImageReference> pushed = new ArrayList<>();
        for (String stage : stages) {
            Tag tag = CacheSources.stageTag(stage);
            ImageReference reference = new ImageReference(registryHost, repository.name(), tag);
            if (repository.isImmutable(tag)) {
                events.warning("CACHE=stages: the tag " + tag + " is immutable in " + repository.uri() + ", so the"
                        + " stage '" + stage + "' is not pushed; exclude cache-* from immutability"
                        + " (IMMUTABLE_WITH_EXCLUSION) or make the tags mutable.");
                continue;
            }
            if (run.isCancelled()) {
                return pushed;
            }
            events.info("CACHE=stages: building the stage '" + stage + "' for " + reference + ".");
            Optional<Digest> stageId = buildStage(stage, build, sources, output, run);
            if (stageId.isEmpty()) {
                continue;
            }
            engine.tag(stageId.get(), reference);
            PushOutcome outcome = engine.push(reference, credentials, events::debug, run);
            if (outcome instanceof PushOutcome.Pushed ok) {
                events.info("CACHE=stages: pushed " + reference + " (" + ok.digest() + ").");
                pushed.add(reference);
            } else if (outcome instanceof PushOutcome.Failed failed) {
                events.warning("CACHE=stages: pushing " + reference + " failed (" + failed.detail()
                        + "); the next run builds that stage without it.");
            }
        }
        return pushed;
    }

    /** The stage built alone, every step from the build just made; empty, after a warning, when it cannot be. */
    private Optional<Digest> buildStage(String stage, BuildRequest build, List<String> sources,
                                        Consumer<String> output, Cancellation run) {
        String why;
        try {
            BuildOutcome outcome = builder.build(build.withCache(new BuildCache(sources, Optional.of(stage), build.cache().inline())),
                    output, run);
            if (outcome instanceof BuildOutcome.Built built) {
                return Optional.of(built.imageId());
            }
            BuildOutcome.Failed failed = (BuildOutcome.Failed) outcome;
            why = Failures.buildFailed(failed.problem(), failed.detail(), failed.step(), failed.lastLines())
                    .getMessage();
        } catch (RuntimeException e) {
            why = e.getMessage();
        }
        events.warning("CACHE=stages: the stage '" + stage + "' could not be built alone (" + why
                + "); it is not cached.");
        return Optional.empty();
    }
}
