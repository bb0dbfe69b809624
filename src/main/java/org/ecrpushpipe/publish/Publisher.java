package org.ecrpushpipe.publish;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.LongSupplier;

import org.ecrpushpipe.config.PipeConfig;
import org.ecrpushpipe.config.Tag;
import org.ecrpushpipe.docker.BuildRequest;
import org.ecrpushpipe.docker.DockerEngine;
import org.ecrpushpipe.docker.PushOutcome;
import org.ecrpushpipe.errors.PipeException;
import org.ecrpushpipe.registry.ContainerRegistry;
import org.ecrpushpipe.registry.RegistryCredentials;
import org.ecrpushpipe.registry.Repository;

/**
 * The pipe's use case: check the engine, log in, check the repository, build, tag, push every tag, and verify
 * that the registry holds the pushed digest for each. It talks to the outside only through
 * {@link ContainerRegistry} and {@link DockerEngine}, and holds the decisions: the order tags are pushed in,
 * which failures are retried, when to log in again.
 */
public final class Publisher {
    /** Attempts per tag for failures that look transient (5xx, EOF, throttling). */
    static final int MAX_ATTEMPTS = 4;

    /** Tags that move with every build: pushed last, so a failure never leaves them ahead of the fixed tags. */
    private static final List<String> MOVING_TAGS = List.of("latest");

    private final ContainerRegistry registry;
    private final DockerEngine engine;
    private final PublishEvents events;
    private final Sleeper sleeper;
    private final LongSupplier nanoTime;

    /** Waits between retries; a seam so tests need not sleep. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    public Publisher(ContainerRegistry registry, DockerEngine engine, PublishEvents events, Sleeper sleeper,
                     LongSupplier nanoTime) {
        this.registry = registry;
        this.engine = engine;
        this.events = events;
        this.sleeper = sleeper;
        this.nanoTime = nanoTime;
    }

    public PublishResult publish(PipeConfig config) {
        events.info("Using the Docker engine at " + engine.address() + ".");
        engine.ping();

        events.info("Logging in to Amazon ECR in " + config.region() + ".");
        RegistryCredentials credentials = login();
        String registryHost = config.image().registry().map(r -> r.host()).orElse(credentials.registryHost());
        String repositoryName = config.image().repository();
        String repositoryUri = registryHost + "/" + repositoryName;

        Repository repository = registry.repository(repositoryName).orElseThrow(() -> new PipeException.Push(
                "The repository '" + repositoryName + "' does not exist in " + registryHost + ".",
                "create it in ECR (region " + config.region() + "), and check that IMAGE names it", null));
        events.debug("Repository " + repository.uri() + " has " + repository.tagMutability() + " tags.");

        events.info("Building " + config.buildContext().relativize(config.dockerfile()) + " in "
                + config.buildContext() + ".");
        long buildStart = nanoTime.getAsLong();
        String imageId = engine.build(new BuildRequest(config.buildContext(), config.dockerfile()), events::buildOutput);
        Duration buildTime = Duration.ofNanos(nanoTime.getAsLong() - buildStart);
        events.info("Built image " + imageId + ".");

        List<Tag> order = pushOrder(config.tags());
        for (Tag tag : order) {
            engine.tag(imageId, repositoryUri, tag);
        }

        long pushStart = nanoTime.getAsLong();
        List<PushedTag> pushed = new ArrayList<>();
        for (Tag tag : order) {
            String reference = repositoryUri + ":" + tag;
            events.info("Pushing " + reference + ".");
            PushResultWithCredentials result = pushWithRetries(repositoryUri, repositoryName, tag, credentials);
            credentials = result.credentials();
            PushedTag verified = verify(repositoryName, tag, reference, result.digest());
            pushed.add(verified);
            events.pushed(verified);
        }
        Duration pushTime = Duration.ofNanos(nanoTime.getAsLong() - pushStart);
        return new PublishResult(repositoryUri, imageId, pushed, buildTime, pushTime);
    }

    /** Fixed tags in the order given, then the moving ones. */
    static List<Tag> pushOrder(List<Tag> tags) {
        List<Tag> order = new ArrayList<>(tags);
        order.sort(Comparator.comparing(t -> MOVING_TAGS.contains(t.value())));
        return order;
    }

    private RegistryCredentials login() {
        RegistryCredentials credentials = registry.login();
        String password = credentials.password().reveal();
        events.secret(password);
        events.secret(Base64.getEncoder().encodeToString((credentials.username() + ":" + password)
                .getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        events.debug("Logged in to " + credentials.registryHost() + " until " + credentials.expiresAt() + ".");
        return credentials;
    }

    private record PushResultWithCredentials(String digest, RegistryCredentials credentials) {
    }

    private PushResultWithCredentials pushWithRetries(String repositoryUri, String repositoryName, Tag tag,
                                                      RegistryCredentials credentials) {
        String reference = repositoryUri + ":" + tag;
        RegistryCredentials current = credentials;
        boolean loggedInAgain = false;
        for (int attempt = 1; ; attempt++) {
            PushOutcome outcome = engine.push(repositoryUri, tag, current, events::debug);
            if (outcome instanceof PushOutcome.Pushed ok) {
                return new PushResultWithCredentials(ok.digest(), current);
            }
            PushFailure failure = PushFailure.of(((PushOutcome.Failed) outcome).message());
            String registryHost = repositoryUri.substring(0, repositoryUri.indexOf('/'));
            if (failure.kind() == PushFailure.Kind.TOKEN_EXPIRED && !loggedInAgain) {
                events.warning("The registry says the login expired; logging in again.");
                current = login();
                loggedInAgain = true;
                attempt--;
                continue;
            }
            if (failure.kind() != PushFailure.Kind.TRANSIENT || attempt >= MAX_ATTEMPTS) {
                throw failure.translate(reference, registryHost, repositoryName);
            }
            Duration wait = Duration.ofSeconds(1L << (attempt - 1));
            events.warning("Push of " + reference + " failed (" + failure.message() + "); retrying in "
                    + wait.toSeconds() + " s (attempt " + (attempt + 1) + " of " + MAX_ATTEMPTS + ").");
            try {
                sleeper.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new PipeException.Push("Interrupted while pushing " + reference + ".", "", e);
            }
        }
    }

    private PushedTag verify(String repositoryName, Tag tag, String reference, String pushedDigest) {
        Optional<String> held = registry.digestOf(repositoryName, tag);
        if (held.isEmpty()) {
            throw new PipeException.Push("The registry reports no image for " + reference
                    + " right after the push of " + pushedDigest + ".",
                    "another job may have deleted it; run the step again", null);
        }
        if (!held.get().equals(pushedDigest)) {
            throw new PipeException.Push("The registry holds " + held.get() + " for " + reference
                    + ", not the pushed " + pushedDigest + ".",
                    "another job pushed the same tag at the same time; give each build a unique tag", null);
        }
        return new PushedTag(reference, pushedDigest);
    }
}
