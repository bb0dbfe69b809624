package org.ecrpushpipe.standin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.ecrpushpipe.testbed.RegistryProcess;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.services.ecr.EcrClient;
import software.amazon.awssdk.services.ecr.model.ImageTagMutability;

/** The stand-in as a process: its arguments, the lines it prints, and that it serves until killed. */
class EcrStandInMainTest {

    @Test
    void printsItsCoordinatesAndServesTheGivenKeysAndRepositories() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (RegistryProcess registry = RegistryProcess.start();
             EcrStandIn standIn = EcrStandInMain.start(List.of("--registry-url", registry.url(),
                     "--registry-user", registry.username(), "--registry-password", registry.password(),
                     "--access-key", "AKIAMAINTEST00000001", "--secret-key", "main-secret",
                     "--repository", "app", "--immutable-repository", "frozen", "--region", "eu-central-1",
                     "--web-identity-subject", "step"), new PrintStream(out, true, StandardCharsets.UTF_8))) {
            String printed = out.toString(StandardCharsets.UTF_8);
            Map<String, String> lines = parse(printed);
            assertEquals(standIn.apiEndpoint(), lines.get("AWS_ENDPOINT_URL"));
            assertEquals(standIn.apiEndpoint(), lines.get("AWS_ENDPOINT_URL_STS"));
            assertEquals(standIn.registryHost(), lines.get("REGISTRY"));
            assertEquals("eu-central-1", lines.get("AWS_REGION"));
            assertEquals(3, lines.get("WEB_IDENTITY_TOKEN").split("\\.").length);
            assertTrue(printed.endsWith("READY" + System.lineSeparator()));
            assertFalse(printed.contains("main-secret") || printed.contains(registry.password()), "no secrets printed");

            try (EcrClient ecr = EcrApiTest.ecr(standIn, AwsBasicCredentials.create("AKIAMAINTEST00000001", "main-secret"))) {
                var repositories = ecr.describeRepositories(r -> r.repositoryNames("app", "frozen")).repositories();
                assertEquals(ImageTagMutability.MUTABLE, repositories.get(0).imageTagMutability());
                assertEquals(ImageTagMutability.IMMUTABLE, repositories.get(1).imageTagMutability());
            }
        }
    }

    @Test
    void refusesBadArguments() {
        var noRegistry = assertThrows(IllegalArgumentException.class,
                () -> EcrStandInMain.start(List.of("--api-port", "0"), System.out));
        assertEquals("--registry-url, --registry-user and --registry-password are required", noRegistry.getMessage());
        assertThrows(IllegalArgumentException.class, () -> EcrStandInMain.start(List.of("--bogus", "x"), System.out));
        assertThrows(IllegalArgumentException.class, () -> EcrStandInMain.start(List.of("--api-port"), System.out));
        assertThrows(IllegalArgumentException.class,
                () -> EcrStandInMain.start(List.of("--api-port", "seventy"), System.out));
        assertEquals("--api-latency-ms must be 0 or more milliseconds, not -150", assertThrows(
                IllegalArgumentException.class, () -> EcrStandInMain.start(List.of("--api-latency-ms", "-150"),
                        System.out)).getMessage());
    }

    @Test
    void runsAsAProcessUntilKilledAndPrintsUsageOnBadArguments() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classpath = System.getProperty("java.class.path");

        Process bad = new ProcessBuilder(java, "-cp", classpath, EcrStandInMain.class.getName(), "--nonsense", "1")
                .redirectErrorStream(true).start();
        String badOutput = new String(bad.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(bad.waitFor(30, TimeUnit.SECONDS));
        assertEquals(2, bad.exitValue(), badOutput);
        assertTrue(badOutput.contains("unknown option --nonsense") && badOutput.contains("usage: EcrStandInMain"),
                badOutput);

        try (RegistryProcess registry = RegistryProcess.start()) {
            Process process = new ProcessBuilder(java, "-cp", classpath, EcrStandInMain.class.getName(),
                    "--registry-url", registry.url(), "--registry-user", registry.username(),
                    "--registry-password", registry.password(), "--repository", "app",
                    "--api-latency-ms", "40", "--registry-latency-ms", "5")
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            try {
                Map<String, String> lines = new HashMap<>();
                BufferedReader reader = new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                for (String line = reader.readLine(); line != null && !line.equals("READY"); line = reader.readLine()) {
                    lines.putAll(parse(line));
                }
                assertTrue(lines.containsKey("REGISTRY"), "printed its coordinates: " + lines);
                HttpResponse<String> response = HttpClient.newBuilder().sslContext(trustingAnyCertificate()).build()
                        .send(HttpRequest.newBuilder(URI.create("https://" + lines.get("REGISTRY") + "/v2/")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(401, response.statusCode());
                HttpResponse<String> latency = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(lines.get("AWS_ENDPOINT_URL") + "/_standin/latency")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals("{\"apiMs\":40,\"registryMs\":5}", latency.body(), "the latencies it was given");
                assertTrue(process.isAlive(), "serves until killed");
            } finally {
                process.destroy();
                assertTrue(process.waitFor(30, TimeUnit.SECONDS), "stops when asked");
            }
        }
    }

    private static Map<String, String> parse(String printed) {
        Map<String, String> lines = new HashMap<>();
        for (String line : printed.split("\\R")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                lines.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return lines;
    }

    /** The child process made its own certificate; this test only asks whether it serves at all. */
    private static javax.net.ssl.SSLContext trustingAnyCertificate() throws Exception {
        javax.net.ssl.X509TrustManager any = new javax.net.ssl.X509TrustManager() {
            @Override
            public void checkClientTrusted(java.security.cert.X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(java.security.cert.X509Certificate[] chain, String authType) {
            }

            @Override
            public java.security.cert.X509Certificate[] getAcceptedIssuers() {
                return new java.security.cert.X509Certificate[0];
            }
        };
        javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
        context.init(null, new javax.net.ssl.TrustManager[] {any}, null);
        return context;
    }
}
