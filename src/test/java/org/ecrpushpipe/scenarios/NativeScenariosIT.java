package org.ecrpushpipe.scenarios;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.ecrpushpipe.testbed.EcrBed;
import org.ecrpushpipe.testbed.TestImages;
import org.ecrpushpipe.testbed.TlsRelay;
import org.ecrpushpipe.testbed.UnixSocketRelay;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scenarios with the pipe's native binary ({@code target/*-runner}) as a separate process, plus what only the
 * binary can get wrong: the parts of the JDK and the libraries it reaches by reflection, resources or native code,
 * which native-image must have been told about. Runs only in the native profile ({@code ./mvnw verify -Dnative},
 * which builds the binary); without a binary every test fails, naming the command that builds one.
 */
class NativeScenariosIT extends PipeScenarios {
    @TempDir
    Path contexts;

    NativeScenariosIT(EcrBed bed) {
        super(bed);
    }

    @Override
    protected Launcher launcher() {
        return new NativeLauncher();
    }

    /** The default builder only: the native binary's own concerns do not depend on the builder. */
    @Override
    protected Builder builder() {
        return Builder.BUILDKIT;
    }

    private Path busyboxContext(String name, String... lines) {
        TestImages.Context context = TestImages.busybox(contexts.resolve(name)).uniqueFile();
        for (String line : lines) {
            context.line(line);
        }
        return context.write();
    }

    private void assertPushed(Launcher.PipeRun run, String repository) {
        assertEquals(0, run.exitCode(), run.output());
        assertTrue(bed.manifestDigest(repository, "latest").isPresent(), "pushed: " + run.output());
    }

    /**
     * An engine on a unix socket (DOCKER_HOST=unix://…, the socket a user mounts): docker-java's transport opens it
     * with the JDK's unix-domain channels, found by reflection; JNA, its fallback, is not configured in the binary.
     */
    @Test
    void pushesThroughAnEngineOnAUnixSocket() throws IOException {
        bed.standIn().createRepository("native/unix");
        try (UnixSocketRelay socket = UnixSocketRelay.start(bed.dockerHost())) {
            Map<String, String> env = bed.pipeEnv("native/unix");
            env.put("DOCKER_HOST", "unix://" + socket.socket());
            Launcher.PipeRun run = launcher().run(env, Map.of(), busyboxContext("unix"));
            assertTrue(run.output().contains("INFO: Using the Docker engine at unix://" + socket.socket() + "."),
                    run.output());
            assertPushed(run, "native/unix");
        }
    }

    /**
     * A file name with a non-ASCII letter, without LANG: the binary's file-name encoding was fixed when it was built
     * (UTF-8 under the builder's locale), so it lists, opens and packs "café.txt" whatever the run's locale.
     */
    @Test
    void packsNonAsciiFileNamesWithoutLang() throws Exception {
        bed.standIn().createRepository("native/utf8");
        Path context = busyboxContext("utf8", "COPY caf* /", "RUN test -f /café.txt");
        // The name written by bash from its UTF-8 bytes: this JVM may run without a UTF-8 locale.
        Process named = new ProcessBuilder("bash", "-c", "printf 'non-ASCII name\\n' > $'caf\\xc3\\xa9.txt'")
                .directory(context.toFile()).redirectErrorStream(true).start();
        assertTrue(named.waitFor(30, TimeUnit.SECONDS), "bash did not finish");
        assertEquals(0, named.exitValue(), new String(named.getInputStream().readAllBytes(), StandardCharsets.UTF_8));

        Map<String, String> env = bed.pipeEnv("native/utf8");
        assertTrue(!env.containsKey("LANG") && !env.containsKey("LC_ALL"), "the run has no locale: " + env.keySet());
        assertPushed(launcher().run(env, Map.of(), context), "native/utf8");
    }

    /**
     * The ECR API over HTTPS, as real ECR is reached (the scenarios above call the stand-in over plain HTTP): the
     * AWS SDK's url-connection client needs the https URL protocol and TLS in the binary. The relay's certificate
     * is trusted through system properties on the command line, which is how a native binary takes them.
     */
    @Test
    void callsTheEcrApiOverHttps() throws IOException {
        bed.standIn().createRepository("native/https");
        try (TlsRelay tls = TlsRelay.start(bed.standIn().apiEndpoint())) {
            Map<String, String> env = bed.pipeEnv("native/https");
            env.put("AWS_ENDPOINT_URL", tls.endpoint());
            Launcher trusting = new NativeLauncher(List.of("-Djavax.net.ssl.trustStore=" + tls.trustStore(),
                    "-Djavax.net.ssl.trustStorePassword=" + TlsRelay.TRUST_STORE_PASSWORD));
            assertPushed(trusting.run(env, Map.of(), busyboxContext("https")), "native/https");
        }
    }
}
