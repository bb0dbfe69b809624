package org.ecrpushpipe.scenarios;

import org.ecrpushpipe.testbed.EcrBed;

/** The scenarios with the packaged pipe ({@code java -jar quarkus-run.jar}) as a separate process, with BuildKit. */
class JarScenariosIT extends PipeScenarios {
    JarScenariosIT(EcrBed bed) {
        super(bed);
    }

    @Override
    protected Launcher launcher() {
        return new JarLauncher();
    }

    @Override
    protected Builder builder() {
        return Builder.BUILDKIT;
    }
}
