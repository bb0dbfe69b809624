package org.ecrpushpipe.scenarios;

import java.util.List;

import org.ecrpushpipe.testbed.EcrBed;

/**
 * The cancellation cases with the packaged jar building with the classic builder, its JVM sent the signal with
 * {@code kill} (SIGINT at its default, as {@link JarCancellationIT} says why).
 */
class JarClassicCancellationIT extends CancellationScenarios {
    JarClassicCancellationIT(EcrBed bed) {
        super(bed);
    }

    @Override
    protected StoppableLauncher launcher() {
        return new JarLauncher(List.of("env", "--default-signal=INT"), JarLauncher.JAR);
    }

    @Override
    protected Builder builder() {
        return Builder.CLASSIC;
    }
}
