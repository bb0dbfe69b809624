package org.ecrpushpipe.scenarios;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.ecrpushpipe.docker.BuilderKind;
import org.ecrpushpipe.testbed.DebianDockerCli;
import org.ecrpushpipe.testbed.EcrBed;
import org.ecrpushpipe.testbed.EcrBedExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The real thing is the oracle: every Dockerfile of {@link OracleTable} is built on the bed's engine (Docker 20.10,
 * the engine of Bitbucket's runtime v2) by Debian's docker CLI 20.10 ({@code DOCKER_BUILDKIT=1}, and {@code =0} for
 * the classic builder), then by the pipe ({@code BUILDER: buildkit}, {@code classic}) of the same clone; both must
 * build or both fail (the pipe with its exit code and ✖ line), and the pipe must push the very image the CLI made,
 * its build wholly from the CLI build's cache (see {@link DockerfileOracle}). One subclass per way of running the
 * pipe: in the test's JVM the whole table; the packaged jar and the image the rows where the way of running matters
 * ({@link OracleTable#launcherRows()}), as the whole table costs each about 5 minutes more.
 *
 * <p>Known and accepted difference: under BuildKit, a {@code COPY .} of the whole context never gives the CLI's image
 * id, because the CLI sends the context through a session and the pipe as the request's tar body (on Docker 20.10
 * BuildKit does not take that step from the cache of the session's; the layer is the same, the image's creation
 * time differs). Those rows compare the files of the two images.
 */
@ExtendWith(EcrBedExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class DockerfileOracleScenarios {
    @TempDir
    static Path work;

    protected final EcrBed bed;
    private DockerfileOracle oracle;

    protected DockerfileOracleScenarios(EcrBed bed) {
        this.bed = bed;
    }

    /** How this class runs the pipe. */
    protected abstract Launcher launcher() throws Exception;

    @BeforeAll
    void pushPrivateImages() throws Exception {
        oracle = new DockerfileOracle(bed, launcher(), new DebianDockerCli(bed.dockerHost(), work), bed.docker(),
                bed.dockerHost(), false, work);
        oracle.pushPrivateImages();
    }

    /** The rows this class runs, each under both builders: the whole table unless a subclass says otherwise. */
    protected List<OracleRow> table() {
        return OracleTable.rows();
    }

    Stream<Arguments> rows() {
        return table().stream().flatMap(row -> Stream.of(BuilderKind.BUILDKIT, BuilderKind.CLASSIC)
                .map(kind -> Arguments.of(row, kind)));
    }

    @ParameterizedTest(name = "{0} [{1}]")
    @MethodSource("rows")
    void dockerBuildAndThePipeAgree(OracleRow row, BuilderKind kind) throws Exception {
        oracle.check(row, kind);
    }
}
