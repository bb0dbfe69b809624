package org.ecrpushpipe.testbed;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.DockerClientException;

/** The FROM-scratch busybox contexts build on the bed's engine and behave as their Javadoc says. */
@ExtendWith(DockerEngineExtension.class)
class TestImagesTest {

    @Test
    void busyboxGivesRunLinesAShell(DockerClient docker, @TempDir Path dir) {
        TestBuild build = TestBuild.run(docker,
                TestImages.busybox(dir).line("RUN echo shell-works-$((6 * 7))").write(), "bed/shell:test");
        assertTrue(build.output().contains("shell-works-42"), build.output());
    }

    @Test
    void aUniqueFileMakesEveryBuildADifferentImage(DockerClient docker, @TempDir Path dir) {
        String first = TestBuild.run(docker, TestImages.busybox(dir.resolve("a")).uniqueFile().write()).imageId();
        String second = TestBuild.run(docker, TestImages.busybox(dir.resolve("b")).uniqueFile().write()).imageId();
        assertNotEquals(first, second);
    }

    @Test
    void aFailingRunLineFailsTheBuild(DockerClient docker, @TempDir Path dir) {
        Path context = TestImages.busybox(dir).line("RUN exit 3").write();
        DockerClientException failure = assertThrows(DockerClientException.class,
                () -> TestBuild.run(docker, context, "bed/failing:test"));
        assertTrue(failure.getMessage().contains("returned a non-zero code: 3"), failure.getMessage());
    }

    @Test
    void dockerignoredFilesStayOutOfTheImage(DockerClient docker, @TempDir Path dir) {
        // The context's own RUN line fails the build if secret.txt reached the image.
        Path context = TestImages.busyboxWithDockerignore(dir).write();
        assertTrue(context.resolve("secret.txt").toFile().isFile(), "the ignored file is in the context directory");
        assertDoesNotThrow(() -> TestBuild.run(docker, context, "bed/ignoring:test"));
    }

    @Test
    void aDockerfileOfAnotherNameIsUsed(DockerClient docker, @TempDir Path dir) {
        TestImages.Context context = TestImages.busybox(dir).dockerfileName("Build.dockerfile").line("RUN echo from-build-dockerfile");
        Path contextDir = context.write();
        TestBuild build = TestBuild.run(docker, contextDir, context.dockerfile());
        assertTrue(build.output().contains("from-build-dockerfile"), build.output());
    }

    @Test
    void onlyAStaticBusyboxIsAccepted() {
        assertDoesNotThrow(() -> TestImages.requireStaticElf(TestImages.STATIC_BUSYBOX));
        Path dynamic = Path.of(System.getProperty("java.home"), "bin", "java");
        IllegalStateException failure = assertThrows(IllegalStateException.class, () -> TestImages.requireStaticElf(dynamic));
        assertTrue(failure.getMessage().contains("busybox-static"), failure.getMessage());
    }
}
