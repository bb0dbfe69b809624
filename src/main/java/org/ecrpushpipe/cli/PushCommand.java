package org.ecrpushpipe.cli;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;

import org.ecrpushpipe.aws.AwsSession;
import org.ecrpushpipe.config.ConfigReader;
import org.ecrpushpipe.config.ImageRef;
import org.ecrpushpipe.config.PipeConfig;
import org.ecrpushpipe.console.Console;
import org.ecrpushpipe.credentials.CredentialPlan;
import org.ecrpushpipe.docker.Cancellation;
import org.ecrpushpipe.docker.engine.DockerJavaEngine;
import org.ecrpushpipe.errors.ExitCode;
import org.ecrpushpipe.config.ReleaseSettings;
import org.ecrpushpipe.publish.Promoter;
import org.ecrpushpipe.publish.ImageSource;
import org.ecrpushpipe.errors.Failures;
import org.ecrpushpipe.publish.PublishRequest;
import org.ecrpushpipe.publish.PublishResult;
import org.ecrpushpipe.publish.Publisher;
import org.ecrpushpipe.publish.RegionMirror;
import org.ecrpushpipe.publish.RetryPolicy;
import org.ecrpushpipe.registry.ContainerRegistry;
import org.ecrpushpipe.registry.RegistriesByRegion;
import org.ecrpushpipe.registry.ecr.EcrRegistries;
import org.ecrpushpipe.registry.ecr.EcrRegistry;
import org.ecrpushpipe.results.ImageResults;
import org.ecrpushpipe.results.ResultFiles;
import org.ecrpushpipe.registry.ecr.EcrSettings;
import org.ecrpushpipe.registry.v2.V2Registry;

import picocli.CommandLine.Command;

/**
 * The pipe's only command: read the variables, then build the image in the working directory and push it to
 * ECR. Thin: it wires the adapters to the use case and leaves failures to the {@link ErrorReporter}.
 */
@jakarta.enterprise.inject.Vetoed
@Command(name = "ecr-push-pipe", mixinStandardHelpOptions = true, versionProvider = PipeVersion.class,
        description = "Build a Docker image and push it to Amazon ECR. Configured through environment variables.")
public class PushCommand implements Callable<Integer> {
    private final Map<String, String> env;
    private final Path workingDirectory;
    private final Console console;
    private final Cancellation run;

    /** @param run cancelled when the run must stop (the launcher cancels it on SIGTERM) */
    PushCommand(Map<String, String> env, Path workingDirectory, Console console, Cancellation run) {
        this.env = env;
        this.workingDirectory = workingDirectory;
        this.console = console;
        this.run = run;
    }

    /** Runs a task on a daemon thread of its own, so a failed run never waits for it to exit. */
    private static void inBackground(Runnable task) {
        Thread thread = new Thread(task, "ecr-side");
        thread.setDaemon(true);
        thread.start();
    }

    /** What to publish: LOCAL_IMAGE as it is, else a build of the context with the build options. */
    private static ImageSource source(PipeConfig config) {
        return config.buildSettings().localImage().<ImageSource>map(ImageSource.LocalImage::new)
                .orElseGet(() -> new ImageSource.Build(config.build(), config.buildSettings()));
    }

    @Override
    public Integer call() {
        if (console.debugEnabled()) {
            console.info("Enabling debug mode.");
        }
        try (LibraryLogging logging = LibraryLogging.route(console)) {
            ConfigReader.Result loaded = ConfigReader.read(env, workingDirectory, console::warning);
            loaded.notes().forEach(console::info);
            PipeConfig config = loaded.config();
            config.secretValues().forEach(console::addSecret);
            if (config.access().otherRegistry().isPresent()) {
                var other = config.access().otherRegistry().get();
                console.info(Failures.usingRegistryCredentials(other.host()));
                return publish(config, new V2Registry(other.host(), other.username(), other.password()), region -> {
                    throw new IllegalStateException("a registry other than ECR has no regions to mirror to");
                });
            }
            CredentialPlan plan = CredentialPlan.of(config);
            try (AwsSession aws = new AwsSession(plan, config.region(), config.stsEndpoint(), console::addSecret)) {
                return publish(config, plan, aws);
            }
        } catch (Throwable failure) {
            return new ErrorReporter(console).report(failure);
        }
    }

    /** Authenticates with AWS, then builds (or promotes), pushes, mirrors and verifies. */
    private Integer publish(PipeConfig config, CredentialPlan plan, AwsSession aws) throws Exception {
        console.info(plan.method() == CredentialPlan.Method.OIDC ? Failures.authenticatingWithOidc()
                : Failures.authenticatingWithKeys());
        plan.assumeRole().ifPresent(r -> console.info(Failures.assumingRole(r.roleArn(), r.sessionName())));
        aws.authenticate();
        EcrSettings settings = new EcrSettings(config.region(), aws.provider(),
                config.image().accountId(),
                config.image().registry().map(ImageRef.EcrRegistryHost::variant)
                        .orElse(ImageRef.EndpointVariant.STANDARD),
                config.ecrEndpoint());
        try (EcrRegistries otherRegions = new EcrRegistries(settings);
             EcrRegistry registry = new EcrRegistry(settings)) {
            return publish(config, registry, otherRegions);
        }
    }

    /**
     * Builds (or promotes), pushes and verifies through {@code registry}, then mirrors into the other regions'
     * registries, and writes the results.
     */
    private Integer publish(PipeConfig config, ContainerRegistry registry, RegistriesByRegion otherRegions)
            throws Exception {
        try (DockerJavaEngine engine = new DockerJavaEngine(config.dockerHost())) {
            ConsoleEvents events = new ConsoleEvents(console);
            RetryPolicy retryPolicy = new RetryPolicy(config.retries(), config.retryMaxWait(), Math::random);
            Function<ContainerRegistry, Publisher> publishers = in -> new Publisher(in, engine, events,
                    retryPolicy, run::sleep, System::nanoTime, PushCommand::inBackground, run);
            ReleaseSettings release = config.release();
            Promoter promoter = new Promoter(registry, events, System::nanoTime, run);
            RegionMirror mirror = new RegionMirror(otherRegions, release.mirrorRegions(),
                    config.image().repository(), events, publishers, promoter);
            PublishRequest request = new PublishRequest(config.image(), config.region(), config.tags(),
                    source(config), config.repository(), config.cache());
            mirror.prepare(config.repository(), config.image().registry().map(ImageRef.EcrRegistryHost::host),
                    config.region());
            PublishResult result = release.promotes() ? promoter.promote(request, release)
                    : publishers.apply(registry).publish(request);
            result = mirror.mirror(result, config.region(), config.tags(), release.promotes());
            if (release.promotes()) {
                console.info(String.format(Locale.ROOT, "Promoted %d tag%s of %s: %.1f s, nothing built.",
                        result.tags().size(), result.tags().size() == 1 ? "" : "s", result.repositoryUri(),
                        result.push().toMillis() / 1000.0));
            } else {
                console.info(String.format(Locale.ROOT, "Pushed %d tag%s of %s: build %.1f s, push %.1f s.",
                        result.tags().size(), result.tags().size() == 1 ? "" : "s", result.repositoryUri(),
                        result.build().toMillis() / 1000.0, result.push().toMillis() / 1000.0));
            }
            ResultFiles.Written written = ResultFiles.write(ImageResults.of(result), config.results().outputFile(),
                    config.results().sharedStorageDir());
            written.warnings().forEach(console::warning);
            written.files().forEach(f -> console.info("Results written to " + f + "."));
            return ExitCode.SUCCESS.code();
        }
    }
}
