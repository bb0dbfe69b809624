package org.ecrpushpipe.packaged;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.ecrpushpipe.scenarios.JarLauncher;
import org.ecrpushpipe.scenarios.Launcher;
import org.ecrpushpipe.testbed.EcrBed;
import org.ecrpushpipe.testbed.EcrBedExtension;
import org.ecrpushpipe.testbed.TestImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A build without secrets does not pay for the session: the packaged pipe, run with {@code -verbose:class}, loads
 * no class of gRPC, Netty or the session's messages; with BUILD_SECRETS it loads them. The counts are printed for
 * the record.
 */
@ExtendWith(EcrBedExtension.class)
class SessionClassLoadingIT {
    @TempDir
    Path work;

    private static List<String> loaded(Launcher.PipeRun run, String... prefixes) {
        return run.lines().stream().filter(l -> l.contains("[class,load] "))
                .filter(l -> List.of(prefixes).stream().anyMatch(p -> l.contains("] " + p))).toList();
    }

    private static long classes(Launcher.PipeRun run) {
        return run.lines().stream().filter(l -> l.contains("[class,load] ")).count();
    }

    @Test
    void onlyABuildWithSecretsLoadsTheSessionsMachinery(EcrBed bed) throws IOException {
        Path clone = TestImages.busybox(work.resolve("clone")).uniqueFile()
                .line("RUN --mount=type=secret,id=npm true").write();
        JarLauncher verbose = new JarLauncher(List.of(), JarLauncher.JAR, List.of("-verbose:class"));
        bed.standIn().createRepository("classes/plain");
        Map<String, String> plainEnv = bed.pipeEnv("classes/plain");
        Path plainClone = TestImages.busybox(work.resolve("plain")).uniqueFile().write();
        long started = System.nanoTime();
        Launcher.PipeRun plain = verbose.run(plainEnv, Map.of(), plainClone);
        long plainMillis = (System.nanoTime() - started) / 1_000_000;
        assertEquals(0, plain.exitCode(), plain.output());
        assertEquals(List.of(), loaded(plain, "io.grpc.", "io.netty.", "org.ecrpushpipe.docker.engine.session.",
                "org.ecrpushpipe.docker.engine.GrpcSession", "org.ecrpushpipe.docker.engine.SessionServices"),
                "no class of the session's machinery without secrets");

        bed.standIn().createRepository("classes/secrets");
        Map<String, String> secretEnv = bed.pipeEnv("classes/secrets");
        secretEnv.put("BUILD_SECRETS", "id=npm,env=NPM_TOKEN");
        secretEnv.put("NPM_TOKEN", "npm-token-of-the-class-count");
        started = System.nanoTime();
        Launcher.PipeRun withSecrets = verbose.run(secretEnv, Map.of(), clone);
        long secretMillis = (System.nanoTime() - started) / 1_000_000;
        assertEquals(0, withSecrets.exitCode(), withSecrets.output());
        long session = loaded(withSecrets, "io.grpc.", "io.netty.", "org.ecrpushpipe.docker.engine.session.").size();
        assertTrue(session > 100, "the session's classes load with secrets: " + session);
        System.out.println("SESSION-CLASSES without secrets: " + classes(plain) + " classes loaded; with secrets: "
                + classes(withSecrets) + " (" + session + " of gRPC, Netty and the session's messages); runs of "
                + plainMillis + " ms and " + secretMillis + " ms (cold builds, one each: not a benchmark)");
    }
}
