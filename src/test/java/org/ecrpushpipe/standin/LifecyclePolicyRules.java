package org.ecrpushpipe.standin;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * PutLifecyclePolicy's validation of the policy text, answering as ECR does: an InvalidParameterException
 * "Invalid parameter at 'LifecyclePolicyText' failed to satisfy constraint: 'Lifecycle policy validation failure:
 * …'" naming the first problem found.
 */
final class LifecyclePolicyRules {
    private static final List<String> TAG_STATUSES = List.of("tagged", "untagged", "any");
    private static final List<String> COUNT_TYPES =
            List.of("imageCountMoreThan", "sinceImagePushed", "sinceImagePulled", "sinceImageTransitioned");

    private LifecyclePolicyRules() {
    }

    static void check(String text) {
        JsonNode policy;
        try {
            policy = EcrJson.MAPPER.readTree(text);
        } catch (Exception e) {
            throw failure("Could not map policyString into LifecyclePolicy.");
        }
        if (policy == null || !policy.isObject() || !policy.path("rules").isArray()) {
            throw failure("object has missing required properties ([\"rules\"])");
        }
        if (policy.path("rules").isEmpty()) {
            throw failure("array is too short: must have at least 1 elements but instance has 0 elements");
        }
        Set<Integer> priorities = new HashSet<>();
        for (JsonNode rule : policy.path("rules")) {
            for (String required : List.of("rulePriority", "selection", "action")) {
                if (!rule.has(required)) {
                    throw failure("object has missing required properties ([\"" + required + "\"])");
                }
            }
            if (!rule.get("rulePriority").isInt() || rule.get("rulePriority").asInt() < 1) {
                throw failure("numeric instance is lower than the required minimum (minimum: 1, found: "
                        + rule.get("rulePriority").asText() + ")");
            }
            if (!priorities.add(rule.get("rulePriority").asInt())) {
                throw failure("The rule priority must be unique.");
            }
            JsonNode selection = rule.get("selection");
            String status = selection.path("tagStatus").asText("");
            if (!TAG_STATUSES.contains(status)) {
                throw failure("instance value (\"" + status + "\") not found in enum (possible values: "
                        + "[\"tagged\",\"untagged\",\"any\"])");
            }
            if (status.equals("tagged") && !selection.has("tagPrefixList") && !selection.has("tagPatternList")) {
                throw failure("tagPrefixList or tagPatternList is required when tagStatus is tagged.");
            }
            if (!COUNT_TYPES.contains(selection.path("countType").asText(""))) {
                throw failure("instance value (\"" + selection.path("countType").asText("") + "\") not found in enum");
            }
            if (!selection.path("countNumber").isInt() || selection.path("countNumber").asInt() < 1) {
                throw failure("numeric instance is lower than the required minimum (minimum: 1)");
            }
            String type = rule.get("action").path("type").asText("");
            if (!type.equals("expire") && !type.equals("transition")) {
                throw failure("instance value (\"" + type + "\") not found in enum (possible values: "
                        + "[\"expire\",\"transition\"])");
            }
        }
    }

    private static EcrError failure(String why) {
        return new EcrError("InvalidParameterException", "Invalid parameter at 'LifecyclePolicyText' failed to "
                + "satisfy constraint: 'Lifecycle policy validation failure: " + why + "'");
    }
}
