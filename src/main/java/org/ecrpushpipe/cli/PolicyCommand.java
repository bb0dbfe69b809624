package org.ecrpushpipe.cli;

import java.util.Map;
import java.util.concurrent.Callable;

import org.ecrpushpipe.config.ConfigReader;
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
    private final Console console;

    PolicyCommand(Map<String, String> env, Console console) {
        this.env = env;
        this.console = console;
    }

    /** The inputs of the policy for this environment: where each variable that widens the policy is mapped. */
    static PolicyInputs inputs(Map<String, String> env) {
        ConfigReader.Target target = ConfigReader.readTarget(env);
        return PolicyInputs.base(target.image().accountId().orElse("*"), target.image().repository(),
                target.region());
    }

    @Override
    public Integer call() {
        try {
            console.plain(IamPolicy.of(inputs(env)).toJson());
            return ExitCode.SUCCESS.code();
        } catch (Throwable failure) {
            return new ErrorReporter(console).report(failure);
        }
    }
}
