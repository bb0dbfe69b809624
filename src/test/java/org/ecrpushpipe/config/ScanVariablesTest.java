package org.ecrpushpipe.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.ecrpushpipe.errors.PipeException;
import org.ecrpushpipe.errors.PipeException.Configuration.Problem;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SCAN_FAIL_ON, SCAN_IGNORE and SCAN_TIMEOUT_SECONDS, read with all the other variables by {@link ConfigReader}. */
class ScanVariablesTest {
    private static final String IMAGE = "123456789012.dkr.ecr.ap-southeast-1.amazonaws.com/my-service";

    @TempDir
    Path work;

    @BeforeEach
    void dockerfile() throws IOException {
        Files.writeString(work.resolve("Dockerfile"), "FROM scratch\n");
    }

    private Map<String, String> env(String... pairs) {
        Map<String, String> env = new HashMap<>(Map.of("AWS_KEY", "AKIAEXAMPLE", "AWS_SECRET", "secret/value",
                "IMAGE", IMAGE));
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return env;
    }

    private Optional<ScanSettings> read(Map<String, String> env) {
        return ConfigReader.read(env, work).config().scan();
    }

    private List<Problem> problems(Map<String, String> env) {
        return assertThrows(PipeException.Configuration.class, () -> ConfigReader.read(env, work)).problems();
    }

    @Test
    void noGateByDefault() {
        assertEquals(Optional.empty(), read(env()));
    }

    @Test
    void theGateWithItsDefaultsAndWithEverySetting() {
        assertEquals(Optional.of(new ScanSettings(Severity.HIGH, Set.of(), Duration.ofSeconds(300))),
                read(env("SCAN_FAIL_ON", "HIGH")));
        ScanSettings set = read(env("SCAN_FAIL_ON", "critical", "SCAN_IGNORE", "CVE-2024-12345 ghsa-vp9c-fpxx-744v"
                + " ALAS2-2024-2500 DSA-5000-1 RHSA-2024:1234", "SCAN_TIMEOUT_SECONDS", "45")).orElseThrow();
        assertEquals(Severity.CRITICAL, set.failOn());
        assertEquals(Duration.ofSeconds(45), set.timeout());
        assertEquals(Set.of("CVE-2024-12345", "GHSA-VP9C-FPXX-744V", "ALAS2-2024-2500", "DSA-5000-1",
                "RHSA-2024:1234"), set.ignored());
        assertTrue(set.accepts("cve-2024-12345"));
        assertTrue(set.accepts("GHSA-vp9c-fpxx-744v"));
        assertFalse(set.accepts("CVE-2024-1234"));
    }

    @Test
    void scanIgnoreAsAYamlList() {
        ScanSettings set = read(env("SCAN_FAIL_ON", "LOW", "SCAN_IGNORE_COUNT", "2", "SCAN_IGNORE_0",
                "CVE-2023-0001", "SCAN_IGNORE_1", "CVE-2023-0002")).orElseThrow();
        assertEquals(Set.of("CVE-2023-0001", "CVE-2023-0002"), set.ignored());
    }

    @Test
    void everyBadValueIsReportedAtOnce() {
        assertEquals(List.of(
                new Problem("SCAN_FAIL_ON", "'SEVERE' is not a severity; use one of CRITICAL, HIGH, MEDIUM, LOW,"
                        + " INFORMATIONAL (the least severity that stops the release)"),
                new Problem("SCAN_IGNORE", "'CVE-2024-12' is not a finding id: a CVE id (CVE-2024-12345), a GitHub"
                        + " advisory (GHSA-xxxx-xxxx-xxxx) or another advisory as ECR's findings name it"
                        + " (ALAS2-2024-2500, DSA-5000-1); separate ids with spaces"),
                new Problem("SCAN_IGNORE", "'openssl' is not a finding id: a CVE id (CVE-2024-12345), a GitHub"
                        + " advisory (GHSA-xxxx-xxxx-xxxx) or another advisory as ECR's findings name it"
                        + " (ALAS2-2024-2500, DSA-5000-1); separate ids with spaces"),
                new Problem("SCAN_TIMEOUT_SECONDS", "'5m' is not a whole number from 1 to 3600")),
                problems(env("SCAN_FAIL_ON", "SEVERE", "SCAN_IGNORE", "CVE-2024-12 openssl",
                        "SCAN_TIMEOUT_SECONDS", "5m")));
        assertEquals(List.of(new Problem("SCAN_TIMEOUT_SECONDS", "'3601' is not a whole number from 1 to 3600")),
                problems(env("SCAN_FAIL_ON", "HIGH", "SCAN_TIMEOUT_SECONDS", "3601")));
        assertEquals(List.of(new Problem("SCAN_IGNORE", "'CVE-2024-12345,CVE-2024-54321' is not a finding id: a"
                + " CVE id (CVE-2024-12345), a GitHub advisory (GHSA-xxxx-xxxx-xxxx) or another advisory as ECR's"
                + " findings name it (ALAS2-2024-2500, DSA-5000-1); separate ids with spaces")),
                problems(env("SCAN_FAIL_ON", "HIGH", "SCAN_IGNORE", "CVE-2024-12345,CVE-2024-54321")));
    }

    @Test
    void theOtherTwoNeedScanFailOn() {
        assertEquals(List.of(
                new Problem("SCAN_IGNORE", "is set, but SCAN_FAIL_ON is not: without it nothing is scanned; set"
                        + " SCAN_FAIL_ON (like 'HIGH'), or remove SCAN_IGNORE"),
                new Problem("SCAN_TIMEOUT_SECONDS", "is set, but SCAN_FAIL_ON is not: without it nothing is scanned;"
                        + " set SCAN_FAIL_ON (like 'HIGH'), or remove SCAN_TIMEOUT_SECONDS")),
                problems(env("SCAN_IGNORE", "CVE-2024-12345", "SCAN_TIMEOUT_SECONDS", "60")));
    }

    @Test
    void notWithPlatformTags() {
        // the multi-platform image is never scanned itself: the gate belongs to the steps that push its images
        assertEquals(List.of(new Problem("SCAN_FAIL_ON", "set together with PLATFORM_TAGS, but ECR scans each"
                + " platform's image, not the multi-platform image made of them; set SCAN_FAIL_ON in the steps that"
                + " push the platform images, and remove it from this step")),
                problems(env("PLATFORM_TAGS", "42-amd64 42-arm64", "TAGS", "1.4", "SCAN_FAIL_ON", "HIGH")));
    }

    @Test
    void ecrOnly() {
        assertEquals(List.of(new Problem("SCAN_FAIL_ON", "works with Amazon ECR only, but IMAGE is on"
                + " registry.example.com, another registry; remove SCAN_FAIL_ON from this step")),
                problems(Map.of("IMAGE", "registry.example.com/team/app", "REGISTRY_USERNAME", "ci",
                        "REGISTRY_PASSWORD", "pw-of-the-test-0001", "SCAN_FAIL_ON", "HIGH")));
    }

    @Test
    void findingIds() {
        for (String id : List.of("CVE-2021-44228", "cve-2014-0160", "CVE-2024-1234567", "GHSA-jfh8-c2jp-5v3q",
                "ALAS2-2023-2000", "ALAS2023-2023-123", "DSA-5000-1", "USN-6000-1", "RHSA-2023:1234",
                "ELSA-2023-1234")) {
            assertTrue(ScanVariables.isFindingId(id), id);
        }
        for (String id : List.of("CVE-2021-442", "CVE-21-44228", "CVE-2021-44228,", "GHSA-jfh8-c2jp", "openssl",
                "CVE_2021_44228", "log4j-", "-CVE-2021-44228", "X".repeat(129))) {
            assertFalse(ScanVariables.isFindingId(id), id);
        }
    }
}
