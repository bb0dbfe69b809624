package org.ecrpushpipe.scenarios;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.ecrpushpipe.standin.ScanResult;
import org.ecrpushpipe.testbed.EcrRegionsBed;
import org.junit.jupiter.api.Test;

/**
 * The scan gate with MIRROR_REGIONS, on the bed with three regions of one account: the image is scanned once, in its
 * own region, before any tag anywhere; a stopped release reaches no region, a clean one reaches all with the same
 * digest and is scanned in none of the others.
 */
class ScanGateRegionsTest extends RegionsScenarios {
    private static final List<String> RELEASE = List.of("1.0", "latest");

    ScanGateRegionsTest(EcrRegionsBed bed) {
        super(bed);
    }

    private Map<String, String> gated(String repository, ScanResult scan) {
        bed.createRepository(repository, "MUTABLE", ALL_REGIONS);
        bed.standIn(HOME).scanResult(repository, scan);
        Map<String, String> env = bed.pipeEnv(bed.repositoryUri(repository));
        env.put("TAGS", "1.0 latest");
        env.put("MIRROR_REGIONS", String.join(" ", EcrRegionsBed.OTHER_REGIONS));
        env.put("SCAN_FAIL_ON", "HIGH");
        env.put("CACHE", "false");
        ALL_REGIONS.forEach(r -> {
            bed.standIn(r).requests().clear();
            bed.standIn(r).registryRequests().clear();
        });
        return env;
    }

    @Test
    void aStoppedReleaseReachesNoRegion() {
        String repository = "gate-mirror/stopped";
        Map<String, String> env = gated(repository, ScanResult.basic(new ScanResult.Finding("CVE-2024-24790", "HIGH",
                "glibc", "2.36", null)));
        Launcher.PipeRun run = launcher.run(env, Map.of(), context("stopped"));

        assertEquals(7, run.exitCode(), run.output());
        Map<String, Optional<String>> none = Map.of("1.0", Optional.empty(), "latest", Optional.empty());
        for (String region : ALL_REGIONS) {
            assertEquals(none, bed.state(repository, RELEASE).get(region), region);
        }
        for (String region : EcrRegionsBed.OTHER_REGIONS) {
            assertEquals(List.of(), bed.standIn(region).registryRequests(), "nothing reached " + region);
        }
        assertFalse(run.output().contains("Mirroring"), run.output());
    }

    @Test
    void aCleanReleaseIsScannedOnceAndMirroredEverywhere() {
        String repository = "gate-mirror/clean";
        Map<String, String> env = gated(repository, ScanResult.clean());
        Launcher.PipeRun run = launcher.run(env, Map.of(), context("clean"));

        assertEquals(0, run.exitCode(), run.output());
        Optional<String> digest = bed.manifestDigest(HOME, repository, "1.0");
        assertTrue(digest.isPresent(), run.output());
        for (String region : ALL_REGIONS) {
            assertEquals(Map.of("1.0", digest, "latest", digest), bed.state(repository, RELEASE).get(region), region);
        }
        assertEquals(1, bed.standIn(HOME).scanCount(repository));
        for (String region : EcrRegionsBed.OTHER_REGIONS) {
            List<String> operations = bed.standIn(region).requests().operations();
            assertFalse(operations.contains("StartImageScan") || operations.contains("DescribeImageScanFindings"),
                    region + ": " + operations);
            assertEquals(0, bed.standIn(region).scanCount(repository), region);
        }
        int passed = run.output().indexOf("Scan gate passed");
        assertTrue(passed > 0 && passed < run.output().indexOf("Mirroring"), run.output());
    }
}
