package org.ecrpushpipe.scenarios;

import org.ecrpushpipe.testbed.EcrBed;

/** The scenarios with the packaged pipe ({@code java -jar quarkus-run.jar}), building with the classic builder. */
class JarClassicScenariosIT extends PipeScenarios {
    JarClassicScenariosIT(EcrBed bed) {
        super(bed);
    }

    @Override
    protected Launcher launcher() {
        return new JarLauncher();
    }

    @Override
    protected Builder builder() {
        return Builder.CLASSIC;
    }
}
