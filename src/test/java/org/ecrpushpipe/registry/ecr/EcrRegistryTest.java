package org.ecrpushpipe.registry.ecr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.net.URI;
import java.time.Instant;
import java.util.Optional;

import org.ecrpushpipe.config.AwsCredentials;
import org.ecrpushpipe.config.EndpointVariants;
import org.ecrpushpipe.config.Secret;
import org.ecrpushpipe.config.Tag;
import org.ecrpushpipe.errors.PipeException;
import org.ecrpushpipe.registry.RegistryCredentials;
import org.ecrpushpipe.standin.EcrStandIn;
import org.ecrpushpipe.standin.Fault;
import org.ecrpushpipe.testbed.RegistryExtension;
import org.ecrpushpipe.testbed.RegistryProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The ECR adapter, through the real AWS SDK, against the stand-in (SigV4 checked, ECR's error shapes). */
@ExtendWith(RegistryExtension.class)
class EcrRegistryTest {
    private static final String KEY = "AKIAADAPTERTEST00001";
    private static final String SECRET = "adapter/secret";

    private final RegistryProcess registry;
    private EcrStandIn standIn;

    EcrRegistryTest(RegistryProcess registry) {
        this.registry = registry;
    }

    @BeforeEach
    void start() throws Exception {
        standIn = EcrStandIn.builder().registry(registry.url(), registry.username(), registry.password()).start();
        standIn.addAccessKey(KEY, SECRET);
    }

    @AfterEach
    void stop() {
        standIn.close();
    }

    private EcrRegistry ecr(String key, String secret) {
        return new EcrRegistry(new EcrSettings(standIn.region(), new AwsCredentials(Secret.of(key), Secret.of(secret),
                Optional.empty()), Optional.empty(), EndpointVariants.STANDARD,
                Optional.of(URI.create(standIn.apiEndpoint()))));
    }

    @Test
    void loginGivesTheProxyEndpointAndAPassword() {
        try (EcrRegistry ecr = ecr(KEY, SECRET)) {
            RegistryCredentials credentials = ecr.login();
            assertEquals(standIn.registryHost(), credentials.registryHost());
            assertEquals("AWS", credentials.username());
            assertTrue(credentials.password().reveal().length() > 16);
            assertTrue(credentials.expiresAt().isAfter(Instant.now().plusSeconds(11 * 3600)));
            assertEquals("****", credentials.password().toString());
        }
    }

    @Test
    void wrongSecretAndUnknownKeyAreAuthenticationFailures() {
        try (EcrRegistry ecr = ecr(KEY, "wrong")) {
            PipeException e = assertThrows(PipeException.Authentication.class, ecr::login);
            assertTrue(e.getMessage().startsWith("AWS rejected the request signature"), e.getMessage());
        }
        try (EcrRegistry ecr = ecr("AKIANOBODY0000000000", SECRET)) {
            PipeException e = assertThrows(PipeException.Authentication.class, ecr::login);
            assertEquals("AWS does not recognise the access key: The security token included in the request is invalid.",
                    e.getMessage());
        }
    }

    @Test
    void repositoriesAndTags() {
        standIn.createRepository("adapter/app", "IMMUTABLE");
        try (EcrRegistry ecr = ecr(KEY, SECRET)) {
            assertEquals("IMMUTABLE", ecr.repository("adapter/app").orElseThrow().tagMutability());
            assertEquals(standIn.registryHost() + "/adapter/app", ecr.repository("adapter/app").get().uri());
            assertEquals(Optional.empty(), ecr.repository("adapter/none"));
            assertEquals(Optional.empty(), ecr.image("adapter/app", new Tag("never-pushed")));
            PipeException gone = assertThrows(PipeException.Push.class, () -> ecr.image("adapter/none", new Tag("x")));
            assertTrue(gone.getMessage().startsWith("The repository 'adapter/none' does not exist"), gone.getMessage());
        }
    }

    @Test
    void throttledLoginIsRetriedByTheSdk() {
        standIn.apiFaults().failNext(2, "*", "GetAuthorizationToken", Fault.throttled());
        try (EcrRegistry ecr = ecr(KEY, SECRET)) {
            assertEquals("AWS", ecr.login().username());
        }
        assertEquals(0, standIn.apiFaults().pending());
    }

    @Test
    void persistentThrottlingIsAPushFailureWithAHint() {
        standIn.apiFaults().failNext(10, "*", "GetAuthorizationToken", Fault.throttled());
        try (EcrRegistry ecr = ecr(KEY, SECRET)) {
            PipeException e = assertThrows(PipeException.Push.class, ecr::login);
            assertTrue(e.getMessage().startsWith("ECR kept throttling ecr:GetAuthorizationToken"), e.getMessage());
        }
    }

    @Test
    void unreachableEndpointNamesTheOverride() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        try (EcrRegistry ecr = new EcrRegistry(new EcrSettings("ap-southeast-1", new AwsCredentials(Secret.of(KEY),
                Secret.of(SECRET), Optional.empty()), Optional.empty(), EndpointVariants.STANDARD,
                Optional.of(URI.create("http://127.0.0.1:" + closed))))) {
            PipeException e = assertThrows(PipeException.Push.class, ecr::login);
            assertTrue(e.getMessage().startsWith("Cannot reach the ECR API in ap-southeast-1"), e.getMessage());
            assertTrue(e.hint().contains("http://127.0.0.1:" + closed), e.hint());
        }
    }
}
