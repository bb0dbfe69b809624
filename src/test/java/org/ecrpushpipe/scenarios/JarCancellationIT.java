package org.ecrpushpipe.scenarios;

import java.util.List;

import org.ecrpushpipe.testbed.EcrBed;

/**
 * The cancellation cases with the packaged jar building with BuildKit, its JVM sent the signal with {@code kill}, as in
 * a terminal. The JVM
 * starts with SIGINT at its default: Maven runs as a background job of {@code test/run-tests.sh}, whose children
 * inherit SIGINT ignored, and a JVM leaves an ignored SIGINT ignored (a terminal's Ctrl-C reaches a foreground run).
 */
class JarCancellationIT extends CancellationScenarios {
    JarCancellationIT(EcrBed bed) {
        super(bed);
    }

    @Override
    protected StoppableLauncher launcher() {
        return new JarLauncher(List.of("env", "--default-signal=INT"), JarLauncher.JAR);
    }

    @Override
    protected Builder builder() {
        return Builder.BUILDKIT;
    }
}
