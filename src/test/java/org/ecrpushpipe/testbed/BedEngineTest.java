package org.ecrpushpipe.testbed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

import org.ecrpushpipe.standin.EcrStandIn;
import org.junit.jupiter.api.Test;

/**
 * The host names and trust the bed's engine gets from {@code test/bed.sh}: ECR registry hosts (and the other hosts
 * of the bed: the AWS API names, Docker Hub's) on loopback addresses of their own, one a line of names, in files
 * private to the engine, and a facade certificate valid for those names that only the CA in the engine's certs.d
 * vouches for.
 */
class BedEngineTest {
    /** The bed's lines of names: the names of one line share its address. */
    private static final List<List<String>> LINES = List.of(
            List.of("123456789012.dkr.ecr.ap-southeast-1.amazonaws.com", "123456789012.dkr-ecr.ap-southeast-1.on.aws"),
            List.of("123456789012.dkr.ecr.eu-west-1.amazonaws.com"),
            List.of("210987654321.dkr.ecr.ap-southeast-1.amazonaws.com"),
            List.of("123456789012.dkr.ecr.us-east-1.amazonaws.com"),
            List.of("123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn"),
            List.of("123456789012.dkr.ecr.us-gov-west-1.amazonaws.com",
                    "123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com"),
            List.of("api.ecr.ap-southeast-1.amazonaws.com", "ecr.ap-southeast-1.api.aws",
                    "sts.ap-southeast-1.amazonaws.com", "sts.ap-southeast-1.api.aws",
                    "api.ecr.cn-north-1.amazonaws.com.cn", "api.ecr.us-gov-west-1.amazonaws.com",
                    "api.ecr-fips.us-gov-west-1.amazonaws.com"),
            List.of("registry-1.docker.io"),
            List.of("auth.docker.io"));
    private static final List<String> HOSTS = LINES.stream().flatMap(List::stream).toList();

    @Test
    void eachLineOfHostsHasALoopbackAddressOfItsOwnInTheEnginesFilesOnly() throws IOException {
        BedEngine engine = BedEngine.require();
        assertEquals(HOSTS, List.copyOf(engine.hosts().keySet()));
        assertEquals(LINES.size(), new HashSet<>(engine.hosts().values()).size(), "distinct addresses");
        for (List<String> line : LINES) {
            for (String alias : line) {
                assertEquals(engine.addressOf(line.get(0)), engine.addressOf(alias), alias + " shares its line's address");
            }
        }
        for (InetAddress address : engine.hosts().values()) {
            assertTrue(address.getHostAddress().startsWith("127."), address + " is in 127.0.0.0/8");
        }
        String machineHosts = Files.readString(Path.of("/etc/hosts"));
        for (String host : HOSTS) {
            assertFalse(machineHosts.contains(host), "the machine's /etc/hosts does not know " + host);
            assertTrue(Files.isRegularFile(engine.trustedCa(host)), "certs.d of the engine trusts a CA for " + host);
            assertFalse(Files.exists(Path.of("/etc/docker/certs.d", host)), "the machine's /etc/docker is untouched");
        }
    }

    @Test
    void theFacadeIsTrustedForItsHostNameOnlyThroughTheCaInTheEnginesCertsD() throws Exception {
        BedEngine engine = BedEngine.require();
        String host = EcrBed.ECR_REGISTRY_HOST;
        // the registry behind is never reached: an unauthenticated /v2/ is answered by the facade itself
        try (EcrStandIn standIn = EcrBed.standInFor(engine).registry("http://127.0.0.1:9", "unused", "unused").start()) {
            InetSocketAddress address = standIn.ecrHostAddress().orElseThrow();
            assertEquals(new InetSocketAddress(engine.addressOf(host), 443), address);
            assertEquals(host, standIn.registryHost());
            assertEquals("https://" + host, standIn.proxyEndpoint());

            String answer = getV2(address, host, engine.clientTlsTrustingEngineCa(host));
            assertTrue(answer.startsWith("HTTP/1.1 401"), answer);
            assertTrue(answer.contains("realm=\"https://" + host + "/\""), answer);

            SSLHandshakeException otherName = assertThrows(SSLHandshakeException.class, () -> getV2(address,
                    "123456789012.dkr.ecr.us-west-2.amazonaws.com", engine.clientTlsTrustingEngineCa(host)));
            assertTrue(otherName.getMessage().contains("No subject alternative DNS name"), otherName.getMessage());
            assertThrows(SSLHandshakeException.class, () -> getV2(address, host, SSLContext.getDefault()),
                    "no public CA vouches for the facade");
        }
    }

    @Test
    void anEngineTheBedDidNotStartFailsLoudlyNamingTheFix() {
        IllegalStateException none = assertThrows(IllegalStateException.class,
                () -> BedEngine.require(Map.of("DOCKER_HOST", "unix:///var/run/docker.sock")));
        assertTrue(none.getMessage().contains("BED_ENGINE_DIR is not set"), none.getMessage());
        assertTrue(none.getMessage().contains("`bash test/run-tests.sh`"), none.getMessage());

        IllegalStateException elsewhere = assertThrows(IllegalStateException.class, () -> BedEngine.require(Map.of(
                "DOCKER_HOST", "tcp://127.0.0.1:2375", "BED_ENGINE_DIR", "/tmp/ecrbed.gone",
                "BED_ENGINE_DOCKER_HOST", "tcp://127.0.0.1:40000")));
        assertTrue(elsewhere.getMessage().contains(
                "DOCKER_HOST=tcp://127.0.0.1:2375 is not the bed's engine (tcp://127.0.0.1:40000)"), elsewhere.getMessage());
        assertTrue(elsewhere.getMessage().contains("only the Docker engine that test/bed.sh starts resolves"),
                elsewhere.getMessage());
    }

    /** GET /v2/ over TLS to {@code address}, verifying the certificate for {@code hostName} as an HTTPS client does. */
    private static String getV2(InetSocketAddress address, String hostName, SSLContext tls) throws IOException {
        try (Socket raw = new Socket()) {
            raw.connect(address, 5000);
            raw.setSoTimeout(10_000);
            try (SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket(raw, hostName, address.getPort(), false)) {
                SSLParameters parameters = socket.getSSLParameters();
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
                socket.setSSLParameters(parameters);
                socket.startHandshake();
                OutputStream out = socket.getOutputStream();
                out.write(("GET /v2/ HTTP/1.1\r\nHost: " + hostName + "\r\nConnection: close\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
                BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
                StringBuilder answer = new StringBuilder();
                for (String line; (line = in.readLine()) != null && !line.isEmpty(); ) {
                    answer.append(line).append('\n');
                }
                return answer.toString();
            }
        }
    }
}
