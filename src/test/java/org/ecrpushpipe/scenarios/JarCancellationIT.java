package org.ecrpushpipe.scenarios;

import org.ecrpushpipe.testbed.EcrBed;

/** The cancellation cases with the packaged jar, its JVM sent SIGTERM as a terminal's {@code kill} would. */
class JarCancellationIT extends CancellationScenarios {
    JarCancellationIT(EcrBed bed) {
        super(bed);
    }

    @Override
    protected StoppableLauncher launcher() {
        return new JarLauncher();
    }
}
