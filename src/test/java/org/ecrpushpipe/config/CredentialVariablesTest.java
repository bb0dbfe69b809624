package org.ecrpushpipe.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.ecrpushpipe.credentials.CredentialPlan;
import org.ecrpushpipe.errors.PipeException;
import org.ecrpushpipe.errors.PipeException.Configuration.Problem;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The credential variables: which method wins, what is required then, and every problem. */
class CredentialVariablesTest {
    private static final String IMAGE = "123456789012.dkr.ecr.ap-southeast-1.amazonaws.com/my-service";
    private static final String ROLE = "arn:aws:iam::123456789012:role/bitbucket-oidc";
    private static final String TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl";

    @TempDir
    Path work;

    @BeforeEach
    void dockerfile() throws IOException {
        Files.writeString(work.resolve("Dockerfile"), "FROM scratch\n");
    }

    private static Map<String, String> env(String... pairs) {
        Map<String, String> env = new HashMap<>(Map.of("IMAGE", IMAGE));
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return env;
    }

    private ConfigReader.Result read(Map<String, String> env) {
        return ConfigReader.read(env, work);
    }

    private List<Problem> problems(Map<String, String> env) {
        return assertThrows(PipeException.Configuration.class, () -> read(env)).problems();
    }

    @Test
    void oidcNeedsNoKeysAndNamesTheSessionAfterTheBuild() {
        ConfigReader.Result result = read(env("AWS_OIDC_ROLE_ARN", ROLE, "BITBUCKET_STEP_OIDC_TOKEN", TOKEN,
                "BITBUCKET_BUILD_NUMBER", "42"));
        PipeConfig config = result.config();
        assertEquals(Optional.empty(), config.credentials());
        CredentialPlan plan = CredentialPlan.of(config);
        assertEquals(CredentialPlan.Method.OIDC, plan.method());
        assertEquals("bitbucket-42", plan.webIdentity().orElseThrow().sessionName());
        assertEquals(Optional.of(ROLE), plan.effectiveRoleArn());
        assertEquals(Optional.empty(), plan.assumedRoleArn());
        assertTrue(config.secretValues().contains(TOKEN), "the token is masked");
        assertEquals(List.of(), result.warnings());
    }

    @Test
    void theTokenWinsOverKeysWithAWarning() {
        ConfigReader.Result result = read(env("AWS_OIDC_ROLE_ARN", ROLE, "BITBUCKET_STEP_OIDC_TOKEN", TOKEN,
                "AWS_KEY", "AKIAEXAMPLE", "AWS_SECRET", "secret/value"));
        assertEquals(CredentialPlan.Method.OIDC, CredentialPlan.of(result.config()).method());
        assertEquals(1, result.warnings().size());
        assertTrue(result.warnings().get(0).startsWith("Both AWS_OIDC_ROLE_ARN"), result.warnings().toString());
    }

    @Test
    void aRoleWithoutTokenFallsBackToKeysWithAWarning() {
        ConfigReader.Result result = read(env("AWS_OIDC_ROLE_ARN", ROLE, "BITBUCKET_STEP_OIDC_TOKEN", "",
                "AWS_KEY", "AKIAEXAMPLE", "AWS_SECRET", "secret/value"));
        assertEquals(CredentialPlan.Method.KEYS, CredentialPlan.of(result.config()).method());
        assertTrue(result.warnings().get(0).contains("add 'oidc: true' to the step"), result.warnings().toString());
    }

    @Test
    void aRoleWithoutTokenOrKeysIsOneProblem() {
        List<Problem> problems = problems(env("AWS_OIDC_ROLE_ARN", ROLE));
        assertEquals(1, problems.size(), problems.toString());
        assertEquals("BITBUCKET_STEP_OIDC_TOKEN", problems.get(0).variable());
        assertTrue(problems.get(0).message().contains("add 'oidc: true' to the step"));
    }

    @Test
    void aTokenWithoutRoleIsIgnoredAndKeysAreRequired() {
        List<Problem> problems = problems(env("BITBUCKET_STEP_OIDC_TOKEN", TOKEN));
        assertEquals(List.of("AWS_KEY", "AWS_SECRET"), problems.stream().map(Problem::variable).toList());
    }

    @Test
    void malformedValuesAreProblemsThatNeverShowTheToken() {
        List<Problem> problems = problems(env("AWS_OIDC_ROLE_ARN", "arn:aws:iam::123456789012:user/ci",
                "BITBUCKET_STEP_OIDC_TOKEN", "secret-but-not-a-jwt", "AWS_ROLE_ARN", "pusher",
                "AWS_ROLE_SESSION_NAME", "has spaces in it", "AWS_ROLE_EXTERNAL_ID", "x"));
        assertEquals(List.of("AWS_OIDC_ROLE_ARN", "AWS_ROLE_ARN", "AWS_ROLE_EXTERNAL_ID", "AWS_ROLE_SESSION_NAME"),
                problems.stream().map(Problem::variable).toList(), problems.toString());
        assertTrue(problems.get(0).message().contains("a user cannot be assumed"));
        assertFalse(problems.toString().contains("secret-but-not-a-jwt"));
        List<Problem> token = problems(env("AWS_OIDC_ROLE_ARN", ROLE, "BITBUCKET_STEP_OIDC_TOKEN", "a.b"));
        assertEquals(1, token.size(), "a malformed token is that one problem, not also a missing one: " + token);
        assertEquals("BITBUCKET_STEP_OIDC_TOKEN", token.get(0).variable());
        assertTrue(token.get(0).message().contains("not an OpenID Connect token"), token.toString());
        assertFalse(token.toString().contains("a.b'"));
    }

    @Test
    void aRoleIsAssumedWithItsExternalIdAndSessionName() {
        PipeConfig config = read(env("AWS_KEY", "AKIAEXAMPLE", "AWS_SECRET", "secret/value",
                "AWS_ROLE_ARN", "arn:aws:iam::210987654321:role/team/ecr-pusher", "AWS_ROLE_EXTERNAL_ID", "ext-1",
                "AWS_ROLE_SESSION_NAME", "release@7")).config();
        CredentialPlan plan = CredentialPlan.of(config);
        assertEquals(CredentialPlan.Method.KEYS, plan.method());
        assertEquals(new CredentialSettings.AssumeRole("arn:aws:iam::210987654321:role/team/ecr-pusher",
                Optional.of("ext-1"), "release@7"), plan.assumeRole().orElseThrow());
        assertEquals(Optional.of("arn:aws:iam::210987654321:role/team/ecr-pusher"), plan.assumedRoleArn());
    }

    @Test
    void withoutABuildNumberTheSessionHasAFixedName() {
        PipeConfig config = read(env("AWS_KEY", "AKIAEXAMPLE", "AWS_SECRET", "secret/value",
                "AWS_ROLE_ARN", ROLE)).config();
        assertEquals("bitbucket-pipe", config.access().assumeRole().orElseThrow().sessionName());
    }

    @Test
    void anotherRegistryNeedsItsOwnCredentialsAndNoAwsOnes() {
        ConfigReader.Result result = read(env("IMAGE", "registry.example.com:5000/team/app",
                "REGISTRY_USERNAME", "ci", "REGISTRY_PASSWORD", "p4ssw0rd-of-the-registry", "AWS_KEY", "AKIAEXAMPLE"));
        PipeConfig config = result.config();
        assertEquals(Optional.empty(), config.credentials());
        assertEquals(null, config.region());
        assertEquals("team/app", config.image().repository());
        assertEquals(Optional.empty(), config.image().registry());
        CredentialSettings.OtherRegistry other = config.access().otherRegistry().orElseThrow();
        assertEquals("registry.example.com:5000", other.host());
        assertTrue(config.secretValues().contains("p4ssw0rd-of-the-registry"), "the password is masked");
        assertTrue(result.warnings().get(0).startsWith("AWS_KEY is set, but IMAGE is on registry.example.com:5000"),
                result.warnings().toString());
    }

    @Test
    void dockerHubIsNamedOnItsHostAndReadAsTheDockerCliReadsIt() {
        PipeConfig config = read(env("IMAGE", "index.docker.io/app", "REGISTRY_USERNAME", "ci",
                "REGISTRY_PASSWORD", "dckr_pat_example")).config();
        assertEquals("docker.io", config.access().otherRegistry().orElseThrow().host());
        assertEquals("library/app", config.image().repository());

        // a name without a host is an ECR repository here, where docker would read Docker Hub: the warning says so
        ConfigReader.Result bare = read(env("IMAGE", "my-org/app", "REGISTRY_USERNAME", "ci", "AWS_KEY", "AKIAEXAMPLE",
                "AWS_SECRET", "s", "AWS_REGION", "ap-southeast-1"));
        assertEquals(Optional.empty(), bare.config().access().otherRegistry());
        assertTrue(bare.warnings().stream().anyMatch(w -> w.startsWith("REGISTRY_USERNAME is set, but IMAGE is on ECR")
                && w.endsWith("For Docker Hub, give IMAGE with its host: docker.io/<namespace>/<name>.")),
                bare.warnings().toString());
    }

    @Test
    void anotherRegistryWithoutItsCredentialsOrAPasswordAloneAreProblems() {
        List<Problem> noUser = problems(env("IMAGE", "ghcr.io/org/app", "REGISTRY_PASSWORD", "token-of-ghcr"));
        assertEquals(List.of("REGISTRY_USERNAME"), noUser.stream().map(Problem::variable).toList(), noUser.toString());
        List<Problem> none = problems(env("IMAGE", "ghcr.io/org/app", "AWS_KEY", "AKIAEXAMPLE", "AWS_SECRET", "s"));
        assertEquals("IMAGE", none.get(0).variable());
        assertTrue(none.get(0).message().contains("set REGISTRY_USERNAME and REGISTRY_PASSWORD"), none.toString());
        List<Problem> alone = problems(env("AWS_KEY", "AKIAEXAMPLE", "AWS_SECRET", "s", "REGISTRY_PASSWORD", "pw-1"));
        assertEquals(List.of("REGISTRY_PASSWORD"), alone.stream().map(Problem::variable).toList());
        assertFalse(alone.toString().contains("pw-1"));
    }

    @Test
    void fipsAndDualStackEndpointsComeFromTheStandardVariablesOrFromImagesHost() {
        Map<String, String> keys = env("AWS_KEY", "AKIAEXAMPLE", "AWS_SECRET", "s");
        assertEquals(EndpointVariants.STANDARD, read(keys).config().endpointVariants());

        Map<String, String> fips = new HashMap<>(keys);
        fips.put("AWS_USE_FIPS_ENDPOINT", "TRUE");
        assertEquals(new EndpointVariants(true, false), read(fips).config().endpointVariants());

        Map<String, String> both = new HashMap<>(keys);
        both.put("AWS_USE_FIPS_ENDPOINT", "true");
        both.put("AWS_USE_DUALSTACK_ENDPOINT", "true");
        assertEquals(new EndpointVariants(true, true), read(both).config().endpointVariants());

        Map<String, String> fipsHost = new HashMap<>(keys);
        fipsHost.put("IMAGE", "123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com/app");
        assertEquals(new EndpointVariants(true, false), read(fipsHost).config().endpointVariants());

        Map<String, String> dualHost = new HashMap<>(keys);
        dualHost.put("IMAGE", "123456789012.dkr-ecr.eu-west-1.on.aws/app");
        assertEquals(new EndpointVariants(false, true), read(dualHost).config().endpointVariants());

        Map<String, String> wrong = new HashMap<>(keys);
        wrong.put("AWS_USE_FIPS_ENDPOINT", "yes");
        wrong.put("AWS_USE_DUALSTACK_ENDPOINT", "on");
        assertEquals(List.of("AWS_USE_FIPS_ENDPOINT", "AWS_USE_DUALSTACK_ENDPOINT"),
                problems(wrong).stream().map(Problem::variable).toList());
    }
}
