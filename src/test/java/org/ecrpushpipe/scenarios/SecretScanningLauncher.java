package org.ecrpushpipe.scenarios;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.ecrpushpipe.testbed.EcrBed;
import org.ecrpushpipe.testbed.SecretScanner;

/**
 * Runs the pipe through another launcher as a Bitbucket step with {@code oidc: true} would (a recognisable
 * {@code BITBUCKET_STEP_OIDC_TOKEN} in the context), optionally with {@code DEBUG=true} whatever the scenario set,
 * and fails the run when its output, or a file it wrote in the clone or {@code ~/.docker}, holds any secret: the variables' secret values, the OIDC token, the bed's
 * key, and every ECR password the stand-in issued with its {@code base64(AWS:…)}. A new kind of secret is one
 * line in {@link #scanner}.
 */
final class SecretScanningLauncher implements Launcher {
    /** A value no pipe output has a reason to contain, so finding it means the token leaked. */
    static final String OIDC_TOKEN = "eyJvaWRjIjoic2NlbmFyaW8ifQ.oidc-token-of-the-scenarios.c2lnbmF0dXJl";

    private final Launcher inner;
    private final EcrBed bed;
    private final boolean debug;

    SecretScanningLauncher(Launcher inner, EcrBed bed, boolean debug) {
        this.inner = inner;
        this.bed = bed;
        this.debug = debug;
    }

    @Override
    public PipeRun run(Map<String, String> variables, Map<String, List<String>> lists, Path clone, String... args) {
        Map<String, String> env = new HashMap<>(variables);
        env.putIfAbsent("BITBUCKET_STEP_OIDC_TOKEN", OIDC_TOKEN);
        if (debug) {
            env.putIfAbsent("DEBUG", "true");
        }
        java.time.Instant start = java.time.Instant.now();
        PipeRun run = inner.run(env, lists, clone, args);
        SecretScanner scanner = scanner(env);
        scanner.assertNoneIn(name() + " run's output", run.output());
        // what the run may have written: the clone, and a docker login's config under HOME
        scanner.assertNoneInFilesUnder(start, clone, Path.of(System.getProperty("user.home"), ".docker"));
        return run;
    }

    private SecretScanner scanner(Map<String, String> env) {
        return new SecretScanner()
                .secret("AWS_SECRET", env.get("AWS_SECRET"))
                .secret("AWS_SECRET_ACCESS_KEY", env.get("AWS_SECRET_ACCESS_KEY"))
                .secret("AWS_SESSION_TOKEN", env.get("AWS_SESSION_TOKEN"))
                .secret("BITBUCKET_STEP_OIDC_TOKEN", env.get("BITBUCKET_STEP_OIDC_TOKEN"))
                .secret("the bed's AWS secret", bed.secretKey())
                .registryPasswords(bed.standIn().issuedRegistryPasswords());
    }

    @Override
    public String name() {
        return inner.name() + (debug ? " with DEBUG=true" : "");
    }
}
