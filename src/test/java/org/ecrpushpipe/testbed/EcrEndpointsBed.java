package org.ecrpushpipe.testbed;

import static io.restassured.RestAssured.given;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.ecrpushpipe.standin.EcrStandIn;
import org.ecrpushpipe.standin.RegionalApi;

import io.restassured.response.Response;

/**
 * The bed as AWS's own endpoints reach it, with no endpoint override: the {@link EcrBed} of {@value EcrBed#REGION}
 * plus a stand-in (in front of a real registry of its own) for China ({@value #CHINA}) and for GovCloud
 * ({@value #GOV_CLOUD}), each registry facade listening where the bed's engine resolves its registry hosts (the
 * standard one and its FIPS or dual-stack name: {@code test/bed.sh}'s lines of names). One API endpoint
 * ({@link RegionalApi}) serves every region over HTTPS on port 443 of the address the bed's hosts file gives AWS's
 * API host names ({@code api.ecr.<region>.amazonaws.com}, the FIPS, dual-stack and China names, STS's), with the
 * bed's certificate: a JVM that resolves names through that hosts file and trusts the bed's CA
 * ({@link BedEngine#jvmOptionsResolvingAsTheEngine}) reaches it at whatever host the AWS SDK's endpoint rules pick,
 * and {@link #apiHostHeaders()} tells which one. The same IAM user is known in every region.
 */
public final class EcrEndpointsBed implements AutoCloseable {
    /** The China region of the bed. */
    public static final String CHINA = "cn-north-1";
    /** The GovCloud region of the bed. */
    public static final String GOV_CLOUD = "us-gov-west-1";
    /** The API host name the bed's hosts file maps to the API endpoint of every region. */
    static final String API_HOST = "api.ecr.ap-southeast-1.amazonaws.com";

    private final EcrBed home;
    private final Map<String, EcrStandIn> standIns = new LinkedHashMap<>();
    private final Map<String, RegistryProcess> registries = new LinkedHashMap<>();
    private final RegionalApi api;
    private final BedEngine engine;

    private EcrEndpointsBed(EcrBed home) throws IOException, InterruptedException {
        this.home = home;
        this.engine = BedEngine.require();
        standIns.put(EcrBed.REGION, home.standIn());
        registries.put(EcrBed.REGION, home.registry());
        try {
            for (String region : List.of(CHINA, GOV_CLOUD)) {
                RegistryProcess registry = RegistryProcess.start();
                registries.put(region, registry);
                String host = EcrStandIn.ecrRegistryHost(EcrBed.ACCOUNT_ID, region);
                EcrStandIn standIn = EcrStandIn.builder().accountId(EcrBed.ACCOUNT_ID).region(region)
                        .ecrHostListener(new InetSocketAddress(engine.addressOf(host), BedEngine.REGISTRY_PORT),
                                engine.facadeTls())
                        .registry(registry.url(), registry.username(), registry.password()).start();
                standIns.put(region, standIn);
                standIn.addAccessKey(EcrBed.ACCESS_KEY, home.secretKey());
            }
            api = new RegionalApi(new ArrayList<>(standIns.values()),
                    new InetSocketAddress(engine.addressOf(API_HOST), 443), engine.facadeTls());
        } catch (IOException | RuntimeException e) {
            closeOthers();
            throw e;
        }
    }

    /** Starts the home bed and the other partitions' regions. */
    public static EcrEndpointsBed start() throws Exception {
        EcrBed home = EcrBed.start();
        try {
            return new EcrEndpointsBed(home);
        } catch (Exception e) {
            home.close();
            throw e;
        }
    }

    public EcrBed home() {
        return home;
    }

    /** The stand-in of a region (the home region's included). */
    public EcrStandIn standIn(String region) {
        return standIns.get(region);
    }

    /**
     * The environment of a run with the bed's IAM user in {@code region}, without AWS_ENDPOINT_URL: the AWS SDK picks
     * AWS's own endpoint for the region.
     */
    public Map<String, String> pipeEnv(String region, String image) {
        Map<String, String> env = home.pipeEnv(image);
        env.remove("AWS_ENDPOINT_URL");
        env.put("AWS_REGION", region);
        return env;
    }

    /** The options of a JVM that resolves names as the bed's engine does and trusts the bed's CA; files go in {@code dir}. */
    public List<String> jvmOptions(Path dir) {
        return engine.jvmOptionsResolvingAsTheEngine(dir);
    }

    /**
     * What the API endpoint was asked, oldest first: {@code "<Host header> ECR <operation>"} or
     * {@code "<Host header> STS <action>"}.
     */
    public List<String> apiHostHeaders() {
        return api.hostHeaders();
    }

    /** Forgets the API host headers seen so far. */
    public void clearHostHeaders() {
        api.clearHostHeaders();
    }

    /** The digest the REAL registry of {@code region} holds for {@code repository:tag}, if any. */
    public Optional<String> manifestDigest(String region, String repository, String tag) {
        RegistryProcess registry = registries.get(region);
        Response response = given().header("Authorization", registry.basicAuthorization())
                .accept("application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json")
                .when().head(registry.url() + "/v2/" + repository + "/manifests/" + tag);
        if (response.statusCode() == 404) {
            return Optional.empty();
        }
        if (response.statusCode() != 200) {
            throw new IllegalStateException("registry of " + region + " answered " + response.statusCode());
        }
        return Optional.of(response.header("Docker-Content-Digest"));
    }

    private void closeOthers() {
        for (String region : List.of(CHINA, GOV_CLOUD)) {
            EcrStandIn standIn = standIns.get(region);
            if (standIn != null) {
                standIn.close();
            }
            RegistryProcess registry = registries.get(region);
            if (registry != null) {
                try {
                    registry.close();
                } catch (IOException | InterruptedException e) {
                    // closing the rest matters more
                }
            }
        }
    }

    @Override
    public void close() throws Exception {
        try {
            if (api != null) {
                api.close();
            }
            closeOthers();
        } finally {
            home.close();
        }
    }
}
