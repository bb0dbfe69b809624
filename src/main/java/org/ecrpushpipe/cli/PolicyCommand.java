package org.ecrpushpipe.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import org.ecrpushpipe.config.PolicyVariables;
import org.ecrpushpipe.console.Console;
import org.ecrpushpipe.errors.ExitCode;
import org.ecrpushpipe.policy.IamPolicy;
import org.ecrpushpipe.policy.PolicyInputs;

import picocli.CommandLine.Command;

/**
 * {@code policy}: prints the IAM policy the same variables need for a run, and nothing else on success, so the
 * output can go straight to {@code aws iam put-user-policy --policy-document file://…}. It makes no AWS call and
 * needs no credentials; a bare IMAGE name leaves the account as {@code *}.
 */
@jakarta.enterprise.inject.Vetoed
@Command(name = "policy", mixinStandardHelpOptions = true, versionProvider = PipeVersion.class,
        description = "Print the least-privilege IAM policy (JSON) the run configured by the same variables needs."
                + " Makes no AWS call; with a bare IMAGE name the account is '*'.")
public class PolicyCommand implements Callable<Integer> {
    private final Map<String, String> env;
    private final Path workingDirectory;
    private final Console console;

    PolicyCommand(Map<String, String> env, Path workingDirectory, Console console) {
        this.env = env;
        this.workingDirectory = workingDirectory;
        this.console = console;
    }

    /** The inputs of the policy for what the variables ask: where each need that widens the policy is mapped. */
    static PolicyInputs inputs(PolicyVariables.Needs needs) {
        String account = needs.image().accountId().orElse("*");
        PolicyInputs inputs = PolicyInputs.base(account, needs.image().repository(), needs.region());
        if (needs.combines()) {
            inputs = inputs.withPlatformIndex();
        } else if (needs.promotes()) {
            inputs = inputs.withPromotion();
        } else if (needs.pullsCache()) {
            inputs = inputs.withCachePull().withCacheFrom(needs.cacheFrom());
        }
        if (needs.createsRepository()) {
            // a missing repository: a creation template may create it on push, else the pipe creates it
            inputs = inputs.withCreateRepository(needs.tagsRepository()).withCreationTemplates();
            if (needs.kmsEncryption()) {
                String key = needs.kmsKey().filter(k -> k.startsWith("arn:") && k.contains(":key/"))
                        .orElse("arn:" + inputs.partition() + ":kms:" + needs.region() + ":" + account + ":key/*");
                inputs = inputs.withKmsKey(key);
            }
        }
        if (needs.lifecyclePolicy()) {
            inputs = inputs.withLifecyclePolicy();
        }
        if (!needs.mirrorRegions().isEmpty()) {
            inputs = inputs.withMirrorRegions(needs.mirrorRegions());
        }
        if (!needs.baseImages().isEmpty()) {
            inputs = inputs.withBaseImages(needs.baseImages().stream().map(b -> IamPolicy.repositoryArn(
                    PolicyInputs.partitionOf(b.registry().region()), b.registry().region(), b.registry().accountId(),
                    b.repository())).distinct().toList());
        }
        if (needs.scanGate()) {
            inputs = inputs.withScanGate();
        }
        if (needs.roleArn().isPresent()) {
            inputs = inputs.withRoles(List.of(needs.roleArn().get()));
        }
        return inputs;
    }

    @Override
    public Integer call() {
        try {
            console.plain(IamPolicy.of(inputs(PolicyVariables.read(env, workingDirectory))).toJson());
            return ExitCode.SUCCESS.code();
        } catch (Throwable failure) {
            return new ErrorReporter(console).report(failure);
        }
    }
}
