package org.ecrpushpipe.scenarios;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.ecrpushpipe.image.PipeImage;
import org.ecrpushpipe.testbed.EcrBed;
import org.ecrpushpipe.testbed.TestImages;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The scenarios with the pipe's image, built by {@code bash test/build-image.sh} and run as Bitbucket runs a
 * pipe; plus the manual form README gives, with the engine's socket mounted.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ImageScenariosIT extends PipeScenarios {
    private static final Pattern PUSHED = Pattern.compile("✔ Successfully pushed (\\S+):(\\S+) \\((sha256:[0-9a-f]{64})\\)");

    private ImageLauncher launcher;

    ImageScenariosIT(EcrBed bed) {
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

    /** README's "run it by hand": the clone at the same path as working directory, the engine's socket mounted. */
    @Test
    void theManualFormFromReadmeWorksWithTheSocketMounted() throws Exception {
        bed.standIn().createRepository("manual/app");
        Path clone = TestImages.busybox(work.resolve("manual")).uniqueFile().write();
        String socket = System.getenv("BED_ENGINE_DIR") + "/docker.sock";
        assertTrue(Files.exists(Path.of(socket)), "the bed's engine socket " + socket);
        Map<String, String> env = new HashMap<>(bed.pipeEnv("manual/app"));
        env.remove("DOCKER_HOST");
        env.put("TAGS", "by-hand");
        List<String> command = new ArrayList<>(List.of("docker", "run", "--rm", "--network", "host"));
        env.keySet().stream().sorted().forEach(name -> command.addAll(List.of("-e", name)));
        command.addAll(List.of("-v", clone + ":" + clone, "-w", clone.toString(),
                "-v", socket + ":/var/run/docker.sock", PipeImage.name()));
        Map<String, String> cli = new HashMap<>(env);
        cli.put("DOCKER_HOST", bed.dockerHost());
        cli.put("PATH", System.getenv("PATH"));
        Launcher.PipeRun run = JarLauncher.Processes.run(command, cli, clone);
        assertEquals(0, run.exitCode(), run.output());
        assertTrue(run.output().contains("INFO: Using the Docker engine at unix:///var/run/docker.sock."), run.output());
        Matcher pushed = PUSHED.matcher(run.output());
        assertTrue(pushed.find(), run.output());
        assertEquals(Optional.of(pushed.group(3)), bed.manifestDigest("manual/app", "by-hand"));
    }
}
