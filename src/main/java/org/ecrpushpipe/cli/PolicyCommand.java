package org.ecrpushpipe.cli;

import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import org.ecrpushpipe.config.ConfigReader;
import org.ecrpushpipe.config.Variable;
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
        String account = target.image().accountId().orElse("*");
        PolicyInputs inputs = PolicyInputs.base(account, target.image().repository(), target.region());
        boolean promotes = set(env, Variable.SOURCE_TAG) || set(env, Variable.SOURCE_DIGEST);
        if (promotes) {
            inputs = inputs.withPromotion();
        } else if (!set(env, Variable.LOCAL_IMAGE) && !"false".equalsIgnoreCase(value(env, Variable.CACHE))) {
            inputs = inputs.withCachePull(); // the registry cache is on by default, for a build
            inputs = inputs.withCacheFrom(cacheFromRepositories(env, target));
        }
        if ("true".equalsIgnoreCase(value(env, Variable.CREATE_REPOSITORY))) {
            // a missing repository: a creation template may create it on push, else the pipe creates it
            inputs = inputs.withCreateRepository(set(env, Variable.REPOSITORY_TAGS)).withCreationTemplates();
            if ("KMS".equalsIgnoreCase(value(env, Variable.ENCRYPTION))) {
                String key = value(env, Variable.KMS_KEY);
                inputs = inputs.withKmsKey(key.startsWith("arn:") && key.contains(":key/") ? key
                        : "arn:" + inputs.partition() + ":kms:" + target.region() + ":" + account + ":key/*");
            }
        }
        if (set(env, Variable.LIFECYCLE_POLICY)) {
            inputs = inputs.withLifecyclePolicy();
        }
        List<String> mirrors = list(env, Variable.MIRROR_REGIONS);
        if (!mirrors.isEmpty()) {
            inputs = inputs.withMirrorRegions(mirrors);
        }
        if (set(env, Variable.AWS_ROLE_ARN)) {
            inputs = inputs.withRoles(List.of(value(env, Variable.AWS_ROLE_ARN)));
        }
        return inputs;
    }

    /**
     * The repositories CACHE_FROM names in the image's own registry (a bare name, or the same ECR host): the
     * images in other registries are skipped by the run, so need nothing.
     */
    private static List<String> cacheFromRepositories(Map<String, String> env, ConfigReader.Target target) {
        String ownHost = target.image().registry().map(r -> r.host()).orElse(null);
        List<String> repositories = new java.util.ArrayList<>();
        for (String item : list(env, Variable.CACHE_FROM)) {
            String reference = item.replaceFirst("@.*$", "");
            int slash = reference.indexOf('/');
            String first = slash < 0 ? "" : reference.substring(0, slash);
            boolean hasHost = first.contains(".") || first.contains(":") || first.equals("localhost");
            if (hasHost && !first.equals(ownHost)) {
                continue;
            }
            String path = hasHost ? reference.substring(slash + 1) : reference;
            int colon = path.lastIndexOf(':');
            repositories.add(colon < 0 ? path : path.substring(0, colon));
        }
        return repositories;
    }

    private static String value(Map<String, String> env, Variable variable) {
        return variable.names().stream().map(env::get).filter(v -> v != null && !v.isBlank()).map(String::trim)
                .findFirst().orElse("");
    }

    private static boolean set(Map<String, String> env, Variable variable) {
        return !value(env, variable).isEmpty();
    }

    /** A list variable, space separated or as a YAML list (NAME_COUNT, NAME_0…), as the run reads it. */
    private static List<String> list(Map<String, String> env, Variable variable) {
        String count = env.get(variable.name() + "_COUNT");
        if (count != null && count.trim().matches("\\d{1,3}")) {
            List<String> items = new java.util.ArrayList<>();
            for (int i = 0; i < Integer.parseInt(count.trim()); i++) {
                String item = env.get(variable.name() + "_" + i);
                if (item != null && !item.isBlank()) {
                    items.add(item.trim());
                }
            }
            return items;
        }
        String text = value(env, variable);
        return text.isEmpty() ? List.of() : List.of(text.split("\\s+"));
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
