package org.ecrpushpipe.docker.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.ecrpushpipe.errors.BuildProblem;
import org.ecrpushpipe.errors.Failures;
import org.ecrpushpipe.errors.PipeException;
import org.ecrpushpipe.testbed.DockerEngineExtension;
import org.ecrpushpipe.testbed.TestImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real out-of-memory kill in a classic build: the docker CLI builds on the bed's engine with a 32 MiB memory
 * limit (docker build --memory, which a Bitbucket step cannot set: there the docker service's own limit does the
 * same), and a RUN step allocates 128 MiB. What the engine then says is what the pipe classifies as a killed step,
 * and words as the docker service running out of memory.
 */
@ExtendWith(DockerEngineExtension.class)
class OutOfMemoryBuildTest {
    private static final Pattern ERROR = Pattern.compile("The command '[^\\n]*' returned a non-zero code: \\d+");

    @TempDir
    Path work;

    @Test
    void aStepKilledByTheMemoryLimitIsWordedAsTheDockerServiceOutOfMemory() throws Exception {
        Path context = TestImages.busybox(work.resolve("oom")).uniqueFile()
                .line("RUN dd if=/dev/zero of=/dev/null bs=128M count=1").write();
        ProcessBuilder builder = new ProcessBuilder("docker", "build", "--network", "host", "--memory", "32m",
                "--memory-swap", "32m", context.toString()).redirectErrorStream(true);
        builder.environment().put("DOCKER_HOST", DockerEngineExtension.dockerHost());
        builder.environment().put("DOCKER_BUILDKIT", "0");
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(5, TimeUnit.MINUTES));
        assertEquals(137, process.exitValue(), "the CLI passes the step's code on: " + output);
        Matcher error = ERROR.matcher(output);
        assertTrue(error.find(), output);
        assertTrue(error.group().endsWith("returned a non-zero code: 137"), "the kernel's OOM kill: " + output);

        BuildProblem problem = BuildErrors.classify(error.group(), Optional.of("Step 5/5 : RUN dd"));
        assertEquals(BuildProblem.STEP_KILLED, problem);
        PipeException failure = Failures.stepFailed(problem, error.group(), Optional.of("Step 5/5 : RUN dd"),
                List.of(), null);
        assertTrue(failure.hint().contains("ran out of memory"), failure.hint());
        assertTrue(failure.hint().contains("definitions.services.docker.memory"), failure.hint());
    }
}
