package org.ecrpushpipe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.main.Launch;
import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainIntegrationTest;
import io.quarkus.test.junit.main.QuarkusMainLauncher;

/**
 * The packaged pipe started by Quarkus as the build made it: the jar in the JVM build, the native binary under
 * {@code -Dnative}. Checks what a native binary gets wrong when native-image was not told about something: the
 * version provider Picocli instantiates reflectively and the resource it reads, Picocli's reflective terminal
 * check, and a whole run of the configuration path. The launched process inherits this test's environment.
 */
@QuarkusMainIntegrationTest
class PipeMainIT {

    @Test
    @Launch("--help")
    void helpListsTheVariablesWithoutTerminalColours(LaunchResult result) {
        String help = result.getOutput();
        assertTrue(help.contains("Usage: ecr-push-pipe"), help);
        assertTrue(help.contains("AWS_KEY | AWS_ACCESS_KEY_ID\n"), "AWS_KEY is optional (OIDC, other registries): " + help);
        assertTrue(help.contains("\nExit codes:\n  0  the image was built"), help);
        // Picocli colours help only on a terminal, which it detects by reflection (System.console(),
        // Console.isTerminal()); when that lookup fails it assumes one. This output goes to a pipe.
        assertFalse(help.contains("\u001b["), "no ANSI escapes when the output is not a terminal: " + help);
    }

    @Test
    @Launch("--version")
    void versionIsTheBuildsVersion(LaunchResult result) {
        // the version this build stamped into pipe-version.properties, read here from the test class path
        String version = new PipeVersion().version();
        assertTrue(version.matches("\\d+\\.\\d+\\.\\d+"), "a release version in pipe-version.properties: " + version);
        assertEquals("ecr-push-pipe " + version, result.getOutput().strip());
    }

    @Test
    void aMissingVariableIsAConfigurationError(QuarkusMainLauncher launcher) {
        for (String name : new String[] {"IMAGE", "IMAGE_NAME"}) {
            assertNull(System.getenv(name), "this test needs " + name + " unset in its environment, which the"
                    + " pipe it starts inherits");
        }
        LaunchResult result = launcher.launch();
        String output = result.getOutput();
        assertEquals(2, result.exitCode(), output + result.getErrorOutput());
        assertTrue(output.contains("Validation errors:"), output);
        assertTrue(output.contains("IMAGE:"), output);
        assertTrue(output.contains("- required field (or set IMAGE_NAME)"), output);
        assertFalse(output.contains("\tat "), "no stack trace: " + output);
        assertFalse(result.getErrorOutput().contains("Exception"), result.getErrorOutput());
    }
}
