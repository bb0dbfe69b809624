package org.ecrpushpipe.testbed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code test/bed.sh} run as a script, the way {@code test/run-tests.sh} and {@code test/try-it.sh} use it: each
 * test starts a private engine of its own in a fresh bash, asks it something, and checks that the bash left no
 * process of its own running when it ended.
 */
class BedShellTest {
    @TempDir
    Path work;

    /** What one bash run printed, and its exit code. */
    record Run(int exitCode, String stdout, String stderr) {
        String value(String name) {
            return stdout.lines().filter(l -> l.startsWith(name + "=")).map(l -> l.substring(name.length() + 1))
                    .findFirst().orElseThrow(() -> new AssertionError("no " + name + "= in " + this));
        }
    }

    /** Runs {@code script} in a bash that has sourced test/bed.sh, without the test run's engine settings. */
    private Run bed(String script) throws IOException, InterruptedException {
        MarkedProcesses marked = MarkedProcesses.create("BED_SHELL_TEST_MARK");
        ProcessBuilder builder = new ProcessBuilder("bash", "-c", "set -euo pipefail; source test/bed.sh; " + script)
                .redirectOutput(work.resolve("out").toFile()).redirectError(work.resolve("err").toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith("DOCKER_") || name.startsWith("BED_"));
        builder.environment().put(marked.variable(), marked.value());
        Process process = builder.start();
        boolean ended = process.waitFor(5, TimeUnit.MINUTES);
        List<MarkedProcesses.Found> left = MarkedProcesses.awaitEnd(marked.running(), 30);
        if (!ended || !left.isEmpty()) {
            MarkedProcesses.stop(marked.running());
        }
        Run run = new Run(ended ? process.exitValue() : -1, Files.readString(work.resolve("out"), StandardCharsets.UTF_8),
                Files.readString(work.resolve("err"), StandardCharsets.UTF_8));
        assertTrue(ended, "bash did not end within 5 minutes: " + run);
        assertEquals(List.of(), left, "still running after bash ended (now stopped by PID): " + run);
        return run;
    }

    private static final String ENGINE_FACTS = "bed_start_engine; "
            + "printf 'driver=%s\\nexported=%s\\n' \"$(docker info --format '{{.Driver}}')\" \"$BED_ENGINE_STORAGE_DRIVER\"";

    @Test
    void theEngineRunsOverlay2WhereTheKernelAllowsItAndSaysSoOtherwise() throws Exception {
        Run run = bed(ENGINE_FACTS);
        assertEquals(0, run.exitCode(), run.toString());
        String driver = run.value("driver");
        assertEquals(driver, run.value("exported"), "BED_ENGINE_STORAGE_DRIVER names the engine's driver");
        assertTrue(run.stderr().contains("storage driver " + driver + ","), "the bed says which driver: " + run);
        if (!driver.equals("overlay2")) {
            assertEquals("vfs", driver, run.toString());
            assertTrue(run.stderr().contains("dockerd refused the storage driver overlay2 ("),
                    "a fallback to vfs says why: " + run);
        }
    }

    @Test
    void aRefusedStorageDriverFallsBackToTheNextAndSaysWhy() throws Exception {
        Run run = bed("BED_STORAGE_DRIVERS='nonesuch vfs' " + ENGINE_FACTS);
        assertEquals(0, run.exitCode(), run.toString());
        assertEquals("vfs", run.value("driver"), run.toString());
        assertEquals("vfs", run.value("exported"), run.toString());
        assertTrue(run.stderr().contains("bed: dockerd refused the storage driver nonesuch (error initializing graphdriver"),
                run.toString());
    }

    @Test
    void anEngineThatCannotStartFailsLoudlyAndLeavesNothing() throws Exception {
        Run run = bed("BED_STORAGE_DRIVERS='nonesuch' bed_start_engine; echo unreachable");
        assertEquals(1, run.exitCode(), run.toString());
        assertTrue(run.stderr().contains("bed: ERROR: could not start a private Docker engine"), run.toString());
        assertTrue(run.stderr().contains("dockerd: "), "the engine's log is shown: " + run);
        assertTrue(run.stdout().isEmpty(), run.toString());
    }

    private static final String CURRENT_FACTS = "bed_start_engine; bed_start_current_engine; "
            + "cli() { DOCKER_CONFIG=\"$BED_DIR/cli\" \"$BED_CURRENT_DOCKER_CLI\" -H \"$BED_CURRENT_DOCKER_HOST\" \"$@\"; }; "
            + "printf 'version=%s\\ndriver=%s\\nmain=%s\\nhosts=%s\\nmainhosts=%s\\n' "
            + "\"$(cli version --format '{{.Server.Version}}')\" "
            + "\"$(cli info --format '{{.Driver}}')\" \"$BED_ENGINE_STORAGE_DRIVER\" "
            + "\"$(grep -c '\\.dkr\\.ecr\\.' /proc/$BED_CURRENT_PID/root/etc/hosts)\" "
            + "\"$(grep -c '\\.dkr\\.ecr\\.' \"$BED_DIR/etc/hosts\")\"";

    /**
     * The current engine runs beside the main one, as current as Debian's suite makes it, on the main engine's
     * storage driver, resolving the bed's ECR host names in its own mount namespace; it stops with the bash. Its
     * packages stay in the cache: with the mirror out of reach, the next start takes them from there.
     */
    @Test
    void theCurrentEngineRunsBesideTheMainOneAndStartsFromTheCacheWithoutTheMirror() throws Exception {
        Run run = bed(CURRENT_FACTS);
        assertEquals(0, run.exitCode(), run.toString());
        int major = Integer.parseInt(run.value("version").replaceFirst("\\..*", ""));
        assertTrue(major >= 23, "a Docker with the Dockerfile frontend 1.4 or later: " + run);
        assertEquals(run.value("main"), run.value("driver"), run.toString());
        assertTrue(Integer.parseInt(run.value("mainhosts")) >= 4, "the bed's ECR hosts: " + run);
        assertEquals(run.value("mainhosts"), run.value("hosts"), "the bed's ECR hosts in the engine's /etc/hosts, as"
                + " the main engine's: " + run);
        assertTrue(run.stderr().contains("bed: current Docker engine (Docker version " + run.value("version")),
                run.toString());

        // the mirror out of reach: apt's requests go to a proxy that is not there
        Run offline = bed("BED_APT_OPTIONS='-o Acquire::http::Proxy=http://127.0.0.1:9'; " + CURRENT_FACTS);
        assertEquals(0, offline.exitCode(), offline.toString());
        assertEquals(run.value("version"), offline.value("version"), offline.toString());
        assertTrue(offline.stderr().contains("failed; using the package lists fetched earlier"), offline.toString());
    }

    @Test
    void aCurrentEngineThatCannotBeHadFailsLoudlyNamingWhyAndLeavesNothing() throws Exception {
        Run run = bed("export BED_CACHE_DIR=" + work.resolve("empty-cache") + " BED_DEBIAN_MIRROR=http://127.0.0.1:9/debian; "
                + "bed_start_engine; bed_start_current_engine; echo unreachable");
        assertEquals(1, run.exitCode(), run.toString());
        assertTrue(run.stderr().contains("bed: ERROR: could not fetch Debian trixie's package lists from"
                + " http://127.0.0.1:9/debian: "), run.toString());
        assertTrue(run.stderr().contains("bed: ERROR: could not get Debian trixie's Docker engine"), run.toString());
        assertTrue(run.stdout().isEmpty(), run.toString());
    }
}
