package org.ecrpushpipe.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.ecrpushpipe.config.AwsCredentials;
import org.ecrpushpipe.config.EndpointVariants;
import org.ecrpushpipe.config.LifecyclePolicy;
import org.ecrpushpipe.config.RepositorySetting;
import org.ecrpushpipe.config.RepositorySettings;
import org.ecrpushpipe.config.RepositorySpec;
import org.ecrpushpipe.config.Secret;
import org.ecrpushpipe.errors.PipeException;
import org.ecrpushpipe.registry.ecr.EcrRegistry;
import org.ecrpushpipe.registry.ecr.EcrSettings;
import org.ecrpushpipe.standin.EcrStandIn;
import org.ecrpushpipe.standin.Fault;
import org.ecrpushpipe.testbed.RegistryExtension;
import org.ecrpushpipe.testbed.RegistryProcess;
import org.ecrpushpipe.fakes.RecordingEvents;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * {@link RepositoryPreparer} through the real ECR adapter (AWS SDK) against the stand-in (SigV4 checked, ECR's
 * shapes and errors): what the stand-in holds before and after each preparation, and what the run says.
 */
@ExtendWith(RegistryExtension.class)
class RepositoryPreparerEcrTest {
    private static final String KEY = "AKIAPREPARERTEST0001";
    private static final String SECRET = "preparer/secret";
    static final String POLICY = """
            {"rules": [{"rulePriority": 1, "description": "Expire untagged images after 14 days",
              "selection": {"tagStatus": "untagged", "countType": "sinceImagePushed", "countUnit": "days",
                            "countNumber": 14},
              "action": {"type": "expire"}}]}
            """;

    private final RegistryProcess registry;
    private EcrStandIn standIn;
    private final RecordingEvents events = new RecordingEvents(Collections.synchronizedList(new ArrayList<>()));
    /** What was said, as the console shows it ({@code INFO: …}, {@code WARNING: …}). */
    private final List<String> said = new AbstractList<>() {
        @Override
        public String get(int index) {
            String line = events.lines().get(index);
            int space = line.indexOf(' ');
            return line.substring(0, space).toUpperCase(Locale.ROOT) + ": " + line.substring(space + 1);
        }

        @Override
        public int size() {
            return events.lines().size();
        }
    };

    RepositoryPreparerEcrTest(RegistryProcess registry) {
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

    private EcrRegistry ecr() {
        return new EcrRegistry(new EcrSettings(standIn.region(), new AwsCredentials(Secret.of(KEY), Secret.of(SECRET),
                Optional.empty()), Optional.empty(), EndpointVariants.STANDARD,
                Optional.of(URI.create(standIn.apiEndpoint()))));
    }

    private RepositoryPreparer preparer() {
        return new RepositoryPreparer(events);
    }

    private RepositoryPreparer.Prepared prepare(String name, RepositorySettings settings) {
        try (EcrRegistry ecr = ecr()) {
            return preparer().prepare(ecr, name, settings, standIn.registryHost(), standIn.region());
        }
    }

    private static RepositorySettings create(RepositorySpec spec, RepositorySetting... given) {
        return new RepositorySettings(true, spec, given.length == 0 ? Set.of() : EnumSet.of(given[0], given),
                Optional.empty());
    }

    private List<String> warnings() {
        return said.stream().filter(l -> l.startsWith("WARNING: ")).toList();
    }

    @Test
    void aMissingRepositoryIsCreatedWithEverySetting() {
        standIn.addKmsKey("1234abcd-12ab-34cd-56ef-1234567890ab", "alias/ecr-team");
        assertFalse(standIn.hasRepository("prep/created"), "before: no repository");
        RepositorySpec spec = new RepositorySpec("IMMUTABLE_WITH_EXCLUSION", List.of("latest", "dev-*"), true, "KMS",
                Optional.of("alias/ecr-team"), Map.of("team", "payments"));
        RepositoryPreparer.Prepared prepared = prepare("prep/created", create(spec, RepositorySetting.values()));

        JsonNode held = standIn.describeRepository("prep/created");
        assertEquals("IMMUTABLE_WITH_EXCLUSION", held.path("imageTagMutability").asText());
        assertEquals("[{\"filterType\":\"WILDCARD\",\"filter\":\"latest\"},{\"filterType\":\"WILDCARD\",\"filter\":"
                + "\"dev-*\"}]", held.path("imageTagMutabilityExclusionFilters").toString());
        assertTrue(held.path("imageScanningConfiguration").path("scanOnPush").asBoolean());
        assertEquals("KMS", held.path("encryptionConfiguration").path("encryptionType").asText());
        assertEquals("arn:aws:kms:ap-southeast-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
                held.path("encryptionConfiguration").path("kmsKey").asText(), "ECR keeps the key's ARN");
        assertEquals(Map.of("team", "payments"), standIn.repositoryTags("prep/created"));

        assertEquals("IMMUTABLE_WITH_EXCLUSION", prepared.repository().tagMutability());
        assertEquals(List.of("latest", "dev-*"), prepared.repository().exclusionFilters());
        assertTrue(prepared.repository().scanOnPush());
        assertEquals(Optional.of(held.path("encryptionConfiguration").path("kmsKey").asText()),
                prepared.repository().kmsKey());
        assertFalse(prepared.existedBefore());
        assertTrue(said.contains("INFO: Creating the repository 'prep/created' (IMMUTABLE_WITH_EXCLUSION tags except"
                + " latest dev-*, scan on push on, KMS encryption with the key alias/ecr-team, tags team=payments)."),
                said.toString());
        assertEquals(List.of(), warnings(), "the alias names the key it was created with: no drift");
    }

    @Test
    void withoutCreateRepositoryAMissingRepositoryFailsAsBefore() {
        PipeException e = assertThrows(PipeException.Push.class,
                () -> prepare("prep/missing", RepositorySettings.NONE));
        assertEquals("The repository 'prep/missing' does not exist in " + standIn.registryHost() + ".", e.getMessage());
        assertTrue(e.hint().contains("CREATE_REPOSITORY"), e.hint());
        assertFalse(standIn.hasRepository("prep/missing"));
        assertEquals(List.of(), standIn.requests().of("CreateRepository"));
    }

    @Test
    void twoConcurrentCreatesOfOneRepositoryBothSucceed() throws Exception {
        for (int round = 0; round < 5; round++) {
            String name = "prep/concurrent-" + round;
            CountDownLatch start = new CountDownLatch(1);
            ExecutorService two = Executors.newFixedThreadPool(2);
            try {
                List<Future<RepositoryPreparer.Prepared>> runs = new ArrayList<>();
                for (int i = 0; i < 2; i++) {
                    runs.add(two.submit(() -> {
                        start.await();
                        return prepare(name, create(new RepositorySpec("IMMUTABLE", List.of(), false, "AES256",
                                Optional.empty(), Map.of()), RepositorySetting.IMAGE_TAG_MUTABILITY));
                    }));
                }
                start.countDown();
                for (Future<RepositoryPreparer.Prepared> run : runs) {
                    assertEquals("IMMUTABLE", run.get().repository().tagMutability(), "both runs succeed");
                }
            } finally {
                two.shutdownNow();
            }
            assertEquals("IMMUTABLE", standIn.describeRepository(name).path("imageTagMutability").asText());
        }
        assertEquals(List.of(), warnings());
    }

    @Test
    void losingTheRaceToCreateIsSuccess() {
        standIn.apiFaults().failNext(1, "*", "CreateRepository", Fault.action("another pipeline creates it first",
                () -> standIn.createRepository("prep/raced", "IMMUTABLE")));
        RepositoryPreparer.Prepared prepared = prepare("prep/raced", create(new RepositorySpec("MUTABLE", List.of(),
                false, "AES256", Optional.empty(), Map.of()), RepositorySetting.IMAGE_TAG_MUTABILITY));
        assertEquals("RepositoryAlreadyExistsException", standIn.requests().of("CreateRepository").get(0).outcome());
        assertEquals("IMMUTABLE", prepared.repository().tagMutability(), "the repository as the other run made it");
        assertTrue(said.contains("INFO: Another run created the repository " + standIn.registryHost()
                + "/prep/raced meanwhile; using it."), said.toString());
        assertEquals(List.of("WARNING: IMAGE_TAG_MUTABILITY is MUTABLE, but the repository " + standIn.registryHost()
                + "/prep/raced has IMMUTABLE tags; the pipe does not change an existing repository."), warnings());
    }

    @Test
    void anExistingRepositoryIsNeverChangedAndEachDifferenceIsOneWarning() {
        standIn.createRepository("prep/existing", "IMMUTABLE");
        JsonNode before = standIn.describeRepository("prep/existing");
        RepositorySpec spec = new RepositorySpec("MUTABLE_WITH_EXCLUSION", List.of("v*"), true, "AES256",
                Optional.empty(), Map.of());
        prepare("prep/existing", create(spec, RepositorySetting.IMAGE_TAG_MUTABILITY,
                RepositorySetting.IMAGE_TAG_MUTABILITY_EXCLUSIONS, RepositorySetting.SCAN_ON_PUSH,
                RepositorySetting.ENCRYPTION));
        String uri = standIn.registryHost() + "/prep/existing";
        assertEquals(List.of(
                "WARNING: IMAGE_TAG_MUTABILITY is MUTABLE_WITH_EXCLUSION, but the repository " + uri + " has IMMUTABLE"
                        + " tags; the pipe does not change an existing repository.",
                "WARNING: IMAGE_TAG_MUTABILITY_EXCLUSIONS are v*, but the repository " + uri + " has none; the pipe"
                        + " does not change an existing repository.",
                "WARNING: SCAN_ON_PUSH is true, but the repository " + uri + " has scan on push off; the pipe does"
                        + " not change an existing repository."), warnings(), "ENCRYPTION AES256 agrees: no line");
        assertEquals(before, standIn.describeRepository("prep/existing"), "after: unchanged");
        assertEquals(List.of(), standIn.requests().of("CreateRepository"));
    }

    @Test
    void repositoryTagsAreComparedWithTheTagsAnExistingRepositoryHolds() {
        RepositorySpec ops = new RepositorySpec("MUTABLE", List.of(), false, "AES256", Optional.empty(),
                Map.of("team", "ops", "cost", "42"));
        prepare("prep/tagged", create(ops, RepositorySetting.REPOSITORY_TAGS));
        prepare("prep/tagged", create(new RepositorySpec("MUTABLE", List.of(), false, "AES256", Optional.empty(),
                Map.of("team", "ops")), RepositorySetting.REPOSITORY_TAGS));
        assertEquals(List.of(), warnings(), "tags the repository has beyond those given are not a difference");
        prepare("prep/tagged", create(new RepositorySpec("MUTABLE", List.of(), false, "AES256", Optional.empty(),
                Map.of("team", "payments")), RepositorySetting.REPOSITORY_TAGS));
        assertEquals(1, warnings().size(), said.toString());
        assertTrue(warnings().get(0).startsWith("WARNING: REPOSITORY_TAGS are team=payments, but the repository "
                + standIn.registryHost() + "/prep/tagged has "), warnings().toString());
        assertEquals(Map.of("team", "ops", "cost", "42"), standIn.repositoryTags("prep/tagged"), "unchanged");
    }

    @Test
    void settingsNotGivenAreNotComparedWithAnExistingRepository() {
        standIn.createRepository("prep/defaults", "IMMUTABLE");
        prepare("prep/defaults", create(RepositorySpec.DEFAULTS));
        assertEquals(List.of(), warnings());
    }

    @Test
    void aCreateOnPushTemplateShapesTheRepositoryAndThePipeDoesNotFightIt() {
        standIn.addCreationTemplate("ROOT", List.of("CREATE_ON_PUSH"), "MUTABLE", List.of(), null);
        standIn.addCreationTemplate("prod", List.of("CREATE_ON_PUSH", "REPLICATION"), "IMMUTABLE_WITH_EXCLUSION",
                List.of("latest"), null);
        standIn.addCreationTemplate("prod/payments", List.of("REPLICATION"), "IMMUTABLE", List.of(), null);
        RepositoryPreparer.Prepared prepared = prepare("prod/payments/api", create(new RepositorySpec("MUTABLE",
                List.of(), false, "AES256", Optional.empty(), Map.of()), RepositorySetting.IMAGE_TAG_MUTABILITY));

        assertEquals(Optional.of("prod"), prepared.createdOnPush().map(t -> t.prefix()),
                "the longest prefix applied on push; a REPLICATION-only template does not count");
        assertEquals("IMMUTABLE_WITH_EXCLUSION", prepared.repository().tagMutability());
        assertEquals(List.of("latest"), prepared.repository().exclusionFilters());
        assertTrue(said.contains("INFO: The repository 'prod/payments/api' does not exist: ECR creates it on the first"
                + " push, shaped by the repository creation template 'prod'; its settings stand over the pipe's."),
                said.toString());
        assertEquals(List.of("WARNING: IMAGE_TAG_MUTABILITY is MUTABLE, but the creation template gives"
                + " IMMUTABLE_WITH_EXCLUSION tags; the creation template 'prod' decides."), warnings());
        assertFalse(standIn.hasRepository("prod/payments/api"), "ECR creates it on the push, not the pipe");
        assertEquals(List.of(), standIn.requests().of("CreateRepository"));
    }

    @Test
    void aTemplateNotAppliedOnPushLeavesAMissingRepositoryMissing() {
        standIn.addCreationTemplate("ROOT", List.of("PULL_THROUGH_CACHE"), "IMMUTABLE", List.of(), null);
        assertThrows(PipeException.Push.class, () -> prepare("prep/no-template", RepositorySettings.NONE));
    }

    @Test
    void aPrincipalThatMayNotListTemplatesIsTreatedAsHavingNone() {
        standIn.deny("DescribeRepositoryCreationTemplates");
        prepare("prep/no-listing", create(RepositorySpec.DEFAULTS));
        assertTrue(standIn.hasRepository("prep/no-listing"));
    }

    @Test
    void aRefusedCreateIsAnAuthenticationFailure() {
        standIn.deny("CreateRepository");
        PipeException e = assertThrows(PipeException.Authentication.class,
                () -> prepare("prep/denied", create(RepositorySpec.DEFAULTS)));
        assertTrue(e.getMessage().startsWith("Missing permission ecr:CreateRepository on arn:aws:ecr:"), e.getMessage());
        assertTrue(e.getMessage().contains("User: arn:aws:iam::123456789012:user/ci is not authorized"),
                e.getMessage());
        assertEquals(3, e.exitCode().code());
        assertFalse(standIn.hasRepository("prep/denied"));
    }

    @Test
    void aKmsKeyKmsCannotFindIsAKmsFailure() {
        PipeException e = assertThrows(PipeException.Push.class, () -> prepare("prep/kms", create(new RepositorySpec(
                "MUTABLE", List.of(), false, "KMS", Optional.of("alias/none"), Map.of()))));
        assertTrue(e.getMessage().startsWith("ECR could not use the repository's KMS key: Key "
                + "'arn:aws:kms:ap-southeast-1:123456789012:alias/none' does not exist"), e.getMessage());
        assertFalse(standIn.hasRepository("prep/kms"));
    }

    @Test
    void theLifecyclePolicyIsSetOnceAndNotAgainWhileTheRepositoryHoldsTheSame() {
        standIn.createRepository("prep/lifecycle");
        assertEquals(null, standIn.lifecyclePolicy("prep/lifecycle"), "before: none");
        RepositorySettings settings = new RepositorySettings(false, RepositorySpec.DEFAULTS, Set.of(),
                Optional.of(new LifecyclePolicy("ecr/lifecycle.json", POLICY)));
        prepare("prep/lifecycle", settings);
        assertEquals(POLICY, standIn.lifecyclePolicy("prep/lifecycle"));
        assertTrue(said.contains("INFO: Set the lifecycle policy of 'prep/lifecycle' to ecr/lifecycle.json."));

        prepare("prep/lifecycle", new RepositorySettings(false, RepositorySpec.DEFAULTS, Set.of(),
                Optional.of(new LifecyclePolicy("ecr/lifecycle.json", POLICY.replace("\n", " ").strip()))));
        assertEquals(1, standIn.requests().of("PutLifecyclePolicy").size(), "the same policy, other whitespace");
        assertTrue(said.contains("INFO: The repository 'prep/lifecycle' already has the lifecycle policy of"
                + " ecr/lifecycle.json."), said.toString());

        String changed = POLICY.replace("14", "30");
        prepare("prep/lifecycle", new RepositorySettings(false, RepositorySpec.DEFAULTS, Set.of(),
                Optional.of(new LifecyclePolicy("ecr/lifecycle.json", changed))));
        assertEquals(changed, standIn.lifecyclePolicy("prep/lifecycle"));
        assertTrue(said.contains("INFO: Replaced the lifecycle policy of 'prep/lifecycle' to ecr/lifecycle.json."));
    }

    @Test
    void aPolicyEcrRefusesFailsWithAHintAtTheFile() {
        standIn.createRepository("prep/refused");
        String refused = POLICY.replace("\"expire\"", "\"delete\"");
        PipeException e = assertThrows(PipeException.Push.class, () -> prepare("prep/refused",
                new RepositorySettings(false, RepositorySpec.DEFAULTS, Set.of(),
                        Optional.of(new LifecyclePolicy("p.json", refused)))));
        assertTrue(e.getMessage().startsWith("ECR refused ecr:PutLifecyclePolicy: Invalid parameter at"
                + " 'LifecyclePolicyText' failed to satisfy constraint: 'Lifecycle policy validation failure:"), e.getMessage());
        assertTrue(e.hint().contains("LIFECYCLE_POLICY"), e.hint());
        assertEquals(null, standIn.lifecyclePolicy("prep/refused"));
    }
}
