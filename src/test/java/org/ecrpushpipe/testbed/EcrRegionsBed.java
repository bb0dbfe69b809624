package org.ecrpushpipe.testbed;

import static io.restassured.RestAssured.given;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.ecrpushpipe.standin.EcrStandIn;
import org.ecrpushpipe.standin.RegionalApi;

import io.restassured.response.Response;

/**
 * The bed with several regions of one account: the {@link EcrBed} of {@value EcrBed#REGION} (its engine, registry
 * and stand-in), plus, for each other region, a stand-in of its own in front of a real registry of its own, its
 * registry facade listening where the bed's engine resolves {@code 123456789012.dkr.ecr.<region>.amazonaws.com}
 * (port 443). The same IAM user (key and secret) is known in every region. One API endpoint
 * ({@link RegionalApi}) serves all regions, dispatching on each request's signed region, so a pipe run needs one
 * AWS_ENDPOINT_URL, as it needs none against AWS. Faults are per region: {@code standIn(region).faults()}.
 */
public final class EcrRegionsBed implements AutoCloseable {
    /** The regions a test can mirror to: the bed engine's other hosts of {@value EcrBed#ACCOUNT_ID}. */
    public static final List<String> OTHER_REGIONS = List.of("eu-west-1", "us-east-1");
    /** Every region of the bed, the home region ({@value EcrBed#REGION}) first. */
    public static final List<String> REGIONS = List.of(EcrBed.REGION, "eu-west-1", "us-east-1");

    private final EcrBed home;
    private final Map<String, EcrStandIn> standIns = new LinkedHashMap<>();
    private final Map<String, RegistryProcess> registries = new LinkedHashMap<>();
    private final RegionalApi api;

    private EcrRegionsBed(EcrBed home) throws IOException, InterruptedException {
        this.home = home;
        standIns.put(EcrBed.REGION, home.standIn());
        registries.put(EcrBed.REGION, home.registry());
        try {
            BedEngine engine = BedEngine.require();
            for (String region : OTHER_REGIONS) {
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
            api = new RegionalApi(new ArrayList<>(standIns.values()));
        } catch (IOException | InterruptedException | RuntimeException e) {
            closeOthers();
            throw e;
        }
    }

    /** Starts the home bed and the other regions. */
    public static EcrRegionsBed start() throws Exception {
        EcrBed home = EcrBed.start();
        try {
            return new EcrRegionsBed(home);
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

    /** Creates a repository of this name in each of these regions (with ECR's tag mutability). */
    public void createRepository(String name, String mutability, List<String> regions) {
        regions.forEach(r -> standIn(r).createRepository(name, mutability));
    }

    /** The home bed's environment for a pipe run, with the one API endpoint of every region. */
    public Map<String, String> pipeEnv(String image) {
        Map<String, String> env = home.pipeEnv(image);
        env.put("AWS_ENDPOINT_URL", api.endpoint());
        return env;
    }

    /** The repository URI users write in IMAGE, in the home region. */
    public String repositoryUri(String name) {
        return home.repositoryUri(name);
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

    /** For each region, the digest each tag names there (empty when the tag is not there). */
    public Map<String, Map<String, Optional<String>>> state(String repository, List<String> tags) {
        Map<String, Map<String, Optional<String>>> state = new LinkedHashMap<>();
        for (String region : standIns.keySet()) {
            Map<String, Optional<String>> byTag = new LinkedHashMap<>();
            tags.forEach(t -> byTag.put(t, manifestDigest(region, repository, t)));
            state.put(region, byTag);
        }
        return state;
    }

    private void closeOthers() {
        for (String region : OTHER_REGIONS) {
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
