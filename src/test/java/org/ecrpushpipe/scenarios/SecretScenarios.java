package org.ecrpushpipe.scenarios;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.ecrpushpipe.testbed.DebianDockerCli;
import org.ecrpushpipe.testbed.EcrBed;
import org.ecrpushpipe.testbed.EcrBedExtension;
import org.ecrpushpipe.testbed.SecretScanner;
import org.ecrpushpipe.testbed.TestImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Build secrets on the bed, with the docker CLI as the oracle: {@code DOCKER_BUILDKIT=1 docker build --secret …}
 * (Debian's 20.10) builds a context first, then the pipe builds the same context with the same secrets in
 * BUILD_SECRETS, a token passed to the pipe by name and a file of the clone. Both succeed or both fail; with the
 * secrets given the pipe's image is the CLI's (every step from its cache); the values, which the build prints, are
 * masked in the pipe's output with DEBUG on, and found neither in the pushed image (saved, inspected, its history)
 * nor in the files the run left. Each subclass names the {@link Launcher}: in-process, the packaged jar, and the
 * pipe's image run as Bitbucket runs it.
 */
@ExtendWith(EcrBedExtension.class)
abstract class SecretScenarios {
    private static final Pattern BUILT = Pattern.compile("INFO: Built image (sha256:[0-9a-f]{64})\\.");

    @TempDir
    Path work;

    protected final EcrBed bed;

    SecretScenarios(EcrBed bed) {
        this.bed = bed;
    }

    /** How this class runs the pipe. */
    protected abstract Launcher launcher();

    /** A clone whose build context is {@code app} (so the secret file beside it is never sent) and a {@code .netrc}. */
    private Path clone(String name, String netrc, String... lines) throws IOException {
        Path clone = Files.createDirectories(work.resolve(name));
        TestImages.Context context = TestImages.busybox(clone.resolve("app")).uniqueFile();
        List.of(lines).forEach(context::line);
        context.write();
        Files.writeString(clone.resolve(".netrc"), netrc);
        return clone;
    }

    private DebianDockerCli.Build cli(Path clone, Map<String, String> env, String... secrets) throws Exception {
        String[] args = new String[secrets.length * 2];
        for (int i = 0; i < secrets.length; i++) {
            args[2 * i] = "--secret";
            args[2 * i + 1] = secrets[i];
        }
        return new DebianDockerCli(bed.dockerHost(), work).build(true, clone.resolve("app"), env, args);
    }

    private Map<String, String> env(String repository, String token) {
        bed.standIn().createRepository(repository);
        Map<String, String> env = bed.pipeEnv(repository);
        env.put("BUILD_CONTEXT", "app");
        env.put("BUILDER", "buildkit");
        env.put("DEBUG", "true");
        env.put("CACHE", "false"); // the inline cache's metadata would make another image than the CLI's
        env.put("NPM_TOKEN", token);
        return env;
    }

    private static String builtImage(Launcher.PipeRun run) {
        return run.lines().stream().map(BUILT::matcher).filter(Matcher::matches).map(m -> m.group(1)).findFirst()
                .orElseThrow(() -> new AssertionError("no 'Built image' line:\n" + run.output()));
    }

    @Test
    void secretsReachTheStepTheImageIsTheClisAndNoValueIsLeftAnywhere() throws Exception {
        String token = "npm_" + UUID.randomUUID().toString().replace("-", "");
        String password = "netrc-" + UUID.randomUUID();
        Path clone = clone("given", "machine npm.example.com login ci password " + password + "\n",
                "RUN --mount=type=secret,id=npm --mount=type=secret,id=netrc,required sh -c"
                        + " 'echo token=$(cat /run/secrets/npm); grep -c password /run/secrets/netrc;"
                        + " cat /unique.txt > /built.txt'");
        DebianDockerCli.Build cli = cli(clone, Map.of("NPM_TOKEN", token), "id=npm,env=NPM_TOKEN",
                "id=netrc,src=" + clone.resolve(".netrc"));
        assertEquals(0, cli.exitCode(), cli.output());

        Instant start = Instant.now();
        Map<String, String> env = env("secrets/given", token);
        Launcher.PipeRun run = launcher().run(env, Map.of("BUILD_SECRETS",
                List.of("id=npm,env=NPM_TOKEN", "id=netrc,src=.netrc")), clone);
        assertEquals(0, run.exitCode(), run.output());
        assertEquals(cli.imageId(), builtImage(run), "every step from the CLI's cache: the same image\n"
                + run.output());
        assertEquals(Optional.of(cli.imageId()), bed.imageIdOf("secrets/given", "latest"));
        assertTrue(run.output().contains("INFO: Build secrets: npm (the variable NPM_TOKEN), netrc (the file"
                + " .netrc); their values are never shown."), run.output());
        SecretScanner scanner = new SecretScanner().secret("the npm token", token).secret("the netrc password",
                password);
        scanner.assertNoneIn("the pipe's output with DEBUG=true", run.output());
        scanner.assertNoneInFilesUnder(start, clone.resolve("app"), Path.of(System.getProperty("user.home")));
        String pushed = bed.repositoryUri("secrets/given") + ":latest";
        scanner.assertNoneInImage(bed.dockerHost(), pushed);
        scanner.assertNoneInSavedImage(bed.dockerHost(), pushed);
    }

    @Test
    void theValueABuildPrintsIsMasked() throws Exception {
        String token = "npm_" + UUID.randomUUID().toString().replace("-", "");
        Path clone = clone("printed", "machine x\n",
                "RUN --mount=type=secret,id=npm sh -c 'echo token=$(cat /run/secrets/npm) && cat /unique.txt'");
        Launcher.PipeRun run = launcher().run(env("secrets/printed", token),
                Map.of("BUILD_SECRETS", List.of("id=npm,env=NPM_TOKEN")), clone);
        assertEquals(0, run.exitCode(), run.output());
        assertFalse(run.output().contains(token), run.output());
        assertTrue(run.lines().stream().anyMatch(l -> l.matches("#\\d+ \\S+ token=\\*\\*\\*\\*")), run.output());
        // DEBUG shows library logs: the session's libraries have nothing to say on a build that goes well
        assertTrue(run.lines().stream().noneMatch(l -> l.contains("io.netty") || l.contains("io.grpc")), run.output());
    }

    @Test
    void aRequiredSecretNotGivenFailsAsItFailsTheCli() throws Exception {
        Path clone = clone("required", "machine x\n",
                "RUN --mount=type=secret,id=missing,required cat /run/secrets/missing");
        DebianDockerCli.Build cli = cli(clone, Map.of("NPM_TOKEN", "unused-token-0001"), "id=npm,env=NPM_TOKEN");
        assertNotEquals(0, cli.exitCode(), cli.output());

        Launcher.PipeRun run = launcher().run(env("secrets/required", "unused-token-0001"),
                Map.of("BUILD_SECRETS", List.of("id=npm,env=NPM_TOKEN")), clone);
        assertEquals(5, run.exitCode(), run.output());
        assertTrue(run.failureLine().startsWith("✖ The image build failed at ")
                && run.failureLine().contains("id=missing,required"), run.output());
        assertTrue(run.output().contains("Hint: the step mounts a secret with required=true whose id BUILD_SECRETS"
                + " does not give"), run.output());
        assertEquals(Optional.empty(), bed.manifestDigest("secrets/required", "latest"));
    }
}
