package org.ecrpushpipe.testbed;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.ecrpushpipe.standin.EcrStandIn;

import com.github.dockerjava.api.DockerClient;

/**
 * The test bed by hand, for {@code test/try-it.sh} and for pointing any client at it. Commands:
 * <ul>
 * <li>{@code serve --access-key K --secret-key S [--repository NAME]… [--api-latency-ms N] [--registry-latency-ms N]}
 * — for the engine {@code test/bed.sh} started (see {@link BedEngine}): starts a real registry and the ECR stand-in in front of it, its registry facade
 * listening where that engine resolves {@value EcrBed#ECR_REGISTRY_HOST}; prints {@code AWS_ENDPOINT_URL=…},
 * {@code REGISTRY=…} (that host), {@code LOOPBACK_REGISTRY=127.0.0.1:…}, {@code AWS_REGION=…} and {@code READY},
 * and runs until it is stopped (SIGTERM, Ctrl-C); then stops both. The latencies (default 0) make every API
 * request, or every registry request, wait that long before it is answered, as AWS far away would; a benchmark
 * can change them, and read the API requests a run made, on the API's port (see {@code EcrStandIn#requests()}).</li>
 * <li>{@code debian-base} — makes (once) the local Debian base image in the engine at {@code DOCKER_HOST} and
 * prints its name.</li>
 * <li>{@code check --api-endpoint E --region R --access-key K --secret-key S --image HOST/NAME --digest D
 * [--tag T] [--port 80]} — removes the local tag, pulls the image back by digest, runs it with host networking
 * and prints the page it serves.</li>
 * </ul>
 */
public final class BedMain {
    private BedMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            usage();
            return;
        }
        Map<String, List<String>> options = options(args);
        switch (args[0]) {
            case "serve" -> {
                try {
                    BedEngine.require();
                } catch (IllegalStateException notTheBedsEngine) {
                    System.err.println("BedMain: " + notTheBedsEngine.getMessage());
                    System.exit(2);
                }
                serve(options);
            }
            case "debian-base" -> {
                try (DockerClient docker = DockerEngineExtension.connect(DockerEngineExtension.dockerHost())) {
                    System.out.println(DebianBase.ensure(docker));
                }
            }
            case "check" -> check(options);
            default -> usage();
        }
    }

    private static void serve(Map<String, List<String>> options) throws Exception {
        EcrStandIn.Builder builder = EcrBed.standInFor(BedEngine.require())
                .apiLatency(millis(options, "api-latency-ms"))
                .registryLatency(millis(options, "registry-latency-ms"));
        RegistryProcess registry = RegistryProcess.start();
        EcrStandIn standIn;
        try {
            standIn = builder.registry(registry.url(), registry.username(), registry.password()).start();
        } catch (IOException | RuntimeException e) {
            registry.close();
            throw e;
        }
        // Runs until stopped (SIGTERM, Ctrl-C); then stops the stand-in and the registry it started.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            standIn.close();
            try {
                registry.close();
            } catch (Exception e) {
                System.err.println("could not stop the registry: " + e);
            }
        }));
        standIn.addAccessKey(one(options, "access-key"), one(options, "secret-key"));
        for (String repository : options.getOrDefault("repository", List.of())) {
            standIn.createRepository(repository);
        }
        System.out.println("AWS_ENDPOINT_URL=" + standIn.apiEndpoint());
        System.out.println("REGISTRY=" + standIn.registryHost());
        System.out.println("LOOPBACK_REGISTRY=" + standIn.loopbackRegistryHost());
        System.out.println("AWS_REGION=" + standIn.region());
        System.out.println("READY");
        System.out.flush();
        Thread.currentThread().join();
    }

    private static void check(Map<String, List<String>> options) throws Exception {
        String image = one(options, "image");
        String host = image.substring(0, image.indexOf('/'));
        try (DockerClient docker = DockerEngineExtension.connect(DockerEngineExtension.dockerHost())) {
            String page = ServedImage.pullRunAndGet(docker, image, one(options, "digest"),
                    EcrBed.registryAuth(one(options, "api-endpoint"), one(options, "region"), one(options, "access-key"),
                            one(options, "secret-key"), host),
                    Integer.parseInt(options.getOrDefault("port", List.of("80")).get(0)), "/",
                    options.getOrDefault("tag", List.of()).toArray(String[]::new));
            System.out.print(page);
        }
    }

    private static Map<String, List<String>> options(String[] args) {
        Map<String, List<String>> options = new HashMap<>();
        for (int i = 1; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected --name value, got '" + args[i] + "'");
            }
            options.computeIfAbsent(args[i].substring(2), k -> new ArrayList<>()).add(args[++i]);
        }
        return options;
    }

    private static String one(Map<String, List<String>> options, String name) {
        List<String> values = options.get(name);
        if (values == null || values.isEmpty()) {
            throw new IllegalArgumentException("--" + name + " is required");
        }
        return values.get(0);
    }

    /** An optional latency in milliseconds (0 when not given). */
    private static Duration millis(Map<String, List<String>> options, String name) {
        String value = options.getOrDefault(name, List.of("0")).get(0);
        if (!value.matches("\\d{1,6}")) {
            throw new IllegalArgumentException("--" + name + " must be a whole number of milliseconds, not '" + value + "'");
        }
        return Duration.ofMillis(Long.parseLong(value));
    }

    private static void usage() {
        System.err.println("""
                usage: BedMain serve --access-key K --secret-key S [--repository NAME]... \\
                                     [--api-latency-ms N] [--registry-latency-ms N]
                       BedMain debian-base
                       BedMain check --api-endpoint E --region R --access-key K --secret-key S \\
                                     --image HOST/NAME --digest sha256:... [--tag T] [--port 80]""");
    }
}
