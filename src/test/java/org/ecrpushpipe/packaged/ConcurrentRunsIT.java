package org.ecrpushpipe.packaged;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.ecrpushpipe.scenarios.JarLauncher;
import org.ecrpushpipe.scenarios.Launcher;
import org.ecrpushpipe.testbed.EcrBed;
import org.ecrpushpipe.testbed.EcrBedExtension;
import org.ecrpushpipe.testbed.TestImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Packaged pipes started together on one engine, pushing the same tag from different contexts: whatever the
 * interleaving, a run that reports success reports its own image (the pushed digest's config is the image id it
 * built), and a run that cannot says so clearly.
 */
@ExtendWith(EcrBedExtension.class)
class ConcurrentRunsIT {
    private static final Pattern BUILT = Pattern.compile("INFO: Built image (sha256:[0-9a-f]{64})\\.");
    private static final Pattern PUSHED = Pattern.compile("✔ Successfully pushed \\S+:race \\((sha256:[0-9a-f]{64})\\)");

    @TempDir
    Path work;

    @Test
    void everyReportedSuccessIsTheRunsOwnImage(EcrBed bed) throws Exception {
        bed.standIn().createRepository("concurrent/app");
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            for (int round = 0; round < 3; round++) {
                List<Future<Launcher.PipeRun>> runs = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    Path dir = TestImages.busybox(work.resolve("r" + round + "-" + i)).uniqueFile().write();
                    Map<String, String> env = bed.pipeEnv("concurrent/app");
                    env.put("TAGS", "race");
                    runs.add(pool.submit(() -> new JarLauncher().run(env, Map.of(), dir)));
                }
                List<String> succeeded = new ArrayList<>();
                for (Future<Launcher.PipeRun> future : runs) {
                    Launcher.PipeRun run = future.get();
                    Matcher built = BUILT.matcher(run.output());
                    assertTrue(built.find(), run.output());
                    Matcher pushed = PUSHED.matcher(run.output());
                    if (run.exitCode() == 0) {
                        assertTrue(pushed.find(), run.output());
                        assertEquals(Optional.of(built.group(1)), bed.imageIdOf("concurrent/app", pushed.group(1)),
                                "the digest a run reports is the image it built:\n" + run.output());
                        succeeded.add(built.group(1));
                    } else {
                        assertEquals(6, run.exitCode(), run.output());
                        assertFalse(pushed.find(), "no success line in a failed run:\n" + run.output());
                        assertTrue(run.failureLine().contains("another run"), run.output());
                    }
                }
                assertFalse(succeeded.isEmpty(), "at least the last run to push succeeds");
                assertTrue(succeeded.contains(bed.imageIdOf("concurrent/app", "race").orElseThrow()),
                        "the tag ends on the image of a run that reported success");
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
