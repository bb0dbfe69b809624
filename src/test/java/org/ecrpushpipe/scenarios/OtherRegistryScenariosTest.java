package org.ecrpushpipe.scenarios;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.ecrpushpipe.testbed.EcrBed;
import org.ecrpushpipe.testbed.EcrBedExtension;
import org.ecrpushpipe.testbed.TestImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A registry other than ECR: IMAGE on the bed's plain registry ({@code 127.0.0.1:<port>}, htpasswd), with
 * REGISTRY_USERNAME and REGISTRY_PASSWORD. The pipe builds, pushes and verifies through the registry's own API, and
 * makes no AWS call: the ECR stand-in, whose endpoint the run is also given, hears nothing.
 */
@ExtendWith(EcrBedExtension.class)
class OtherRegistryScenariosTest {
    private static final Pattern PUSHED = Pattern.compile("✔ Successfully pushed (\\S+):(\\S+) \\((sha256:[0-9a-f]{64})\\)");

    @TempDir
    Path work;

    private final EcrBed bed;
    private final Launcher launcher = new InProcessLauncher();

    OtherRegistryScenariosTest(EcrBed bed) {
        this.bed = bed;
    }

    private Map<String, String> env(String repository, String password) {
        Map<String, String> env = new HashMap<>();
        env.put("IMAGE", bed.registry().host() + "/" + repository);
        env.put("REGISTRY_USERNAME", bed.registry().username());
        env.put("REGISTRY_PASSWORD", password);
        env.put("DOCKER_HOST", bed.dockerHost());
        env.put("AWS_ENDPOINT_URL", bed.standIn().apiEndpoint());
        env.put("NO_COLOR", "1");
        env.put("DEBUG", "true");
        env.put("BUILD_NETWORK", "host"); // the bed's engine has no bridge network
        return env;
    }

    private void assertNoRegistrySecretIn(Launcher.PipeRun run) {
        String password = bed.registry().password();
        assertFalse(run.output().contains(password), "the password is printed");
        assertFalse(run.output().contains(Base64.getEncoder().encodeToString((bed.registry().username() + ":"
                + password).getBytes(StandardCharsets.UTF_8))), "the Basic token is printed");
    }

    @Test
    void buildsPushesAndVerifiesEveryTagWithoutAnyAwsCall() {
        Map<String, String> env = env("other-registry/app", bed.registry().password());
        env.put("TAGS", "1.0 latest");
        env.put("AWS_KEY", EcrBed.ACCESS_KEY);
        env.put("AWS_SECRET", bed.secretKey());
        bed.standIn().requests().clear();

        Launcher.PipeRun run = launcher.run(env, Map.of(),
                TestImages.busybox(work.resolve("other")).uniqueFile().write());

        assertEquals(0, run.exitCode(), run.output());
        assertTrue(run.output().contains("WARNING: AWS_KEY is set, but IMAGE is on " + bed.registry().host()
                + ", not on ECR: the AWS keys are not used"), run.output());
        Matcher pushed = PUSHED.matcher(run.output());
        List<String> tags = new java.util.ArrayList<>();
        String digest = null;
        while (pushed.find()) {
            assertEquals(bed.registry().host() + "/other-registry/app", pushed.group(1));
            tags.add(pushed.group(2));
            digest = pushed.group(3);
        }
        assertEquals(List.of("1.0", "latest"), tags, run.output());
        assertEquals(Optional.of(digest), bed.manifestDigest("other-registry/app", "1.0"));
        assertEquals(Optional.of(digest), bed.manifestDigest("other-registry/app", "latest"));
        assertEquals(List.of(), bed.standIn().requests().all(), "no AWS call");
        assertNoRegistrySecretIn(run);
    }

    @Test
    void aWrongPasswordIsOneLineWithExitCode3() {
        Map<String, String> env = env("other-registry/refused", "WrongPasswordOfTheOtherRegistry1");
        env.remove("DEBUG");
        Launcher.PipeRun run = launcher.run(env, Map.of(),
                TestImages.busybox(work.resolve("refused")).uniqueFile().write());

        assertEquals(3, run.exitCode(), run.output());
        assertTrue(run.failureLine().startsWith("✖ The registry " + bed.registry().host()
                + " refused REGISTRY_USERNAME and REGISTRY_PASSWORD"), run.output());
        assertFalse(run.output().contains("WrongPasswordOfTheOtherRegistry1"));
        assertEquals(Optional.empty(), bed.manifestDigest("other-registry/refused", "latest"));
    }

    @Test
    void aNonEcrHostWithoutRegistryCredentialsIsAConfigurationError() {
        Map<String, String> env = env("other-registry/none", "unused");
        env.remove("REGISTRY_USERNAME");
        env.remove("REGISTRY_PASSWORD");
        env.put("AWS_KEY", EcrBed.ACCESS_KEY);
        env.put("AWS_SECRET", bed.secretKey());
        Launcher.PipeRun run = launcher.run(env, Map.of(), TestImages.busybox(work.resolve("none")).write());

        assertEquals(2, run.exitCode(), run.output());
        assertTrue(run.output().contains("is not an ECR registry host"), run.output());
        assertTrue(run.output().contains("set REGISTRY_USERNAME and REGISTRY_PASSWORD"), run.output());
    }
}
