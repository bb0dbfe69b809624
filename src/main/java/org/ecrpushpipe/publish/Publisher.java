package org.ecrpushpipe.publish;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import org.ecrpushpipe.config.ImageRef;
import org.ecrpushpipe.config.ReleaseSettings;
import org.ecrpushpipe.config.Tag;
import org.ecrpushpipe.docker.BuildCache;
import org.ecrpushpipe.docker.BuilderKind;
import org.ecrpushpipe.docker.Cancellation;
import org.ecrpushpipe.docker.EngineVersion;
import org.ecrpushpipe.docker.ImageBuilder;
import org.ecrpushpipe.docker.PullAccess;
import org.ecrpushpipe.dockerfile.Dockerfile;
import org.ecrpushpipe.errors.Failures;
import org.ecrpushpipe.errors.RegistryKind;
import org.ecrpushpipe.registry.Digest;
import org.ecrpushpipe.registry.Repository;

/**
 * The pipe's use case, as a runner of small steps (as Jib's {@code StepsRunner}): it decides what runs alongside
 * what, and in which order, and each step ({@link PrepareStep}, {@link CacheStep}, {@link BuildStep},
 * {@link PushStep}, {@link CacheImagesStep}, {@link PromoteStep}, {@link CombineStep}, {@link MirrorStep}) holds its
 * own decisions. It talks to the outside only through the {@link Ports}.
 *
 * <p>The registry side (login, repository) and the engine side (ping, build) overlap: on a re-run with nothing to
 * build, the build is over before the registry has answered. Build output waits until the registry side has said
 * yes; a refusal stops the build and drops its output, so a push that cannot succeed is reported as such, not as
 * a build.
 */
public final class Publisher {
    private final Ports ports;
    private final RunContext context;

    public Publisher(Ports ports, RunContext context) {
        this.ports = ports;
        this.context = context;
    }

    /**
     * The whole run: the mirror regions' repositories made ready, the image published (promoted, or combined from
     * images of several platforms) in its own registry, mirrored, summed up, and its results written.
     */
    public PublishResult run(PublishPlan plan) {
        PublishRequest request = plan.request();
        String region = request.region().orElse(null);
        Optional<MirrorStep> mirror = plan.mirrorRegions().isEmpty() ? Optional.empty()
                : Optional.of(new MirrorStep(ports.otherRegions(), plan.mirrorRegions(),
                request.image().repository(), ports.engine(), context));
        MirrorStep.Prepared mirrors = mirror.map(m -> m.prepare(request.repository(),
                request.image().registry().map(ImageRef.EcrRegistryHost::host), region))
                .orElseGet(MirrorStep.Prepared::none);
        PublishResult result;
        if (plan.combines()) {
            result = combine(request, plan.platformTags(), mirror, mirrors);
        } else {
            PublishResult home = plan.promotion().map(source -> promote(request, source))
                    .orElseGet(() -> publish(request));
            boolean promoted = plan.promotion().isPresent();
            result = mirror.map(m -> m.mirror(home, region, request.tags(), promoted, mirrors).orThrow())
                    .orElseGet(() -> home.withRegions(List.of(RegionOutcome.done(region, home.repositoryUri(),
                            home.tags()))));
        }
        context.events().info(summary(result, plan));
        ResultsOutput.Written written = ports.results().write(result);
        written.warnings().forEach(context.events()::warning);
        written.files().forEach(f -> context.events().info("Results written to " + f + "."));
        return result;
    }

    private PublishResult promote(PublishRequest request, ReleaseSettings source) {
        return new PromoteStep(ports.registry(), ports.repositories().orElseThrow(), context, gate(request))
                .promote(request, source);
    }

    /**
     * The multi-platform image: every source read and the index made, every mirror region checked to hold what it
     * names, and only then written, in the image's own region first.
     */
    private PublishResult combine(PublishRequest request, List<Tag> sources, Optional<MirrorStep> mirror,
                                  MirrorStep.Prepared mirrors) {
        CombineStep step = new CombineStep(ports.registry(), ports.repositories(), context);
        CombineStep.Combined combined = step.read(request, sources);
        mirror.ifPresent(m -> m.checkHeld(combined.entries(), mirrors));
        PublishResult home = step.write(request, combined);
        String region = request.region().orElse(null);
        return mirror.map(m -> m.mirrorIndex(home, region, request.tags(), combined.index(), mirrors).orThrow())
                .orElseGet(() -> home.withRegions(List.of(RegionOutcome.done(region, home.repositoryUri(),
                        home.tags()))));
    }

    private static String summary(PublishResult result, PublishPlan plan) {
        int tags = result.tags().size();
        if (plan.combines()) {
            return String.format(Locale.ROOT, "Combined %d platforms as %d tag%s of %s: %.1f s, nothing built.",
                    result.platforms().size(), tags, tags == 1 ? "" : "s", result.repositoryUri(),
                    result.push().toMillis() / 1000.0);
        }
        return plan.promotion().isPresent()
                ? String.format(Locale.ROOT, "Promoted %d tag%s of %s: %.1f s, nothing built.", tags,
                tags == 1 ? "" : "s", result.repositoryUri(), result.push().toMillis() / 1000.0)
                : String.format(Locale.ROOT, "Pushed %d tag%s of %s: build %.1f s, push %.1f s.", tags,
                tags == 1 ? "" : "s", result.repositoryUri(), result.build().toMillis() / 1000.0,
                result.push().toMillis() / 1000.0);
    }

    /**
     * Publishes into the image's own registry: the registry side alongside the engine's ping and build, then every
     * tag pushed and verified, then the stages' cache images.
     */
    public PublishResult publish(PublishRequest request) {
        PublishEvents events = context.events();
        events.info("Using the Docker engine at " + ports.engine().address() + ".");
        events.info(request.kind() == RegistryKind.ECR
                ? "Logging in to Amazon ECR in " + request.region().orElseThrow() + "." : "Logging in to the registry.");
        Login login = new Login(ports.registry(), events);
        PrepareStep prepare = new PrepareStep(login, ports.registry(), ports.repositories(), context);
        Cancellation stopBuild = new Cancellation();
        context.cancellation().onCancel(stopBuild::cancel);
        HeldLines output = new HeldLines(events::buildOutput);
        CompletableFuture<PrepareStep.Ready> registrySide = registrySide(prepare, request, output, stopBuild);
        EngineVersion engine = ports.engine().ping();
        if (registrySide.isCompletedExceptionally()) {
            await(registrySide); // the registry has already said no: nothing to build for
        }
        context.stopIfCancelled("starting the build");
        Image image = image(new Build(request, login, engine, registrySide, output, stopBuild));
        PrepareStep.Ready ready = await(registrySide);
        Repository repository = ready.repository();
        events.debug("Repository " + repository.uri() + " has " + repository.tagMutability() + " tags.");
        image.say(events);
        // asked alongside the push, so that the report's fact costs the run nothing
        CompletableFuture<OptionalLong> size = CompletableFuture.supplyAsync(() -> ports.engine().imageSize(image.id()),
                context.background());
        long pushStart = context.nanoTime().getAsLong();
        List<PushedTag> pushed = push(request, ready, login, image.id());
        prepare.afterPush(ready, request);
        image.built().ifPresent(built -> pushCacheImages(image, built, repository, ready.host(), login));
        return new PublishResult(ready.host() + "/" + request.image().repository(), image.id(), pushed,
                image.buildTime(), context.since(pushStart), List.of(), List.of(), image.facts(size.join()));
    }

    /**
     * Every tag pushed and verified. With the scan gate (SCAN_FAIL_ON) the image goes first under its candidate tag
     * alone, and gets the tags, in the registry, only once its scan lets it through: no tag ever names an image that
     * the gate stopped. Immutable tags are looked at before the candidate is pushed, as before a push.
     */
    private List<PushedTag> push(PublishRequest request, PrepareStep.Ready ready, Login login, Digest imageId) {
        Repository repository = ready.repository();
        boolean createdOnPush = ready.prepared().createdOnPush().isPresent();
        Optional<ScanGateStep> gate = gate(request);
        if (gate.isEmpty()) {
            return new PushStep(ports.registry(), login, ports.engine(), context, request.kind(), request.region())
                    .push(repository, ready.host(), request.tags(), imageId, createdOnPush, ready.tagged());
        }
        List<String> held = ScanGateStep.heldByOthers(ports.registry(), repository, request.tags(), ready.tagged(),
                t -> t.imageId().filter(imageId::equals).isPresent());
        if (!held.isEmpty()) {
            throw Failures.immutableTagsHeld(held, ready.host() + "/" + repository.name(), imageId.value());
        }
        PushedTag candidate = new PushStep(ports.registry(), login, ports.engine(), gate.get().candidateContext(),
                request.kind(), request.region()).push(repository, ready.host(),
                List.of(ScanGateStep.candidateTag(imageId)), imageId, createdOnPush, Optional.empty()).get(0);
        gate.get().check(repository, candidate.digest(), Optional.of(candidate.reference()));
        List<PushedTag> pushed = new RegistryTags(context).add(ports.registry(), repository, ready.host(),
                candidate.digest(), request.tags());
        gate.get().removeCandidate(candidate.reference());
        return pushed;
    }

    /** The scan gate the request asks for, in the image's own registry. */
    private Optional<ScanGateStep> gate(PublishRequest request) {
        return request.scan().map(settings -> new ScanGateStep(ports.scans().orElseThrow(() ->
                new IllegalStateException("the scan gate needs ECR's image scanning")), settings, context));
    }

    /** The registry cache's own images, after the image: the stages' and, under BuildKit, the image's own. */
    private void pushCacheImages(Image image, BuildStep.Built built, Repository repository, String host, Login login) {
        List<CacheImagesStep.CacheImage> toPush = image.cache().toPush(built.outcome().steps(),
                built.outcome().cachedSteps());
        if (!toPush.isEmpty()) {
            new CacheImagesStep(ports.engine(), image.builder(), context.events()).push(toPush, built.request(),
                    image.cache().sources(), image.cache().buildKit(), repository, host, login.current(),
                    context.events()::debug, context.cancellation());
        }
    }

    /**
     * The registry side, started at once on the background executor; when it fails, the build is stopped and its
     * output dropped; when it succeeds, the output held so far is shown. A cancelled run does not wait for it.
     */
    private CompletableFuture<PrepareStep.Ready> registrySide(PrepareStep prepare, PublishRequest request,
                                                              HeldLines output, Cancellation stopBuild) {
        CompletableFuture<PrepareStep.Ready> side = CompletableFuture.supplyAsync(() -> prepare.run(request),
                context.background());
        context.cancellation().onCancel(() -> side.completeExceptionally(Failures.cancelled(
                "logging in to Amazon ECR")));
        side.whenComplete((ready, failure) -> {
            if (failure == null) {
                output.release();
            } else {
                output.discard();
                stopBuild.cancel();
            }
        });
        return side;
    }

    /**
     * What building the image needs to know of the run so far.
     *
     * @param engine       the engine, as it named itself
     * @param registrySide the registry side, which the build waits for only when its pulls need the login
     * @param output       the build's output, held until the registry side said yes
     * @param stopBuild    stops the build
     */
    private record Build(PublishRequest request, Login login, EngineVersion engine,
                         CompletableFuture<PrepareStep.Ready> registrySide, HeldLines output, Cancellation stopBuild) {
        PrepareStep.Ready ready() {
            return await(registrySide);
        }
    }

    /**
     * The image to push, as the engine holds it.
     *
     * @param built     the build that made it; empty for an image the engine held already (LOCAL_IMAGE)
     * @param builder   the builder that made it
     * @param cache     the registry cache the build used
     * @param buildTime how long the build took
     */
    private record Image(Digest id, Optional<BuildStep.Built> built, ImageBuilder builder, CacheStep.Cache cache,
                         Duration buildTime) {
        /** Its size, as the engine said, and the build's share of cached steps. */
        ImageFacts facts(OptionalLong size) {
            return new ImageFacts(size, built.map(b -> new ImageFacts.BuildSteps(b.outcome().steps(),
                    b.outcome().cachedSteps())));
        }

        /** Says what was built, and how much of it the registry cache served. */
        void say(PublishEvents events) {
            built.ifPresent(b -> events.info("Built image " + id + "."));
            if (cache.pulled()) {
                int steps = built.map(b -> b.outcome().steps()).orElse(0);
                int hits = built.map(b -> b.outcome().cachedSteps()).orElse(0);
                events.info("Registry cache: " + hits + " of " + steps + " build step" + (steps == 1 ? "" : "s")
                        + " taken from the cache.");
            }
        }
    }

    /**
     * Builds the image with its registry cache, or finds the image LOCAL_IMAGE names. A failure that the registry
     * side explains better (a login or repository failure stopped the build) is reported as that failure.
     */
    private Image image(Build run) {
        try {
            Optional<ImageSource.Build> build = run.request().build();
            if (build.isPresent()) {
                return build(run, build.get());
            }
            long start = context.nanoTime().getAsLong();
            Digest local = localImage((ImageSource.LocalImage) run.request().source());
            return new Image(local, Optional.empty(), null, CacheStep.Cache.NONE, context.since(start));
        } catch (RuntimeException buildFailure) {
            context.stopIfCancelled("building the image"); // a cancelled run says so, whatever the stopped build said
            run.ready();
            run.output().release();
            throw buildFailure;
        }
    }

    /** The build: its builder chosen, its cache images and base images pulled, then built. */
    private Image build(Build run, ImageSource.Build build) {
        PublishRequest request = run.request();
        Optional<Dockerfile> dockerfile = DockerfileOf.read(build.context());
        BuilderKind kind = BuilderChoice.choose(build.settings(), run.engine(), dockerfile,
                context.events());
        ImageBuilder builder = ports.builders().of(kind);
        CacheStep.Cache cache = new CacheStep(ports.registry(), run.login(), ports.engine(), context)
                .prepare(request, build, kind, dockerfile, run::ready);
        PullAccess access = new PullAccessStep(run.login(), ports.otherRegions(), ports.engine(), context)
                .prepare(request, build, dockerfile, run::ready);
        long buildStart = context.nanoTime().getAsLong();
        BuildStep.Built built = new BuildStep(builder, context.events(), request.kind()).build(build,
                request.tags(), new BuildCache(cache.sources(), Optional.empty(), false), access,
                run.output(), run.stopBuild());
        return new Image(built.outcome().imageId(), Optional.of(built), builder, cache, context.since(buildStart));
    }

    /** The image LOCAL_IMAGE names, as the engine holds it; nothing is built. */
    private Digest localImage(ImageSource.LocalImage local) {
        Digest imageId = ports.engine().imageId(local.name())
                .orElseThrow(() -> Failures.localImageMissing(local.name(), ports.engine().address()));
        context.events().info("Pushing the image " + local.name() + " (" + imageId
                + ") from the engine, without building.");
        return imageId;
    }

    /** The registry side's result, or its failure rethrown as it was. */
    private static <T> T await(CompletableFuture<T> side) {
        try {
            return side.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }
}
