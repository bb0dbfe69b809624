package org.ecrpushpipe.cli;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

import org.ecrpushpipe.aws.AwsSession;
import org.ecrpushpipe.config.ConfigReader;
import org.ecrpushpipe.config.CredentialSettings;
import org.ecrpushpipe.config.PipeConfig;
import org.ecrpushpipe.console.Console;
import org.ecrpushpipe.credentials.CredentialPlan;
import org.ecrpushpipe.docker.Cancellation;
import org.ecrpushpipe.docker.engine.DockerJavaEngine;
import org.ecrpushpipe.errors.ExitCode;
import org.ecrpushpipe.publish.Ports;
import org.ecrpushpipe.publish.PublishPlan;
import org.ecrpushpipe.publish.Publisher;
import org.ecrpushpipe.publish.RetryPolicy;
import org.ecrpushpipe.publish.RunContext;
import org.ecrpushpipe.registry.EcrRepositories;
import org.ecrpushpipe.registry.ImageScans;
import org.ecrpushpipe.registry.RegistriesByRegion;
import org.ecrpushpipe.registry.Registry;
import org.ecrpushpipe.registry.ecr.EcrRegistries;
import org.ecrpushpipe.registry.ecr.EcrRegistry;
import org.ecrpushpipe.registry.ecr.EcrSettings;
import org.ecrpushpipe.registry.v2.V2Registry;
import org.ecrpushpipe.results.ResultFiles;

import picocli.CommandLine.Command;

/**
 * The pipe's only command: read the variables, then build the image in the working directory and push it. Thin: it
 * wires the adapters to the use case ({@link Publisher}) and leaves failures to the {@link ErrorReporter}.
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
        Thread thread = new Thread(task, "registry-side");
        thread.setDaemon(true);
        thread.start();
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
            Optional<CredentialSettings.OtherRegistry> other = config.access().otherRegistry();
            if (other.isPresent()) {
                console.info("Using REGISTRY_USERNAME and REGISTRY_PASSWORD for " + other.get().host()
                        + " (not ECR: no AWS call).");
                return publish(config, new V2Registry(other.get().host(), other.get().username(),
                        other.get().password()), Optional.empty(), Optional.empty(), region -> {
                    throw new IllegalStateException("a registry other than ECR has no regions to mirror to");
                });
            }
            CredentialPlan plan = CredentialPlan.of(config);
            try (AwsSession aws = new AwsSession(plan, config.region(), config.stsEndpoint(), config.endpointVariants(),
                    console::addSecret)) {
                plan.announcement().forEach(console::info);
                aws.authenticate();
                return publishToEcr(config, aws);
            }
        } catch (Throwable failure) {
            return new ErrorReporter(console).report(failure);
        }
    }

    /** Publishes through the image's ECR registry, with the region's and the other regions' SDK clients. */
    private Integer publishToEcr(PipeConfig config, AwsSession aws) {
        EcrSettings settings = new EcrSettings(config.region(), aws.provider(), config.image().accountId(),
                config.endpointVariants(), config.ecrEndpoint());
        try (EcrRegistries otherRegions = new EcrRegistries(settings);
             EcrRegistry registry = new EcrRegistry(settings)) {
            return publish(config, registry, Optional.of(registry), Optional.of(registry), otherRegions);
        }
    }

    private Integer publish(PipeConfig config, Registry registry, Optional<EcrRepositories> repositories,
                            Optional<ImageScans> scans, RegistriesByRegion otherRegions) {
        try (DockerJavaEngine engine = new DockerJavaEngine(config.dockerHost())) {
            Ports ports = new Ports(registry, repositories, otherRegions, engine, engine::builder,
                    new ResultFiles(config.results().outputFile(), config.results().sharedStorageDir()), scans);
            RunContext context = new RunContext(new ConsoleEvents(console),
                    new RetryPolicy(config.retries(), config.retryMaxWait(), Math::random), run::sleep,
                    System::nanoTime, PushCommand::inBackground, run);
            new Publisher(ports, context).run(PublishPlan.of(config));
            return ExitCode.SUCCESS.code();
        }
    }
}
