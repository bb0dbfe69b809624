package org.ecrpushpipe.standin;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;

/**
 * The members of one ECR request body, read with ECR's constraints: a missing, mistyped or out-of-range member
 * becomes the {@code InvalidParameterException} (or {@code SerializationException}) ECR would send.
 */
final class Params {
    /** The current service model's repository name rule (the OCI grammar). */
    static final String REPOSITORY_NAME_RULE =
            "[a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*(\\/[a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*)*";
    private static final Pattern REPOSITORY_NAME = Pattern.compile(REPOSITORY_NAME_RULE);
    static final Pattern DOCKER_TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
    static final Pattern DIGEST = Pattern.compile("[a-zA-Z0-9-_+.]+:[a-fA-F0-9]+");

    private final JsonNode node;

    Params(JsonNode node) {
        if (node == null || !node.isObject()) {
            throw new EcrError("SerializationException", "Start of structure or map expected");
        }
        this.node = node;
    }

    JsonNode raw() {
        return node;
    }

    Optional<String> string(String name) {
        return member(name, JsonNode::isTextual).map(JsonNode::asText);
    }

    String requiredString(String name) {
        return string(name).orElseThrow(() -> EcrError.invalidParameter(name, "Member must not be null"));
    }

    Optional<Boolean> bool(String name) {
        return member(name, JsonNode::isBoolean).map(JsonNode::asBoolean);
    }

    Optional<Integer> integer(String name, int min, int max) {
        Optional<Integer> value = member(name, JsonNode::canConvertToInt).map(JsonNode::asInt);
        if (value.isPresent() && (value.get() < min || value.get() > max)) {
            throw EcrError.invalidParameter(name, "Member must have value between " + min + " and " + max);
        }
        return value;
    }

    /** A list member; absent is empty unless {@code min > 0}, in which case it is required. */
    List<JsonNode> list(String name, int min, int max) {
        Optional<JsonNode> value = member(name, JsonNode::isArray);
        if (value.isEmpty() && min > 0) {
            throw EcrError.invalidParameter(name, "Member must not be null");
        }
        List<JsonNode> items = value.map(v -> StreamSupport.stream(v.spliterator(), false).toList()).orElse(List.of());
        if (value.isPresent() && (items.size() < min || items.size() > max)) {
            throw EcrError.invalidParameter(name, "Member must have length between " + min + " and " + max);
        }
        return items;
    }

    /** A member of this JSON type, empty when absent or null; of another type, ECR's SerializationException. */
    private Optional<JsonNode> member(String name, Predicate<JsonNode> ofType) {
        JsonNode value = node.get(name);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!ofType.test(value)) {
            throw new EcrError("SerializationException", "Unexpected value type in payload at '" + name + "'");
        }
        return Optional.of(value);
    }

    Params object(String name) {
        JsonNode value = node.get(name);
        return value == null || value.isNull() ? null : new Params(value);
    }

    String repositoryName() {
        return checkRepositoryName("repositoryName", requiredString("repositoryName"));
    }

    static String checkRepositoryName(String field, String name) {
        if (name.length() < 2 || name.length() > 256) {
            throw EcrError.invalidParameter(field, "Member must have length between 2 and 256");
        }
        if (!REPOSITORY_NAME.matcher(name).matches()) {
            throw EcrError.invalidParameter(field, "must satisfy regular expression '" + REPOSITORY_NAME_RULE + "'");
        }
        return name;
    }

    static String checkEnum(String field, String value, List<String> allowed) {
        if (!allowed.contains(value)) {
            throw EcrError.invalidParameter(field, "Member must satisfy enum value set: " + allowed);
        }
        return value;
    }
}
