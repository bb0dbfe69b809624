package org.ecrpushpipe.testbed;

import static io.restassured.RestAssured.given;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;

import org.ecrpushpipe.standin.EcrStandIn;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.AuthConfig;

import io.restassured.response.Response;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecr.EcrClient;
import software.amazon.awssdk.services.ecr.model.AuthorizationData;

/**
 * The whole bed for one test class: the real Docker engine that {@code test/bed.sh} started, a fresh real
 * registry, and the ECR stand-in in front of it with one IAM user, its registry facade listening where that
 * engine resolves {@value #ECR_REGISTRY_HOST}. So a pipe run pushes to the real host name, whether IMAGE is the
 * full URI ({@link #repositoryUri(String)}) or a bare name (ECR's proxyEndpoint then names that host); tests that
 * call the facade themselves use {@link #loopbackRegistryHost()}. Gives the environment a pipe run needs, and
 * reads back what the registry holds.
 */
public final class EcrBed implements AutoCloseable {
    /** The IAM user's access key id; its secret is random per bed. */
    public static final String ACCESS_KEY = "AKIAECRPIPETEST00001";
    /** The stand-in's account, the seed tutorial's. */
    public static final String ACCOUNT_ID = "123456789012";
    /** The stand-in's region, the seed tutorial's. */
    public static final String REGION = "ap-southeast-1";
    /** The registry host of {@link #ACCOUNT_ID} in {@link #REGION}, as users write it in IMAGE. */
    public static final String ECR_REGISTRY_HOST = "123456789012.dkr.ecr.ap-southeast-1.amazonaws.com";

    private final RegistryProcess registry;
    private final EcrStandIn standIn;
    private final DockerClient docker;
    private final String secretKey;

    private EcrBed(RegistryProcess registry, EcrStandIn standIn, DockerClient docker, String secretKey) {
        this.registry = registry;
        this.standIn = standIn;
        this.docker = docker;
        this.secretKey = secretKey;
    }

    /**
     * Starts a registry and a stand-in and connects to the engine at {@code DOCKER_HOST}.
     *
     * @throws IllegalStateException when that engine is not the one {@code test/bed.sh} started, which alone
     *                               resolves ECR host names (see {@link BedEngine#require()})
     */
    public static EcrBed start() throws IOException, InterruptedException {
        BedEngine engine = BedEngine.require();
        EcrStandIn.Builder builder = standInFor(engine);
        RegistryProcess registry = RegistryProcess.start();
        try {
            EcrStandIn standIn = builder.registry(registry.url(), registry.username(), registry.password()).start();
            byte[] random = new byte[20];
            new SecureRandom().nextBytes(random);
            String secret = "Bed/" + HexFormat.of().formatHex(random);
            standIn.addAccessKey(ACCESS_KEY, secret);
            return new EcrBed(registry, standIn, DockerEngineExtension.connect(DockerEngineExtension.dockerHost()),
                    secret);
        } catch (IOException | RuntimeException e) {
            registry.close();
            throw e;
        }
    }

    /**
     * A stand-in of {@link #ACCOUNT_ID} in {@link #REGION} whose registry facade also listens where {@code engine}
     * resolves {@link #ECR_REGISTRY_HOST}, port 443, with the certificate the engine trusts for it.
     */
    static EcrStandIn.Builder standInFor(BedEngine engine) {
        return EcrStandIn.builder().accountId(ACCOUNT_ID).region(REGION)
                .ecrHostListener(new InetSocketAddress(engine.addressOf(ECR_REGISTRY_HOST), BedEngine.REGISTRY_PORT),
                        engine.facadeTls());
    }

    public RegistryProcess registry() {
        return registry;
    }

    public EcrStandIn standIn() {
        return standIn;
    }

    public DockerClient docker() {
        return docker;
    }

    public String dockerHost() {
        return DockerEngineExtension.dockerHost();
    }

    public String secretKey() {
        return secretKey;
    }

    /**
     * {@value #ECR_REGISTRY_HOST}: the registry part of every pushed reference, the host ECR's proxyEndpoint and
     * repositoryUri name; only the bed's engine resolves it (to the facade).
     */
    public String registryHost() {
        return standIn.registryHost();
    }

    /** {@code 127.0.0.1:PORT}: the same facade on loopback, for clients other than the bed's engine. */
    public String loopbackRegistryHost() {
        return standIn.loopbackRegistryHost();
    }

    /** The full repository URI users write in IMAGE: {@code 123456789012.dkr.ecr.ap-southeast-1.amazonaws.com/<name>}. */
    public String repositoryUri(String repositoryName) {
        return registryHost() + "/" + repositoryName;
    }

    /**
     * The environment of a pipe run that pushes to {@code image} (a bare repository name, or the full URI from
     * {@link #repositoryUri(String)}) through this bed, the way a user would set it, plus the endpoint override
     * that points the AWS SDK at the stand-in.
     */
    public Map<String, String> pipeEnv(String image) {
        Map<String, String> env = new HashMap<>();
        env.put("AWS_KEY", ACCESS_KEY);
        env.put("AWS_SECRET", secretKey);
        env.put("AWS_REGION", standIn.region());
        env.put("IMAGE", image);
        env.put("AWS_ENDPOINT_URL", standIn.apiEndpoint());
        env.put("DOCKER_HOST", dockerHost());
        env.put("NO_COLOR", "1");
        env.put("BUILD_NETWORK", "host"); // the bed's engine has no bridge network
        return env;
    }

    /** ECR credentials for the facade, from a real GetAuthorizationToken call signed by the SDK. */
    public AuthConfig registryAuth() {
        return registryAuth(standIn.apiEndpoint(), standIn.region(), ACCESS_KEY, secretKey, standIn.registryHost());
    }

    /** ECR credentials for a registry host, from a GetAuthorizationToken call to {@code apiEndpoint}. */
    public static AuthConfig registryAuth(String apiEndpoint, String region, String accessKey, String secretKey,
                                          String registryHost) {
        try (EcrClient ecr = EcrClient.builder()
                .region(Region.of(region))
                .endpointOverride(URI.create(apiEndpoint))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey)))
                .httpClient(UrlConnectionHttpClient.create())
                .build()) {
            AuthorizationData data = ecr.getAuthorizationToken().authorizationData().get(0);
            String decoded = new String(Base64.getDecoder().decode(data.authorizationToken()), StandardCharsets.UTF_8);
            return new AuthConfig().withUsername("AWS").withPassword(decoded.substring(decoded.indexOf(':') + 1))
                    .withRegistryAddress(registryHost);
        }
    }

    /** The digest the REAL registry behind the stand-in holds for {@code repository:tag}, if any. */
    public Optional<String> manifestDigest(String repository, String tag) {
        Response response = given().header("Authorization", registry.basicAuthorization())
                .accept("application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json")
                .when().head(registry.url() + "/v2/" + repository + "/manifests/" + tag);
        if (response.statusCode() == 404) {
            return Optional.empty();
        }
        if (response.statusCode() != 200) {
            throw new IllegalStateException("registry answered " + response.statusCode() + " for " + repository + ":" + tag);
        }
        return Optional.of(response.header("Docker-Content-Digest"));
    }

    /**
     * The config digest (the image id) of the manifest the REAL registry holds under {@code reference} (a tag or a
     * digest), if any: which image a tag or a pushed digest really is.
     */
    public Optional<String> imageIdOf(String repository, String reference) {
        Response response = given().header("Authorization", registry.basicAuthorization())
                .accept("application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json")
                .when().get(registry.url() + "/v2/" + repository + "/manifests/" + reference);
        if (response.statusCode() == 404) {
            return Optional.empty();
        }
        if (response.statusCode() != 200) {
            throw new IllegalStateException("registry answered " + response.statusCode() + " for " + repository + "@" + reference);
        }
        return Optional.ofNullable(response.jsonPath().getString("config.digest"));
    }

    @Override
    public void close() throws Exception {
        try (registry; standIn; docker) {
            // closes all three, the stand-in first
        }
    }
}
