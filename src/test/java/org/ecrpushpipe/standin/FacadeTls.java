package org.ecrpushpipe.standin;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS for the registry facade. ECR's registry speaks only HTTPS, and docker tries HTTPS first even for a
 * loopback registry (skipping certificate checks there): a plain-HTTP facade leaves docker waiting out a 10 s
 * TLS handshake timeout before every push. So the facade serves HTTPS with a self-signed certificate for
 * 127.0.0.1, made once per JVM with the JDK's keytool; tests that call the facade themselves trust it through
 * {@link #clientContext()}.
 */
final class FacadeTls {
    private static SSLContext server;
    private static SSLContext client;

    private FacadeTls() {
    }

    static synchronized SSLContext serverContext() throws IOException {
        load();
        return server;
    }

    static synchronized SSLContext clientContext() throws IOException {
        load();
        return client;
    }

    private static void load() throws IOException {
        if (server != null) {
            return;
        }
        Path dir = Files.createTempDirectory("ecr-stand-in-tls-");
        Path keystore = dir.resolve("facade.p12");
        byte[] random = new byte[16];
        new SecureRandom().nextBytes(random);
        char[] password = HexFormat.of().formatHex(random).toCharArray();
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        ProcessBuilder keytoolRun = new ProcessBuilder(keytool, "-genkeypair", "-alias", "facade", "-keyalg", "EC",
                "-groupname", "secp256r1", "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1,dns:localhost",
                "-validity", "7", "-storetype", "PKCS12", "-keystore", keystore.toString(),
                "-storepass:env", "FACADE_TLS_PASSWORD", "-keypass:env", "FACADE_TLS_PASSWORD")
                .redirectErrorStream(true).redirectOutput(dir.resolve("keytool.log").toFile());
        keytoolRun.environment().put("FACADE_TLS_PASSWORD", new String(password));
        Process process = keytoolRun.start();
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IOException("keytool failed: " + Files.readString(dir.resolve("keytool.log")));
            }
            KeyStore store = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(keystore)) {
                store.load(in, password);
            }
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, password);
            server = SSLContext.getInstance("TLS");
            server.init(keys.getKeyManagers(), null, null);

            KeyStore trusted = KeyStore.getInstance("PKCS12");
            trusted.load(null, null);
            trusted.setCertificateEntry("facade", store.getCertificate("facade"));
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trusted);
            client = SSLContext.getInstance("TLS");
            client.init(null, trust.getTrustManagers(), null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while making the facade's certificate", e);
        } catch (GeneralSecurityException e) {
            throw new IOException("could not load the facade's certificate", e);
        } finally {
            try (var files = Files.list(dir)) {
                files.forEach(f -> f.toFile().delete());
            }
            Files.deleteIfExists(dir);
        }
    }
}
