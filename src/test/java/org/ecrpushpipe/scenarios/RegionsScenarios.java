package org.ecrpushpipe.scenarios;

import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

import org.ecrpushpipe.testbed.EcrBed;
import org.ecrpushpipe.testbed.EcrBedExtension;
import org.ecrpushpipe.testbed.EcrRegionsBed;
import org.ecrpushpipe.testbed.TestImages;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the scenarios on the bed with three regions of one account share: the bed ({@link EcrRegionsBed}, one per
 * class), its regions, a work directory, the pipe run in the test's JVM, and contexts that build a new image each.
 */
@ExtendWith(EcrBedExtension.class)
abstract class RegionsScenarios {
    static final String HOME = EcrBed.REGION;
    static final List<String> ALL_REGIONS = EcrRegionsBed.REGIONS;

    @TempDir
    Path work;

    final EcrRegionsBed bed;
    final Launcher launcher = new InProcessLauncher();

    RegionsScenarios(EcrRegionsBed bed) {
        this.bed = bed;
    }

    /** A busybox context whose image is new every time. */
    Path context(String name) {
        return TestImages.busybox(work.resolve(name)).line("LABEL run=" + UUID.randomUUID()).write();
    }
}
