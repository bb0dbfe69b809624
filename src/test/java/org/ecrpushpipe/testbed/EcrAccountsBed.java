package org.ecrpushpipe.testbed;

import static io.restassured.RestAssured.given;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.ecrpushpipe.standin.EcrStandIn;
import org.ecrpushpipe.standin.RegionalApi;

import io.restassured.response.Response;

/**
 * The bed with two AWS accounts in {@value EcrBed#REGION}: the {@link EcrBed} of {@value EcrBed#ACCOUNT_ID} (the
 * CI account: its engine, registry, stand-in and IAM user) and the registry of {@value #OTHER_ACCOUNT}, a stand-in of
 * the same AWS ({@link EcrStandIn.Builder#sameAwsAs}: the same keys, STS and registry passwords are valid in both) in
 * front of a real registry of its own, its facade listening where the bed's engine resolves
 * {@value #OTHER_REGISTRY_HOST}. One API endpoint ({@link RegionalApi}) serves both, handing each ECR call to the
 * account whose registry it names (its registryId, else the caller's), as ECR's one regional endpoint serves every
 * account; what crosses from one account into the other is refused as ECR refuses it without a repository policy.
 */
public final class EcrAccountsBed implements AutoCloseable {
    /** The account that owns the repository pushed into across accounts. */
    public static final String OTHER_ACCOUNT = "210987654321";
    /** Its registry host in {@value EcrBed#REGION}. */
    public static final String OTHER_REGISTRY_HOST = "210987654321.dkr.ecr.ap-southeast-1.amazonaws.com";

    private final EcrBed home;
    private final RegistryProcess otherRegistry;
    private final EcrStandIn other;
    private final RegionalApi api;

    private EcrAccountsBed(EcrBed home, RegistryProcess otherRegistry, EcrStandIn other, RegionalApi api) {
        this.home = home;
        this.otherRegistry = otherRegistry;
        this.other = other;
        this.api = api;
    }

    /** Starts the home bed, the other account's registry and stand-in, and the API endpoint of both. */
    public static EcrAccountsBed start() throws Exception {
        EcrBed home = EcrBed.start();
        RegistryProcess registry = null;
        EcrStandIn other = null;
        try {
            BedEngine engine = BedEngine.require();
            registry = RegistryProcess.start();
            other = EcrStandIn.builder().accountId(OTHER_ACCOUNT).region(EcrBed.REGION).sameAwsAs(home.standIn())
                    .ecrHostListener(new InetSocketAddress(engine.addressOf(OTHER_REGISTRY_HOST),
                            BedEngine.REGISTRY_PORT), engine.facadeTls())
                    .registry(registry.url(), registry.username(), registry.password()).start();
            RegionalApi api = new RegionalApi(List.of(home.standIn(), other));
            return new EcrAccountsBed(home, registry, other, api);
        } catch (Exception e) {
            if (other != null) {
                other.close();
            }
            if (registry != null) {
                registry.close();
            }
            home.close();
            throw e;
        }
    }

    /** The CI account's bed ({@value EcrBed#ACCOUNT_ID}): its engine, registry, stand-in and IAM user. */
    public EcrBed home() {
        return home;
    }

    /** The stand-in of {@value #OTHER_ACCOUNT}'s registry. */
    public EcrStandIn other() {
        return other;
    }

    /** The full URI of a repository of {@value #OTHER_ACCOUNT}, as users write it in IMAGE. */
    public String otherRepositoryUri(String name) {
        return other.repositoryUri(name);
    }

    /** The environment of a run with the CI account's keys, pointed at the API endpoint of both accounts. */
    public Map<String, String> pipeEnv(String image) {
        Map<String, String> env = home.pipeEnv(image);
        env.put("AWS_ENDPOINT_URL", api.endpoint());
        return env;
    }

    /** The digest the REAL registry of {@value #OTHER_ACCOUNT} holds for {@code repository:tag}, if any. */
    public Optional<String> otherManifestDigest(String repository, String tag) {
        Response response = given().header("Authorization", otherRegistry.basicAuthorization())
                .accept("application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json")
                .when().head(otherRegistry.url() + "/v2/" + repository + "/manifests/" + tag);
        if (response.statusCode() == 404) {
            return Optional.empty();
        }
        if (response.statusCode() != 200) {
            throw new IllegalStateException("the registry of " + OTHER_ACCOUNT + " answered " + response.statusCode());
        }
        return Optional.of(response.header("Docker-Content-Digest"));
    }

    @Override
    public void close() throws Exception {
        try {
            api.close();
            other.close();
            try {
                otherRegistry.close();
            } catch (IOException | InterruptedException e) {
                // the home bed must still be closed
            }
        } finally {
            home.close();
        }
    }
}
