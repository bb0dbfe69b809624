package org.ecrpushpipe.docker.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.ecrpushpipe.config.Secret;
import org.ecrpushpipe.config.Tag;
import org.ecrpushpipe.context.BuildContext;
import org.ecrpushpipe.docker.BuildRequest;
import org.ecrpushpipe.docker.Cancellation;
import org.ecrpushpipe.docker.PushOutcome;
import org.ecrpushpipe.errors.PipeException;
import org.ecrpushpipe.errors.PushProblem;
import org.ecrpushpipe.registry.Digest;
import org.ecrpushpipe.registry.ImageReference;
import org.ecrpushpipe.registry.RegistryCredentials;
import org.ecrpushpipe.testbed.Builds;
import org.ecrpushpipe.testbed.EcrBed;
import org.ecrpushpipe.testbed.EcrBedExtension;
import org.ecrpushpipe.testbed.TestImages;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The docker-java adapter on the real engine, pushing through the ECR stand-in's facade. */
@ExtendWith(EcrBedExtension.class)
class DockerJavaEngineTest {
    @TempDir
    Path work;

    private final EcrBed bed;
    private final DockerJavaEngine engine;

    DockerJavaEngineTest(EcrBed bed) {
        this.bed = bed;
        this.engine = new DockerJavaEngine(bed.dockerHost());
    }

    @AfterEach
    void close() {
        engine.close();
    }

    private RegistryCredentials credentials() {
        var auth = bed.registryAuth();
        return new RegistryCredentials(bed.registryHost(), auth.getUsername(), Secret.of(auth.getPassword()),
                Instant.now().plusSeconds(3600));
    }

    private Digest build(String name, String... lines) {
        TestImages.Context context = TestImages.busybox(work.resolve(name)).uniqueFile();
        for (String line : lines) {
            context.line(line);
        }
        Path dir = context.write();
        return Builds.imageId(engine.classicBuilder(), request(dir), l -> { });
    }

    static BuildRequest request(Path dir) {
        try {
            return new BuildRequest(BuildContext.scan(dir.toRealPath(), "Dockerfile"));
        } catch (java.io.IOException | BuildContext.Unusable e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void buildStreamsWholeLinesAndReturnsTheImageId() {
        Path dir = TestImages.busybox(work.resolve("stream")).uniqueFile().line("RUN echo one && echo two").write();
        List<String> lines = new ArrayList<>();
        String id = Builds.imageId(engine.classicBuilder(), request(dir), lines::add).value();
        assertTrue(id.matches("sha256:[0-9a-f]{64}"), "the full id: " + id);
        assertEquals(id, bed.docker().inspectImageCmd(id).exec().getId());
        assertTrue(lines.contains("one") && lines.contains("two"), lines.toString());
        assertTrue(lines.stream().noneMatch(l -> l.contains("\n")), lines.toString());
    }

    @Test
    void failedBuildCarriesTheEnginesReason() {
        PipeException e = assertThrows(PipeException.Build.class, () -> build("fail", "RUN exit 7"));
        assertTrue(e.getMessage().contains("returned a non-zero code: 7"), e.getMessage());
        assertEquals("fix the Dockerfile step shown in the build output above", e.hint());
    }

    @Test
    void aStepKilledWithSigkillPointsAtMemoryNotTheDockerfile() {
        PipeException e = assertThrows(PipeException.Build.class, () -> build("killed",
                // a child shell killed with SIGKILL, as the OOM killer does (the step's own shell is PID 1, which a
                // signal from inside its namespace does not kill)
                "RUN sh -c 'kill -9 $$'; exit $?"));
        assertTrue(e.getMessage().contains("returned a non-zero code: 137"), e.getMessage());
        assertTrue(e.hint().contains("definitions.services.docker.memory"), e.hint());
    }

    @Test
    void aDockerfileTheEngineCannotParseIsADockerfileProblem() {
        PipeException e = assertThrows(PipeException.Build.class, () -> build("parse", "NOSUCHINSTRUCTION x"));
        assertTrue(e.getMessage().toLowerCase(java.util.Locale.ROOT).contains("unknown instruction"), e.getMessage());
        assertTrue(e.hint().startsWith("fix the Dockerfile (DOCKERFILE)"), e.hint());
    }

    @Test
    void pushReturnsTheDigestTheRegistryHolds() {
        bed.standIn().createRepository("engine/app");
        ImageReference reference = new ImageReference(bed.registryHost(), "engine/app", new Tag("v1"));
        engine.tag(build("push"), reference);
        PushOutcome outcome = engine.push(reference, credentials(), l -> { }, new Cancellation());
        PushOutcome.Pushed pushed = assertInstanceOf(PushOutcome.Pushed.class, outcome);
        assertEquals(Optional.of(pushed.digest().value()), bed.manifestDigest("engine/app", "v1"));
    }

    @Test
    void refusalInTheProgressStreamIsAFailure() {
        bed.standIn().createRepository("engine/refused");
        ImageReference reference = new ImageReference(bed.registryHost(), "engine/refused", new Tag("v1"));
        engine.tag(build("refused"), reference);
        RegistryCredentials wrong = new RegistryCredentials(bed.registryHost(), "AWS", Secret.of("not-a-token"),
                Instant.now());
        PushOutcome.Failed failed = assertInstanceOf(PushOutcome.Failed.class,
                engine.push(reference, wrong, l -> { }, new Cancellation()));
        assertEquals(PushProblem.LOGIN_REFUSED, failed.problem(), failed.detail());
        assertTrue(failed.detail().contains("unauthorized") || failed.detail().contains("no basic auth"),
                failed.detail());
        assertEquals(Optional.empty(), bed.manifestDigest("engine/refused", "v1"));
    }

    @Test
    void unknownRepositoryIsNameUnknown() {
        ImageReference reference = new ImageReference(bed.registryHost(), "engine/never-created", new Tag("v1"));
        engine.tag(build("unknown"), reference);
        PushOutcome.Failed failed = assertInstanceOf(PushOutcome.Failed.class,
                engine.push(reference, credentials(), l -> { }, new Cancellation()));
        assertEquals(PushProblem.REPOSITORY_MISSING, failed.problem(), failed.detail());
        assertTrue(failed.detail().contains("name unknown"), failed.detail());
    }

    @Test
    void unreachableEngineIsReported() {
        try (DockerJavaEngine nowhere = new DockerJavaEngine("unix:///nonexistent/docker.sock")) {
            PipeException e = assertThrows(PipeException.DockerEngine.class, nowhere::ping);
            assertTrue(e.getMessage().startsWith("Cannot reach the Docker engine at unix:///nonexistent/docker.sock"),
                    e.getMessage());
        }
    }
}
