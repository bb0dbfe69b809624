package org.ecrpushpipe.testbed;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The Docker engine {@code test/bed.sh} started ({@code bed_start_engine}), as far as the ECR host names go: that
 * engine runs in a mount namespace of its own whose {@code /etc/hosts} maps ECR registry hosts such as
 * {@code 123456789012.dkr.ecr.ap-southeast-1.amazonaws.com} to loopback addresses, and whose
 * {@code /etc/docker/certs.d/<host>/ca.crt} holds the CA of the certificate a registry facade presents there. The
 * machine's own files are untouched, so only that engine resolves these names; a stand-in serves one of them by
 * listening on its address, port 443, with {@link #facadeTls()}.
 *
 * <p>Read from the variables {@code bed_start_engine} exports: {@code BED_ENGINE_DIR} (the files) and
 * {@code BED_ENGINE_DOCKER_HOST} (the engine they belong to, which must be the {@code DOCKER_HOST} the tests use).
 *
 * @param dockerHost the engine's {@code DOCKER_HOST}
 * @param dir        the bed's directory: {@code etc/hosts}, {@code etc/docker/certs.d/}, {@code tls/}
 * @param hosts      the host names the engine resolves, in the bed's order (a line's aliases after its first name),
 *                   with their addresses
 */
public record BedEngine(String dockerHost, Path dir, Map<String, InetAddress> hosts) {
    /** The port an ECR registry host is reached on (HTTPS, no port in the image reference). */
    public static final int REGISTRY_PORT = 443;

    public BedEngine {
        hosts = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(hosts));
    }

    /** The bed's engine of this process's environment; see {@link #require(Map)}. */
    public static BedEngine require() {
        return require(System.getenv());
    }

    /**
     * The bed's engine described by {@code env}, when its {@code DOCKER_HOST} is the one the tests use.
     *
     * @throws IllegalStateException saying what is wrong and what to run, when the tests' engine is not one that
     *                               {@code test/bed.sh} started (it then cannot resolve ECR host names)
     */
    public static BedEngine require(Map<String, String> env) {
        String dockerHost = env.getOrDefault("DOCKER_HOST", "");
        String dir = env.getOrDefault("BED_ENGINE_DIR", "");
        String bedHost = env.getOrDefault("BED_ENGINE_DOCKER_HOST", "");
        String why;
        if (dir.isBlank() || bedHost.isBlank()) {
            why = "BED_ENGINE_DIR is not set: no engine of test/bed.sh runs for these tests";
        } else if (!bedHost.equals(dockerHost)) {
            why = "DOCKER_HOST=" + (dockerHost.isBlank() ? "(unset)" : dockerHost) + " is not the bed's engine ("
                    + bedHost + ")";
        } else {
            Path hostsFile = Path.of(dir, "etc", "hosts");
            if (!Files.isRegularFile(hostsFile)) {
                why = hostsFile + " is missing: the bed's engine has stopped";
            } else {
                return new BedEngine(dockerHost, Path.of(dir), readHosts(hostsFile));
            }
        }
        throw new IllegalStateException("These tests push to ECR host names (like 123456789012.dkr.ecr.ap-southeast-1"
                + ".amazonaws.com), which only the Docker engine that test/bed.sh starts resolves to the ECR stand-in: "
                + why + ". Run them with `bash test/run-tests.sh`, which starts that engine (as root).");
    }

    /** The host names in the engine's hosts file: the lines after the bed's own comment line, aliases included. */
    private static Map<String, InetAddress> readHosts(Path hostsFile) {
        Map<String, InetAddress> hosts = new LinkedHashMap<>();
        try {
            List<String> lines = Files.readAllLines(hostsFile);
            boolean ours = false;
            for (String line : lines) {
                if (line.startsWith("# ECR registry hosts of the test bed")) {
                    ours = true;
                } else if (ours && !line.isBlank()) {
                    // an address, then its names: the line's first name and its aliases
                    String[] fields = line.trim().split("\\s+");
                    InetAddress address = InetAddress.getByName(fields[0]);
                    for (int i = 1; i < fields.length; i++) {
                        hosts.put(fields[i], address);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not read the bed engine's hosts file " + hostsFile, e);
        }
        return hosts;
    }

    /** The loopback address the engine resolves {@code host} to. */
    public InetAddress addressOf(String host) {
        InetAddress address = hosts.get(host);
        if (address == null) {
            throw new IllegalStateException("the bed's engine resolves " + hosts.keySet() + ", not " + host
                    + " (add it to BED_HOSTS in test/bed.sh)");
        }
        return address;
    }

    /** The hosts file the engine sees as {@code /etc/hosts}. */
    public Path hostsFile() {
        return dir.resolve("etc/hosts");
    }

    /** The CA the engine trusts for {@code host} ({@code /etc/docker/certs.d/<host>/ca.crt} in its namespace). */
    public Path trustedCa(String host) {
        return dir.resolve("etc/docker/certs.d").resolve(host).resolve("ca.crt");
    }

    /**
     * Writes into {@code dir} a PKCS12 trust store that holds the bed's CA alone (password
     * {@value TlsRelay#TRUST_STORE_PASSWORD}: it protects only a public certificate), and returns the options that
     * make a JVM resolve host names as the bed's engine does (its hosts file, through the JDK's own
     * {@code jdk.net.hosts.file}) and trust that CA as it trusts the CAs of its own store (the JDK's standard
     * {@code javax.net.ssl.trustStore}): so the packaged pipe reaches the real host names of the bed over verified
     * TLS, the way it reaches AWS and public registries, with nothing in the product told about the bed.
     */
    public List<String> jvmOptionsResolvingAsTheEngine(Path dir) {
        try {
            KeyStore trusted = KeyStore.getInstance("PKCS12");
            trusted.load(null, null);
            trusted.setCertificateEntry("ecr-push-pipe-test-bed-ca", certificate(this.dir.resolve("tls/ca.crt")));
            Path store = dir.resolve("bed-ca.p12");
            try (OutputStream out = Files.newOutputStream(store)) {
                trusted.store(out, TlsRelay.TRUST_STORE_PASSWORD.toCharArray());
            }
            return List.of("-Djdk.net.hosts.file=" + hostsFile(), "-Djavax.net.ssl.trustStore=" + store,
                    "-Djavax.net.ssl.trustStorePassword=" + TlsRelay.TRUST_STORE_PASSWORD);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the bed's CA as a trust store in " + dir, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("could not make a trust store of the bed's CA", e);
        }
    }

    /** The bed's TLS key ({@code tls/facade.key}, PEM) and its certificate ({@code tls/facade.crt}), valid for every host. */
    public Path serverKey() {
        return dir.resolve("tls/facade.key");
    }

    /** The certificate of {@link #serverKey()}, signed by the bed's CA, for every name of {@link #hosts()}. */
    public Path serverCertificate() {
        return dir.resolve("tls/facade.crt");
    }

    /** Server TLS for a registry facade at any of {@link #hosts()}: the bed's key and certificate chain. */
    public SSLContext facadeTls() {
        try {
            PrivateKey key = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(
                    pem(dir.resolve("tls/facade.key"), "PRIVATE KEY")));
            Certificate[] chain = {certificate(dir.resolve("tls/facade.crt")), certificate(dir.resolve("tls/ca.crt"))};
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            char[] password = new char[0];
            store.setKeyEntry("facade", key, password, chain);
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, password);
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(keys.getKeyManagers(), null, null);
            return tls;
        } catch (IOException e) {
            throw new UncheckedIOException("could not read the bed's facade key and certificate in " + dir, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("could not load the bed's facade key and certificate in " + dir, e);
        }
    }

    /** Client TLS that trusts exactly what the engine trusts for {@code host}: the CA in its certs.d. */
    public SSLContext clientTlsTrustingEngineCa(String host) {
        try {
            KeyStore trusted = KeyStore.getInstance("PKCS12");
            trusted.load(null, null);
            trusted.setCertificateEntry("ca", certificate(trustedCa(host)));
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trusted);
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(null, trust.getTrustManagers(), null);
            return tls;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static X509Certificate certificate(Path file) throws IOException, GeneralSecurityException {
        try (InputStream in = Files.newInputStream(file)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    private static byte[] pem(Path file, String type) throws IOException {
        String text = Files.readString(file, StandardCharsets.US_ASCII);
        String begin = "-----BEGIN " + type + "-----";
        String end = "-----END " + type + "-----";
        int from = text.indexOf(begin);
        int to = text.indexOf(end);
        if (from < 0 || to < from) {
            throw new IOException(file + " holds no " + type);
        }
        return Base64.getMimeDecoder().decode(text.substring(from + begin.length(), to));
    }
}
