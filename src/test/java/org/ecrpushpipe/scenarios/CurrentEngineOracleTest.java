package org.ecrpushpipe.scenarios;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.stream.Stream;

import org.ecrpushpipe.docker.BuilderKind;
import org.ecrpushpipe.testbed.CurrentEngine;
import org.ecrpushpipe.testbed.DockerEngineExtension;
import org.ecrpushpipe.testbed.EcrBed;
import org.ecrpushpipe.testbed.EcrBedExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.github.dockerjava.api.DockerClient;

/**
 * The BuildKit rows of {@link OracleTable} on the bed's current engine ({@link CurrentEngine}: Debian 13's Docker
 * 26.1, as Bitbucket's runtime v3 runs a current dind), whose BuildKit reads the newer Dockerfile syntax (here-documents and
 * {@code COPY --link} build there). The oracle is that suite's docker CLI with buildx; the pipe runs with
 * {@code BUILDER: buildkit}, against that engine. When the bed could not start that engine, every test here fails,
 * naming what failed: there is no silent skip. The known difference of {@code COPY .} holds as on 20.10 (see
 * {@link DockerfileOracleTest}).
 */
@ExtendWith(EcrBedExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CurrentEngineOracleTest {
    @TempDir
    static Path work;

    private final EcrBed bed;
    private DockerClient docker;
    private DockerfileOracle oracle;

    CurrentEngineOracleTest(EcrBed bed) {
        this.bed = bed;
    }

    @BeforeAll
    void pushPrivateImages() {
        CurrentEngine engine = CurrentEngine.require();
        docker = DockerEngineExtension.connect(engine.dockerHost());
        oracle = new DockerfileOracle(bed, new InProcessLauncher(), engine.dockerCli(work), docker,
                engine.dockerHost(), true, work);
        oracle.pushPrivateImages();
    }

    @AfterAll
    void close() throws Exception {
        if (docker != null) {
            docker.close();
        }
    }

    @Test
    void theEngineIsACurrentDocker() {
        String version = docker.versionCmd().exec().getVersion();
        int major = Integer.parseInt(version.replaceFirst("\\..*", ""));
        assertTrue(major >= 23, "a current engine has the Dockerfile frontend 1.4 or later, not " + version);
    }

    static Stream<OracleRow> rows() {
        return OracleTable.rows().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void dockerBuildAndThePipeAgree(OracleRow row) throws Exception {
        oracle.check(row, BuilderKind.BUILDKIT);
    }
}
