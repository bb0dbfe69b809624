package org.ecrpushpipe.image;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.ecrpushpipe.testbed.EcrBed;
import org.ecrpushpipe.testbed.TlsRelay;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/**
 * The pipe's JVM image, built once per test run by the one command a publisher runs
 * ({@code bash test/build-image.sh}) on the bed's engine, its AOT cache trained against the stand-in of the bed
 * that first asks for it (behind HTTPS, as real ECR is). Every test that runs the image shares it. Fails, never
 * skips, when the image cannot be built.
 */
public final class PipeImage {
    private static String built;

    private PipeImage() {
    }

    /** {@code pipe.yml}'s {@code image:}, the name the image is built and run under. */
    public static String name() {
        try {
            return new ObjectMapper(new YAMLFactory()).readTree(Path.of("pipe.yml").toFile()).get("image").asText();
        } catch (IOException e) {
            throw new IllegalStateException("pipe.yml cannot be read", e);
        }
    }

    /** The image as it was before training, kept for comparisons: the same layers and flags, no cache. */
    public static String withoutAotCache() {
        return name() + "-no-aot";
    }

    /** Builds the image (once per JVM), training its AOT cache against {@code bed}; returns its name. */
    public static synchronized String build(EcrBed bed) throws Exception {
        if (built != null) {
            return built;
        }
        bed.standIn().createRepository("aot-training");
        try (TlsRelay tls = TlsRelay.start(bed.standIn().apiEndpoint())) {
            Map<String, String> env = new LinkedHashMap<>();
            env.put("TRAINING_AWS_ENDPOINT_URL", tls.endpoint());
            env.put("TRAINING_AWS_REGION", bed.standIn().region());
            env.put("TRAINING_AWS_KEY", EcrBed.ACCESS_KEY);
            env.put("TRAINING_AWS_SECRET", bed.secretKey());
            env.put("TRAINING_IMAGE", "aot-training");
            env.put("TRAINING_REGISTRY_HOST", bed.registryHost());
            env.put("TRAINING_TRUST_STORE", tls.trustStore().toString());
            long started = System.nanoTime();
            DockerCli.Result build = DockerCli.run(List.of("bash", "test/build-image.sh", "--skip-package", "--keep-no-aot"),
                    env, Duration.ofMinutes(30));
            System.out.printf("bash test/build-image.sh took %d s:%n%s%n", (System.nanoTime() - started) / 1_000_000_000L,
                    build.output().lines().filter(l -> !l.contains("Skipping")).reduce("", (a, b) -> a + "  " + b + "\n"));
            assertEquals(0, build.exitCode(), "bash test/build-image.sh could not build " + name() + ":\n" + build.output());
        }
        built = name();
        return built;
    }
}
