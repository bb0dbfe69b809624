package org.ecrpushpipe.scenarios;

import org.ecrpushpipe.testbed.EcrBed;

/** The build options with the packaged pipe ({@code java -jar quarkus-run.jar}), building with the classic builder. */
class JarClassicBuildOptionsIT extends BuildOptionsScenarios {
    JarClassicBuildOptionsIT(EcrBed bed) {
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
