package org.ecrpushpipe.scenarios;

import org.ecrpushpipe.testbed.EcrRegionsBed;

/** The PLATFORM_TAGS scenarios with the pipe in the test's own JVM, with DEBUG=true (no secret, no signed URL). */
class InProcessPlatformTagsTest extends PlatformTagsScenarios {
    InProcessPlatformTagsTest(EcrRegionsBed bed) {
        super(bed);
    }

    @Override
    protected Launcher pipe() {
        return new InProcessLauncher();
    }

    @Override
    protected boolean debug() {
        return true;
    }
}
