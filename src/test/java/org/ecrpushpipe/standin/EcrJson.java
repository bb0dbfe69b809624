package org.ecrpushpipe.standin;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;

/** ECR's JSON shapes: timestamps as epoch seconds, the Repository object, image ids and tag lists. */
final class EcrJson {
    static final ObjectMapper MAPPER = new ObjectMapper().enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);

    private final String accountId;
    private final String region;
    private final String registryHost;

    EcrJson(String accountId, String region, String registryHost) {
        this.accountId = accountId;
        this.region = region;
        this.registryHost = registryHost;
    }

    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /** Epoch seconds with milliseconds, written plainly (the factory would strip zeros into 1.7E+9). */
    static DecimalNode timestamp(Instant instant) {
        return DecimalNode.valueOf(BigDecimal.valueOf(instant.toEpochMilli(), 3));
    }

    String repositoryArn(String name) {
        return "arn:aws:ecr:" + region + ":" + accountId + ":repository/" + name;
    }

    ObjectNode repository(Repository repository) {
        ObjectNode node = object()
                .put("repositoryArn", repositoryArn(repository.name()))
                .put("registryId", accountId)
                .put("repositoryName", repository.name())
                .put("repositoryUri", registryHost + "/" + repository.name());
        node.set("createdAt", timestamp(repository.createdAt()));
        TagMutability mutability = repository.mutability();
        node.put("imageTagMutability", mutability.mode());
        if (!mutability.exclusionFilters().isEmpty()) {
            node.set("imageTagMutabilityExclusionFilters", exclusionFilters(mutability));
        }
        node.putObject("imageScanningConfiguration").put("scanOnPush", repository.scanOnPush());
        ObjectNode encryption = node.putObject("encryptionConfiguration").put("encryptionType", repository.encryptionType());
        if (repository.kmsKey() != null) {
            encryption.put("kmsKey", repository.kmsKey());
        }
        return node;
    }

    static ArrayNode exclusionFilters(TagMutability mutability) {
        ArrayNode filters = MAPPER.createArrayNode();
        mutability.exclusionFilters().forEach(f -> filters.addObject().put("filterType", "WILDCARD").put("filter", f));
        return filters;
    }

    static ArrayNode resourceTags(Map<String, String> tags) {
        ArrayNode array = MAPPER.createArrayNode();
        tags.forEach((k, v) -> array.addObject().put("Key", k).put("Value", v));
        return array;
    }

    static ObjectNode imageId(String digest, String tag) {
        ObjectNode id = object();
        if (digest != null) {
            id.put("imageDigest", digest);
        }
        if (tag != null) {
            id.put("imageTag", tag);
        }
        return id;
    }
}
