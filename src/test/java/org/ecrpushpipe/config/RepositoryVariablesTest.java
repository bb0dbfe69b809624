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
import java.util.Set;
import java.util.stream.Stream;

import org.ecrpushpipe.errors.PipeException;
import org.ecrpushpipe.errors.PipeException.Configuration.Problem;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The repository variables (creation, settings, lifecycle policy), read through {@link ConfigReader}: values, and every problem. */
class RepositoryVariablesTest {
    static final String POLICY = """
            {"rules": [
              {"rulePriority": 1, "description": "Expire untagged images after 14 days",
               "selection": {"tagStatus": "untagged", "countType": "sinceImagePushed", "countUnit": "days",
                             "countNumber": 14},
               "action": {"type": "expire"}},
              {"rulePriority": 2, "selection": {"tagStatus": "tagged", "tagPrefixList": ["feature-"],
                             "countType": "imageCountMoreThan", "countNumber": 30},
               "action": {"type": "expire"}}
            ]}
            """;

    @TempDir
    Path work;

    @BeforeEach
    void writeClone() throws IOException {
        Files.writeString(work.resolve("Dockerfile"), "FROM scratch\n");
        Files.writeString(work.resolve("lifecycle.json"), POLICY);
    }

    private Map<String, String> env(String... pairs) {
        Map<String, String> env = new HashMap<>(Map.of("AWS_KEY", "AKIAEXAMPLE", "AWS_SECRET", "secret/value",
                "IMAGE", "123456789012.dkr.ecr.ap-southeast-1.amazonaws.com/my-service"));
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return env;
    }

    private RepositorySettings read(String... pairs) {
        return ConfigReader.read(env(pairs), work).config().repository();
    }

    private List<Problem> problems(String... pairs) {
        return assertThrows(PipeException.Configuration.class, () -> ConfigReader.read(env(pairs), work)).problems();
    }

    @Test
    void nothingGivenLeavesTheRepositoryAlone() {
        assertEquals(RepositorySettings.NONE, read());
    }

    @Test
    void everySettingIsRead() {
        RepositorySettings settings = read("CREATE_REPOSITORY", "true", "IMAGE_TAG_MUTABILITY", "immutable_with_exclusion",
                "IMAGE_TAG_MUTABILITY_EXCLUSIONS", "latest  dev-*", "SCAN_ON_PUSH", "true", "ENCRYPTION", "KMS",
                "KMS_KEY", "alias/ecr", "REPOSITORY_TAGS", "team=payments env=prod empty=",
                "LIFECYCLE_POLICY", "lifecycle.json");
        assertTrue(settings.create());
        assertEquals(new RepositorySpec("IMMUTABLE_WITH_EXCLUSION", List.of("latest", "dev-*"), true, "KMS",
                Optional.of("alias/ecr"), Map.of("team", "payments", "env", "prod", "empty", "")), settings.spec());
        assertEquals(List.of("team", "env", "empty"), List.copyOf(settings.spec().resourceTags().keySet()),
                "tags in the order given");
        assertEquals(Set.of(RepositorySetting.values()), settings.given());
        assertEquals(Optional.of(new LifecyclePolicy("lifecycle.json", POLICY)), settings.lifecyclePolicy());
    }

    @Test
    void exclusionsAndRepositoryTagsAsYamlLists() {
        RepositorySettings settings = read("CREATE_REPOSITORY", "true", "IMAGE_TAG_MUTABILITY",
                "IMMUTABLE_WITH_EXCLUSION", "IMAGE_TAG_MUTABILITY_EXCLUSIONS_COUNT", "2",
                "IMAGE_TAG_MUTABILITY_EXCLUSIONS_0", "latest", "IMAGE_TAG_MUTABILITY_EXCLUSIONS_1", "dev-*",
                "REPOSITORY_TAGS_COUNT", "2", "REPOSITORY_TAGS_0", "team=payments", "REPOSITORY_TAGS_1",
                "owner=Payments Team");
        assertEquals(List.of("latest", "dev-*"), settings.spec().exclusionFilters());
        assertEquals(Map.of("team", "payments", "owner", "Payments Team"), settings.spec().resourceTags());
        assertEquals(List.of(new Problem("IMAGE_TAG_MUTABILITY_EXCLUSIONS", "not set, but IMAGE_TAG_MUTABILITY is"
                        + " MUTABLE_WITH_EXCLUSION, which needs 1 to 5 filters (like 'latest dev-*')")),
                problems("CREATE_REPOSITORY", "true", "IMAGE_TAG_MUTABILITY", "MUTABLE_WITH_EXCLUSION",
                        "IMAGE_TAG_MUTABILITY_EXCLUSIONS_COUNT", "0"));
    }

    @Test
    void createWithoutSettingsTakesEcrsDefaultsAndComparesNothing() {
        RepositorySettings settings = read("CREATE_REPOSITORY", "true");
        assertEquals(RepositorySpec.DEFAULTS, settings.spec());
        assertEquals(Set.of(), settings.given());
    }

    @Test
    void aLifecyclePolicyNeedsNoCreateRepository() {
        assertTrue(read("LIFECYCLE_POLICY", "lifecycle.json").lifecyclePolicy().isPresent());
    }

    @Test
    void aPolicyIsTheSameWhateverItsWhitespaceAndMemberOrder() {
        LifecyclePolicy policy = new LifecyclePolicy("p.json", POLICY);
        assertTrue(policy.sameAs(POLICY.replace("\n", "").replace(": ", ":").replace(", ", ",")));
        assertTrue(policy.sameAs(POLICY.replace("\"rulePriority\": 1, \"description\": \"Expire untagged images"
                + " after 14 days\",", "\"description\": \"Expire untagged images after 14 days\", \"rulePriority\": 1,")));
        assertFalse(policy.sameAs(POLICY.replace("14", "15")));
        assertFalse(policy.sameAs("not json"));
    }

    static Stream<Arguments> badInput() {
        String rule = "{\"rulePriority\": 1, \"selection\": {\"tagStatus\": \"untagged\", \"countType\":"
                + " \"imageCountMoreThan\", \"countNumber\": 10}, \"action\": {\"type\": \"expire\"}}";
        return Stream.of(
                Arguments.of(List.of("CREATE_REPOSITORY", "yes"), "CREATE_REPOSITORY", "'yes' is neither true nor false"),
                Arguments.of(List.of("CREATE_REPOSITORY", "true", "IMAGE_TAG_MUTABILITY", "READONLY"),
                        "IMAGE_TAG_MUTABILITY", "'READONLY' is not a tag mutability; use one of MUTABLE, IMMUTABLE,"
                                + " IMMUTABLE_WITH_EXCLUSION, MUTABLE_WITH_EXCLUSION"),
                Arguments.of(List.of("CREATE_REPOSITORY", "true", "IMAGE_TAG_MUTABILITY", "IMMUTABLE",
                                "IMAGE_TAG_MUTABILITY_EXCLUSIONS", "latest"),
                        "IMAGE_TAG_MUTABILITY_EXCLUSIONS", "is set, but IMAGE_TAG_MUTABILITY is IMMUTABLE"),
                Arguments.of(List.of("CREATE_REPOSITORY", "true", "IMAGE_TAG_MUTABILITY_EXCLUSIONS", "latest"),
                        "IMAGE_TAG_MUTABILITY_EXCLUSIONS", "is set, but IMAGE_TAG_MUTABILITY is MUTABLE"),
                Arguments.of(List.of("CREATE_REPOSITORY", "true", "IMAGE_TAG_MUTABILITY", "IMMUTABLE_WITH_EXCLUSION"),
                        "IMAGE_TAG_MUTABILITY_EXCLUSIONS", "not set, but IMAGE_TAG_MUTABILITY is IMMUTABLE_WITH_EXCLUSION"),
                Arguments.of(List.of("CREATE_REPOSITORY", "true", "IMAGE_TAG_MUTABILITY", "IMMUTABLE_WITH_EXCLUSION",
                                "IMAGE_TAG_MUTABILITY_EXCLUSIONS", "a b c d e f"),
                        "IMAGE_TAG_MUTABILITY_EXCLUSIONS", "6 filters given; ECR allows at most 5"),
                Arguments.of(List.of("CREATE_REPOSITORY", "true", "IMAGE_TAG_MUTABILITY", "MUTABLE_WITH_EXCLUSION",
                                "IMAGE_TAG_MUTABILITY_EXCLUSIONS", "v1/*"),
                        "IMAGE_TAG_MUTABILITY_EXCLUSIONS", "'v1/*' is not a tag filter"),
                Arguments.of(List.of("CREATE_REPOSITORY", "true", "SCAN_ON_PUSH", "on"),
                        "SCAN_ON_PUSH", "'on' is neither true nor false"),
                Arguments.of(List.of("CREATE_REPOSITORY", "true", "ENCRYPTION", "DES"),
                        "ENCRYPTION", "'DES' is neither AES256 nor KMS"),
                Arguments.of(List.of("CREATE_REPOSITORY", "true", "KMS_KEY", "alias/ecr"),
                        "KMS_KEY", "is set, but ENCRYPTION is not KMS"),
                Arguments.of(List.of("CREATE_REPOSITORY", "true", "ENCRYPTION", "AES256", "KMS_KEY", "alias/ecr"),
                        "KMS_KEY", "is set, but ENCRYPTION is not KMS"),
                Arguments.of(List.of("CREATE_REPOSITORY", "true", "REPOSITORY_TAGS", "team=payments prod"),
                        "REPOSITORY_TAGS", "the item 'prod' is not key=value"),
                Arguments.of(List.of("CREATE_REPOSITORY", "true", "REPOSITORY_TAGS", "=x"),
                        "REPOSITORY_TAGS", "the item '=x' is not key=value"),
                Arguments.of(List.of("CREATE_REPOSITORY", "true", "REPOSITORY_TAGS", "aws:team=x"),
                        "REPOSITORY_TAGS", "has a key starting with 'aws:'"),
                Arguments.of(List.of("CREATE_REPOSITORY", "true", "REPOSITORY_TAGS", "a=1 a=2"),
                        "REPOSITORY_TAGS", "repeats the key 'a'"),
                Arguments.of(List.of("IMAGE_TAG_MUTABILITY", "IMMUTABLE"),
                        "CREATE_REPOSITORY", "IMAGE_TAG_MUTABILITY is set, but CREATE_REPOSITORY is not true"),
                Arguments.of(List.of("CREATE_REPOSITORY", "false", "SCAN_ON_PUSH", "true", "ENCRYPTION", "KMS"),
                        "CREATE_REPOSITORY", "SCAN_ON_PUSH, ENCRYPTION are set, but CREATE_REPOSITORY is not true"),
                Arguments.of(List.of("LIFECYCLE_POLICY", "missing.json"),
                        "LIFECYCLE_POLICY", "'missing.json' does not exist"),
                Arguments.of(List.of("LIFECYCLE_POLICY", "."), "LIFECYCLE_POLICY", "'.' is not a readable file"),
                Arguments.of(List.of("LIFECYCLE_POLICY", "short.json", "@short.json", "{\"rules\": []}"),
                        "LIFECYCLE_POLICY", "holds 13 characters; ECR takes a lifecycle policy of 100 to 30720"),
                Arguments.of(List.of("LIFECYCLE_POLICY", "p.json", "@p.json", POLICY.replace("\"action\": {\"type\": "
                                + "\"expire\"}}\n]}", "\"action\": {\"type\": \"expire\"}")),
                        "LIFECYCLE_POLICY", "'p.json' is not JSON"),
                Arguments.of(List.of("LIFECYCLE_POLICY", "p.json", "@p.json", "{\"rule\": [" + rule + "]}"),
                        "LIFECYCLE_POLICY", "the policy has the member 'rule', which ECR does not know"),
                Arguments.of(List.of("LIFECYCLE_POLICY", "p.json", "@p.json", "{\"rules\": [" + rule + ", "
                                + rule + "]}"),
                        "LIFECYCLE_POLICY", "rule 2: 'rulePriority' 1 is used twice"),
                Arguments.of(List.of("LIFECYCLE_POLICY", "p.json", "@p.json", "{\"rules\": ["
                                + rule.replace("\"untagged\"", "\"tagged\"") + "]}"),
                        "LIFECYCLE_POLICY", "rule 1: tagStatus 'tagged' needs either 'tagPrefixList' or 'tagPatternList'"),
                Arguments.of(List.of("LIFECYCLE_POLICY", "p.json", "@p.json", "{\"rules\": ["
                                + rule.replace("imageCountMoreThan", "sinceImagePushed") + "]}"),
                        "LIFECYCLE_POLICY", "rule 1: countType 'sinceImagePushed' needs 'countUnit': 'days'"),
                Arguments.of(List.of("LIFECYCLE_POLICY", "p.json", "@p.json", "{\"rules\": ["
                                + rule.replace("\"expire\"", "\"delete\"") + "]}"),
                        "LIFECYCLE_POLICY", "rule 1: the action's 'type' must be 'expire' (or 'transition')"),
                Arguments.of(List.of("LIFECYCLE_POLICY", "p.json", "@p.json", "{\"rules\": ["
                                + rule.replace("10}", "0}") + "]}"),
                        "LIFECYCLE_POLICY", "rule 1: 'countNumber' must be a whole number of 1 or more"));
    }

    /** Each bad input is one problem under its variable; "@file" pairs write a file into the clone first. */
    @ParameterizedTest
    @MethodSource("badInput")
    void eachBadInputIsOneProblem(List<String> pairs, String variable, String message) throws IOException {
        List<String> variables = new java.util.ArrayList<>();
        for (int i = 0; i < pairs.size(); i += 2) {
            if (pairs.get(i).startsWith("@")) {
                Files.writeString(work.resolve(pairs.get(i).substring(1)), pairs.get(i + 1));
            } else {
                variables.add(pairs.get(i));
                variables.add(pairs.get(i + 1));
            }
        }
        List<Problem> problems = problems(variables.toArray(String[]::new));
        assertEquals(1, problems.size(), problems.toString());
        assertEquals(variable, problems.get(0).variable(), problems.toString());
        assertTrue(problems.get(0).message().contains(message), problems.get(0).message());
    }
}
