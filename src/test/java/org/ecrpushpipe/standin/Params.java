package org.ecrpushpipe.standin;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

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
        JsonNode value = node.get(name);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isTextual()) {
            throw new EcrError("SerializationException", "Unexpected value type in payload at '" + name + "'");
        }
        return Optional.of(value.asText());
    }

    String requiredString(String name) {
        return string(name).orElseThrow(() -> EcrError.invalidParameter(name, "Member must not be null"));
    }

    Optional<Boolean> bool(String name) {
        JsonNode value = node.get(name);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isBoolean()) {
            throw new EcrError("SerializationException", "Unexpected value type in payload at '" + name + "'");
        }
        return Optional.of(value.asBoolean());
    }

    Optional<Integer> integer(String name, int min, int max) {
        JsonNode value = node.get(name);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.canConvertToInt()) {
            throw new EcrError("SerializationException", "Unexpected value type in payload at '" + name + "'");
        }
        int i = value.asInt();
        if (i < min || i > max) {
            throw EcrError.invalidParameter(name, "Member must have value between " + min + " and " + max);
        }
        return Optional.of(i);
    }

    /** A list member; absent is empty unless {@code min > 0}, in which case it is required. */
    List<JsonNode> list(String name, int min, int max) {
        JsonNode value = node.get(name);
        if (value == null || value.isNull()) {
            if (min > 0) {
                throw EcrError.invalidParameter(name, "Member must not be null");
            }
            return List.of();
        }
        if (!value.isArray()) {
            throw new EcrError("SerializationException", "Unexpected value type in payload at '" + name + "'");
        }
        if (value.size() < min || value.size() > max) {
            throw EcrError.invalidParameter(name,
                    "Member must have length between " + min + " and " + max);
        }
        return java.util.stream.StreamSupport.stream(value.spliterator(), false).toList();
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
