package org.ecrpushpipe.standin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The ECR operations on repository settings: CreateRepository, DescribeRepositories, the lifecycle policy, tag
 * mutability and resource tags. State only; no registry traffic.
 */
final class RepositoryOperations {
    private static final List<String> ENCRYPTION_TYPES = List.of("AES256", "KMS", "KMS_DSSE");

    private final RepositoryCatalog catalog;
    private final EcrJson json;
    private final String accountId;
    private final Clock clock;

    private final KmsKeys kmsKeys;

    RepositoryOperations(RepositoryCatalog catalog, EcrJson json, String accountId, Clock clock, KmsKeys kmsKeys) {
        this.kmsKeys = kmsKeys;
        this.catalog = catalog;
        this.json = json;
        this.accountId = accountId;
        this.clock = clock;
    }

    ObjectNode createRepository(Params params) {
        String name = params.repositoryName();
        TagMutability mutability = TagMutability.from(params, false);
        Params scanning = params.object("imageScanningConfiguration");
        boolean scanOnPush = scanning != null && scanning.bool("scanOnPush").orElse(false);
        String encryptionType = "AES256";
        String kmsKey = null;
        Params encryption = params.object("encryptionConfiguration");
        if (encryption != null) {
            encryptionType = Params.checkEnum("encryptionConfiguration.encryptionType",
                    encryption.requiredString("encryptionType"), ENCRYPTION_TYPES);
            kmsKey = encryption.string("kmsKey").orElse(null);
            if (kmsKey != null && encryptionType.equals("AES256")) {
                throw new EcrError("InvalidParameterException",
                        "Invalid parameter: kmsKey can only be specified when encryptionType is 'KMS' or 'KMS_DSSE'");
            }
            if (!encryptionType.equals("AES256")) {
                kmsKey = kmsKey == null ? kmsKeys.managedKey() : kmsKeys.resolve(kmsKey);
            }
        }
        Map<String, String> tags = tags(params, 0);
        Repository repository = catalog.add(new Repository(name, clock.instant(), mutability, scanOnPush,
                encryptionType, kmsKey, tags));
        ObjectNode response = EcrJson.object();
        response.set("repository", json.repository(repository));
        return response;
    }

    ObjectNode describeRepositories(Params params) {
        List<JsonNode> names = params.list("repositoryNames", 0, 100);
        int maxResults = params.integer("maxResults", 1, 1000).orElse(1000);
        if (!names.isEmpty() && (params.raw().has("maxResults") || params.raw().has("nextToken"))) {
            throw new EcrError("InvalidParameterException",
                    "Invalid parameter: maxResults and nextToken cannot be used together with repositoryNames.");
        }
        List<Repository> repositories = names.isEmpty() ? catalog.all() : names.stream()
                .map(n -> Params.checkRepositoryName("repositoryNames", n.asText()))
                .map(catalog::require)
                .toList();
        ObjectNode response = EcrJson.object();
        ArrayNode array = response.putArray("repositories");
        Pagination.page(params, repositories, maxResults, response).forEach(r -> array.add(json.repository(r)));
        return response;
    }

    ObjectNode putLifecyclePolicy(Params params) {
        Repository repository = catalog.require(params.repositoryName());
        String text = params.requiredString("lifecyclePolicyText");
        if (text.length() < 100 || text.length() > 30720) {
            throw EcrError.invalidParameter("lifecyclePolicyText", "Member must have length between 100 and 30720");
        }
        JsonNode policy;
        try {
            policy = EcrJson.MAPPER.readTree(text);
        } catch (Exception e) {
            policy = null;
        }
        if (policy == null || !policy.path("rules").isArray()) {
            throw new EcrError("InvalidParameterException", "Invalid parameter at 'LifecyclePolicyText' failed to "
                    + "satisfy constraint: 'Lifecycle policy validation failure: object has missing required "
                    + "properties ([\"rules\"])'");
        }
        LifecyclePolicyRules.check(text);
        repository.lifecyclePolicy(text, clock.instant());
        return lifecycleResponse(repository, false);
    }

    ObjectNode getLifecyclePolicy(Params params) {
        Repository repository = catalog.require(params.repositoryName());
        if (repository.lifecyclePolicy() == null) {
            throw new EcrError("LifecyclePolicyNotFoundException", "Lifecycle policy does not exist for the "
                    + "repository with name '" + repository.name() + "' in the registry with id '" + accountId + "'");
        }
        return lifecycleResponse(repository, true);
    }

    private ObjectNode lifecycleResponse(Repository repository, boolean withEvaluatedAt) {
        ObjectNode response = EcrJson.object()
                .put("registryId", accountId)
                .put("repositoryName", repository.name())
                .put("lifecyclePolicyText", repository.lifecyclePolicy());
        if (withEvaluatedAt) {
            response.set("lastEvaluatedAt", EcrJson.timestamp(repository.lifecyclePolicySetAt()));
        }
        return response;
    }

    ObjectNode putImageTagMutability(Params params) {
        Repository repository = catalog.require(params.repositoryName());
        TagMutability mutability = TagMutability.from(params, true);
        repository.mutability(mutability);
        ObjectNode response = EcrJson.object()
                .put("registryId", accountId)
                .put("repositoryName", repository.name())
                .put("imageTagMutability", mutability.mode());
        if (!mutability.exclusionFilters().isEmpty()) {
            response.set("imageTagMutabilityExclusionFilters", EcrJson.exclusionFilters(mutability));
        }
        return response;
    }

    ObjectNode tagResource(Params params) {
        Repository repository = repositoryOf(params.requiredString("resourceArn"));
        repository.tag(tags(params, 1));
        return EcrJson.object();
    }

    ObjectNode listTagsForResource(Params params) {
        Repository repository = repositoryOf(params.requiredString("resourceArn"));
        ObjectNode response = EcrJson.object();
        response.set("tags", EcrJson.resourceTags(repository.tags()));
        return response;
    }

    private Repository repositoryOf(String arn) {
        String prefix = json.repositoryArn("");
        if (!arn.startsWith(prefix) || arn.length() == prefix.length()) {
            throw new EcrError("InvalidParameterException", "Invalid parameter at 'resourceArn' failed to satisfy "
                    + "constraint: 'Invalid ARN'");
        }
        return catalog.require(arn.substring(prefix.length()));
    }

    private static Map<String, String> tags(Params params, int min) {
        Map<String, String> tags = new LinkedHashMap<>();
        for (JsonNode node : params.list("tags", min, 200)) {
            Params tag = new Params(node);
            String key = tag.requiredString("Key");
            String value = tag.string("Value").orElse("");
            if (key.isEmpty() || key.length() > 128 || value.length() > 256 || key.startsWith("aws:")) {
                throw new EcrError("InvalidTagParameterException", "The tag key or value is invalid: '" + key + "'");
            }
            tags.put(key, value);
        }
        if (tags.size() > 50) {
            throw new EcrError("TooManyTagsException", "A resource can have at most 50 tags.");
        }
        return tags;
    }
}
