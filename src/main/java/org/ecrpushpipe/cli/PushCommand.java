package org.ecrpushpipe.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;

import org.ecrpushpipe.aws.AwsSession;
import org.ecrpushpipe.config.ConfigReader;
import org.ecrpushpipe.config.CredentialSettings;
import org.ecrpushpipe.config.PipeConfig;
import org.ecrpushpipe.console.Console;
import org.ecrpushpipe.credentials.CredentialPlan;
import org.ecrpushpipe.docker.Cancellation;
import org.ecrpushpipe.docker.engine.DockerJavaEngine;
import org.ecrpushpipe.errors.ExitCode;
import org.ecrpushpipe.errors.PipeException;
import org.ecrpushpipe.insights.CodeInsightsReport;
import org.ecrpushpipe.publish.Ports;
import org.ecrpushpipe.publish.PublishPlan;
import org.ecrpushpipe.publish.PublishResult;
import org.ecrpushpipe.publish.Publisher;
import org.ecrpushpipe.publish.ReportAnnotation;
import org.ecrpushpipe.publish.RetryPolicy;
import org.ecrpushpipe.publish.RunContext;
import org.ecrpushpipe.publish.RunOutcome;
import org.ecrpushpipe.publish.RunReport;
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
        RunReport report = RunReport.NONE;
        List<ReportAnnotation> annotations = new CopyOnWriteArrayList<>();
        RunOutcome.Succeeded done;
        try {
            // made first, so that its HTTP client is ready by the end of the run and a failed run reports too
            report = ConfigReader.report(env, workingDirectory).target()
                    .<RunReport>map(target -> new CodeInsightsReport(target, console::mask)).orElse(RunReport.NONE);
            done = publish(annotations);
        } catch (Throwable failure) {
            ErrorReporter reporter = new ErrorReporter(console);
            if (!(failure instanceof PipeException.Cancelled)) { // a stopped step is stopped, not failed
                ErrorReporter.Described described = reporter.describe(failure);
                show(report.send(new RunOutcome.Failed(described.failure(), described.hint(), described.exitCode(),
                        annotations)));
            }
            return reporter.report(failure); // the log ends with the failure, after the report's line
        }
        show(report.send(done));
        return ExitCode.SUCCESS.code();
    }

    /** What became of the report on the commit: one line. */
    private void show(RunReport.Delivery delivery) {
        delivery.notes().forEach(console::info);
        delivery.warnings().forEach(console::warning);
    }

    /**
     * The run: the variables read, the registry chosen, the image published.
     *
     * @param annotations receives the findings of the run for its report, failed or not
     */
    private RunOutcome.Succeeded publish(List<ReportAnnotation> annotations) {
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
                }, annotations);
            }
            CredentialPlan plan = CredentialPlan.of(config);
            // said before the session is made: with OIDC or a role that builds the SDK's STS client, which would
            // hold back the run's first line; nothing is asked of AWS until authenticate()
            plan.announcement().forEach(console::info);
            try (AwsSession aws = new AwsSession(plan, config.region(), config.stsEndpoint(), config.endpointVariants(),
                    console::addSecret)) {
                aws.authenticate();
                return publishToEcr(config, aws, annotations);
            }
        }
    }

    /** Publishes through the image's ECR registry, with the region's and the other regions' SDK clients. */
    private RunOutcome.Succeeded publishToEcr(PipeConfig config, AwsSession aws,
                                              List<ReportAnnotation> annotations) {
        EcrSettings settings = new EcrSettings(config.region(), aws.provider(), config.image().accountId(),
                config.endpointVariants(), config.ecrEndpoint());
        try (EcrRegistries otherRegions = new EcrRegistries(settings);
             EcrRegistry registry = new EcrRegistry(settings)) {
            return publish(config, registry, Optional.of(registry), Optional.of(registry), otherRegions, annotations);
        }
    }

    private RunOutcome.Succeeded publish(PipeConfig config, Registry registry,
                                         Optional<EcrRepositories> repositories, Optional<ImageScans> scans,
                                         RegistriesByRegion otherRegions, List<ReportAnnotation> annotations) {
        try (DockerJavaEngine engine = new DockerJavaEngine(config.dockerHost())) {
            Ports ports = new Ports(registry, repositories, otherRegions, engine, engine::builder,
                    new ResultFiles(config.results().outputFile(), config.results().sharedStorageDir()), scans);
            RunContext context = new RunContext(new ConsoleEvents(console, annotations::add),
                    new RetryPolicy(config.retries(), config.retryMaxWait(), Math::random), run::sleep,
                    System::nanoTime, PushCommand::inBackground, run);
            PublishPlan plan = PublishPlan.of(config);
            PublishResult result = new Publisher(ports, context).run(plan);
            return new RunOutcome.Succeeded(result, plan.promotion().isPresent(), annotations);
        }
    }
}
