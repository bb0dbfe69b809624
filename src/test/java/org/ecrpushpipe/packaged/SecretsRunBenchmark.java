package org.ecrpushpipe.packaged;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
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
 * Not a test (its name keeps it out of the suite): the packaged pipe's no-change re-run of a small context with one
 * build secret against the same run without, interleaved, each a whole run (JVM start, login, build, push check).
 * {@code bash test/run-tests.sh -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=SecretsRunBenchmark
 * -Dbench.rounds=7}; prints a Markdown table.
 */
@ExtendWith(EcrBedExtension.class)
class SecretsRunBenchmark {
    @TempDir
    Path work;

    @Test
    void measure(EcrBed bed) {
        int rounds = Integer.getInteger("bench.rounds", 7);
        Path clone = TestImages.busybox(work.resolve("clone")).uniqueFile().write();
        bed.standIn().createRepository("bench/secrets");
        Map<String, String> plain = bed.pipeEnv("bench/secrets");
        Map<String, String> secret = bed.pipeEnv("bench/secrets");
        secret.put("BUILD_SECRETS", "id=npm,env=NPM_TOKEN");
        secret.put("NPM_TOKEN", "npm-token-of-the-benchmark");
        JarLauncher jar = new JarLauncher();
        assertEquals(0, jar.run(plain, Map.of(), clone).exitCode());
        List<Long> without = new ArrayList<>();
        List<Long> with = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            boolean secretFirst = round % 2 == 1;
            for (int k = 0; k < 2; k++) {
                boolean withSecret = (k == 0) == secretFirst;
                long start = System.nanoTime();
                Launcher.PipeRun run = jar.run(withSecret ? secret : plain, Map.of(), clone);
                long millis = (System.nanoTime() - start) / 1_000_000;
                assertEquals(0, run.exitCode(), run.output());
                (withSecret ? with : without).add(millis);
            }
        }
        System.out.println("SECRETS-RUN-BENCHMARK\n| no-change re-run, packaged pipe (JDK of the tests) | median ms | runs"
                + " (ms) |\n|---|---|---|\n| without BUILD_SECRETS | " + median(without) + " | " + without + " |\n"
                + "| with one build secret (a session) | " + median(with) + " | " + with + " |");
    }

    private static long median(List<Long> runs) {
        return runs.stream().sorted().toList().get(runs.size() / 2);
    }
}
