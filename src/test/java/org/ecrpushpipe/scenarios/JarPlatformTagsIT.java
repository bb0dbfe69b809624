package org.ecrpushpipe.scenarios;

import org.ecrpushpipe.testbed.EcrRegionsBed;

/** The PLATFORM_TAGS scenarios with the packaged pipe ({@code java -jar quarkus-run.jar}) as a separate process. */
class JarPlatformTagsIT extends PlatformTagsScenarios {
    JarPlatformTagsIT(EcrRegionsBed bed) {
        super(bed);
    }

    @Override
    protected Launcher pipe() {
        return new JarLauncher();
    }

    @Override
    protected boolean debug() {
        return false;
    }
}
