package org.ecrpushpipe.scenarios;

import org.ecrpushpipe.testbed.EcrBed;

/**
 * The scenarios with the pipe in the test's own JVM, building with BuildKit (the default): the fastest layer, run
 * before packaging, and always with DEBUG=true (the secret scan then covers debug output in every scenario).
 */
class InProcessScenariosTest extends PipeScenarios {
    InProcessScenariosTest(EcrBed bed) {
        super(bed);
    }

    @Override
    protected Launcher launcher() {
        return new InProcessLauncher();
    }

    @Override
    protected Builder builder() {
        return Builder.BUILDKIT;
    }

    /** Every scenario runs with DEBUG=true here, so its output is scanned for secrets with debug lines on. */
    @Override
    protected boolean debugAlways() {
        return true;
    }
}
