package org.ecrpushpipe.scenarios;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.ecrpushpipe.testbed.EcrBed;
import org.ecrpushpipe.testbed.EcrBedExtension;
import org.ecrpushpipe.testbed.EcrEndpointsBed;
import org.ecrpushpipe.testbed.TestImages;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which AWS endpoint the pipe calls, and which registry host it pushes to, when nothing overrides the endpoint, as
 * on Bitbucket: the AWS SDK's own endpoint rules pick the host from the region and the variant (FIPS, dual-stack)
 * that IMAGE's host or AWS_USE_FIPS_ENDPOINT / AWS_USE_DUALSTACK_ENDPOINT ask for. On {@link EcrEndpointsBed}: the
 * packaged pipe's JVM resolves AWS's real API and registry host names through the bed engine's hosts file and trusts
 * the bed's CA (standard JDK options, nothing in the pipe), so whatever host the SDK picks reaches the stand-in of its
 * region over verified TLS, which records the host each call was sent to; the engine pushes to the registry host
 * ECR (or IMAGE) names, which the registry facade records. No run sets AWS_ENDPOINT_URL.
 */
@ExtendWith(EcrBedExtension.class)
class EndpointSelectionIT {
    private static final Pattern PUSHED = Pattern.compile("✔ Successfully pushed (\\S+):latest \\(sha256:[0-9a-f]{64}\\)");

    @TempDir
    Path work;

    private final EcrEndpointsBed bed;

    EndpointSelectionIT(EcrEndpointsBed bed) {
        this.bed = bed;
    }

    @BeforeEach
    void forgetHosts() {
        bed.clearHostHeaders();
    }

    private Launcher.PipeRun run(String region, String image, String... more) {
        Map<String, String> env = bed.pipeEnv(region, image);
        for (int i = 0; i < more.length; i += 2) {
            env.put(more[i], more[i + 1]);
        }
        return new JarLauncher(List.of(), JarLauncher.JAR, bed.jvmOptions(work)).run(env, Map.of(),
                TestImages.busybox(work.resolve("context")).uniqueFile().write());
    }

    /** The API hosts the run's calls went to, of one kind ({@code ECR} or {@code STS}). */
    private Set<String> apiHosts(String kind) {
        Set<String> hosts = new TreeSet<>();
        for (String entry : bed.apiHostHeaders()) {
            String[] parts = entry.split(" ");
            if (parts.length > 1 && parts[1].equals(kind)) {
                hosts.add(parts[0]);
            }
        }
        return hosts;
    }

    /** The repository URI the run said it pushed {@code latest} to. */
    private static String pushedTo(Launcher.PipeRun run) {
        Matcher m = PUSHED.matcher(run.output());
        assertTrue(m.find(), run.output());
        return m.group(1);
    }

    private void assertPushed(Launcher.PipeRun run, String region, String registryHost, String repository) {
        assertEquals(0, run.exitCode(), run.output());
        assertEquals(registryHost + "/" + repository, pushedTo(run));
        assertTrue(bed.standIn(region).registryHostHeaders().contains(registryHost),
                "the engine pushed to " + registryHost + ": " + bed.standIn(region).registryHostHeaders());
        assertTrue(bed.manifestDigest(region, repository, "latest").isPresent(), "the registry of " + region
                + " holds " + repository);
    }

    @Test
    void aRegionsOwnEndpointForAFullUriAndForABareName() {
        bed.standIn(EcrBed.REGION).createRepository("endpoints/regional");
        bed.standIn(EcrBed.REGION).createRepository("endpoints/bare");

        Launcher.PipeRun full = run(EcrBed.REGION, EcrBed.ECR_REGISTRY_HOST + "/endpoints/regional");
        assertPushed(full, EcrBed.REGION, EcrBed.ECR_REGISTRY_HOST, "endpoints/regional");
        assertEquals(Set.of("api.ecr.ap-southeast-1.amazonaws.com"), apiHosts("ECR"));

        bed.clearHostHeaders();
        Launcher.PipeRun bare = run(EcrBed.REGION, "endpoints/bare");
        assertPushed(bare, EcrBed.REGION, EcrBed.ECR_REGISTRY_HOST, "endpoints/bare");
        assertEquals(Set.of("api.ecr.ap-southeast-1.amazonaws.com"), apiHosts("ECR"));
    }

    @Test
    void aDualStackImageHostCallsTheDualStackApi() {
        bed.standIn(EcrBed.REGION).createRepository("endpoints/dual");
        String host = "123456789012.dkr-ecr.ap-southeast-1.on.aws";

        Launcher.PipeRun run = run(EcrBed.REGION, host + "/endpoints/dual");

        assertPushed(run, EcrBed.REGION, host, "endpoints/dual");
        assertEquals(Set.of("ecr.ap-southeast-1.api.aws"), apiHosts("ECR"));
    }

    @Test
    void awsUseDualstackEndpointCallsTheDualStackApiAndPushesABareNameToTheDualStackRegistry() {
        bed.standIn(EcrBed.REGION).createRepository("endpoints/dual-bare");

        Launcher.PipeRun run = run(EcrBed.REGION, "endpoints/dual-bare", "AWS_USE_DUALSTACK_ENDPOINT", "true");

        assertPushed(run, EcrBed.REGION, "123456789012.dkr-ecr.ap-southeast-1.on.aws", "endpoints/dual-bare");
        assertEquals(Set.of("ecr.ap-southeast-1.api.aws"), apiHosts("ECR"));
    }

    @Test
    void chinaIsReachedAtAmazonawsComCn() {
        bed.standIn(EcrEndpointsBed.CHINA).createRepository("endpoints/china");
        String host = "123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn";

        Launcher.PipeRun run = run(EcrEndpointsBed.CHINA, host + "/endpoints/china");

        assertPushed(run, EcrEndpointsBed.CHINA, host, "endpoints/china");
        assertEquals(Set.of("api.ecr.cn-north-1.amazonaws.com.cn"), apiHosts("ECR"));
        assertTrue(bed.standIn(EcrEndpointsBed.CHINA).requests().all().stream().allMatch(c -> c.accepted()),
                "every call signed for cn-north-1 and accepted there: " + bed.standIn(EcrEndpointsBed.CHINA).requests().all());
    }

    @Test
    void govCloudIsReachedAtItsRegionalEndpoint() {
        bed.standIn(EcrEndpointsBed.GOV_CLOUD).createRepository("endpoints/gov");
        String host = "123456789012.dkr.ecr.us-gov-west-1.amazonaws.com";

        Launcher.PipeRun run = run(EcrEndpointsBed.GOV_CLOUD, host + "/endpoints/gov");

        assertPushed(run, EcrEndpointsBed.GOV_CLOUD, host, "endpoints/gov");
        assertEquals(Set.of("api.ecr.us-gov-west-1.amazonaws.com"), apiHosts("ECR"));
    }

    @Test
    void aFipsImageHostCallsTheFipsApi() {
        bed.standIn(EcrEndpointsBed.GOV_CLOUD).createRepository("endpoints/fips");
        String host = "123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com";

        Launcher.PipeRun run = run(EcrEndpointsBed.GOV_CLOUD, host + "/endpoints/fips");

        assertPushed(run, EcrEndpointsBed.GOV_CLOUD, host, "endpoints/fips");
        assertEquals(Set.of("api.ecr-fips.us-gov-west-1.amazonaws.com"), apiHosts("ECR"));
    }

    @Test
    void awsUseFipsEndpointCallsTheFipsApiAndPushesABareNameToTheFipsRegistry() {
        bed.standIn(EcrEndpointsBed.GOV_CLOUD).createRepository("endpoints/fips-bare");

        Launcher.PipeRun run = run(EcrEndpointsBed.GOV_CLOUD, "endpoints/fips-bare", "AWS_USE_FIPS_ENDPOINT", "true");

        assertPushed(run, EcrEndpointsBed.GOV_CLOUD, "123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com",
                "endpoints/fips-bare");
        assertEquals(Set.of("api.ecr-fips.us-gov-west-1.amazonaws.com"), apiHosts("ECR"));
    }

    @Test
    void stsIsCalledAtTheRegionsEndpointAndItsDualStackOne() {
        String role = "arn:aws:iam::" + EcrBed.ACCOUNT_ID + ":role/endpoints";
        bed.standIn(EcrBed.REGION).trustRole(role, bed.standIn(EcrBed.REGION).userArn("ci"), Optional.empty());
        bed.standIn(EcrBed.REGION).createRepository("endpoints/sts");

        Launcher.PipeRun regional = run(EcrBed.REGION, EcrBed.ECR_REGISTRY_HOST + "/endpoints/sts", "AWS_ROLE_ARN", role);
        assertPushed(regional, EcrBed.REGION, EcrBed.ECR_REGISTRY_HOST, "endpoints/sts");
        assertEquals(Set.of("sts.ap-southeast-1.amazonaws.com"), apiHosts("STS"));
        assertEquals(Set.of("api.ecr.ap-southeast-1.amazonaws.com"), apiHosts("ECR"));

        bed.clearHostHeaders();
        Launcher.PipeRun dual = run(EcrBed.REGION, EcrBed.ECR_REGISTRY_HOST + "/endpoints/sts", "AWS_ROLE_ARN", role,
                "AWS_USE_DUALSTACK_ENDPOINT", "true");
        assertEquals(0, dual.exitCode(), dual.output());
        assertEquals(Set.of("sts.ap-southeast-1.api.aws"), apiHosts("STS"));
        assertEquals(Set.of("ecr.ap-southeast-1.api.aws"), apiHosts("ECR"));
    }

    @Test
    void anUnknownValueOfTheVariablesIsAValidationError() {
        Launcher.PipeRun run = run(EcrBed.REGION, "endpoints/invalid", "AWS_USE_FIPS_ENDPOINT", "yes",
                "AWS_USE_DUALSTACK_ENDPOINT", "1");

        assertEquals(2, run.exitCode(), run.output());
        assertTrue(run.output().contains("AWS_USE_FIPS_ENDPOINT"), run.output());
        assertTrue(run.output().contains("'yes' is neither true nor false"), run.output());
        assertTrue(run.output().contains("'1' is neither true nor false"), run.output());
        assertEquals(List.of(), bed.apiHostHeaders(), "nothing was called");
    }
}
