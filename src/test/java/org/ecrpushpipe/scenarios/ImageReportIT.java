package org.ecrpushpipe.scenarios;

import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;
import java.util.Optional;

import org.ecrpushpipe.image.PipeImage;
import org.ecrpushpipe.standin.CodeInsightsStandIn;
import org.ecrpushpipe.testbed.EcrBed;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/**
 * The report scenarios with the pipe's image run as Bitbucket runs a pipe, with no REPORT_PROXY: the pipe goes to
 * {@code http://host.docker.internal:29418}, the name Bitbucket adds to a pipe's container, and the stand-in of the
 * proxy listens on port 29418 of the loopback address the launcher adds that name for (where the bed's engine also
 * listens as the step's docker service).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ImageReportIT extends ReportScenarios {
    /** Where Bitbucket's proxy listens for a pipe's container. */
    private static final int BITBUCKET_PROXY_PORT = 29418;

    private ImageLauncher launcher;

    ImageReportIT(EcrBed bed) {
        super(bed);
    }

    @BeforeAll
    void buildTheImage() throws Exception {
        launcher = ImageLauncher.onTheBed(PipeImage.build(bed));
    }

    @Override
    protected Launcher launcher() {
        return launcher;
    }

    @Override
    protected CodeInsightsStandIn startProxy() {
        try {
            return CodeInsightsStandIn.start(InetAddress.getByName(System.getenv("BED_DOCKER_HOST_INTERNAL")),
                    BITBUCKET_PROXY_PORT).commit(REPOSITORY, COMMIT);
        } catch (UnknownHostException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The pipe finds the proxy where Bitbucket puts it: nothing to set. */
    @Override
    protected void pointAt(CodeInsightsStandIn proxy, Map<String, String> env) {
    }

    /** Nothing listens on host.docker.internal:29418 unless a scenario started the stand-in. */
    @Override
    protected Optional<String> noProxy() {
        return Optional.empty();
    }
}
