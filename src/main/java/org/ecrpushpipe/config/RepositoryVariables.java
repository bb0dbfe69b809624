package org.ecrpushpipe.config;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * Reads the repository variables (CREATE_REPOSITORY and the settings of a created repository, LIFECYCLE_POLICY)
 * into one {@link RepositorySettings}.
 */
final class RepositoryVariables {
    static final List<String> MUTABILITIES =
            List.of("MUTABLE", "IMMUTABLE", "IMMUTABLE_WITH_EXCLUSION", "MUTABLE_WITH_EXCLUSION");
    /** ECR's rule for an exclusion filter (ImageTagMutabilityExclusionFilter.filter). */
    private static final Pattern FILTER = Pattern.compile("[0-9a-zA-Z._*-]{1,128}");
    private static final int MAX_FILTERS = 5;
    private static final int MAX_RESOURCE_TAGS = 50;
    /** PutLifecyclePolicy's limits on lifecyclePolicyText. */
    static final int POLICY_MIN = 100;
    static final int POLICY_MAX = 30_720;

    private final VariableReader reader;

    RepositoryVariables(VariableReader reader) {
        this.reader = reader;
    }

    RepositorySettings read() {
        boolean create = reader.flag(Variable.CREATE_REPOSITORY);
        Set<RepositorySetting> given = EnumSet.noneOf(RepositorySetting.class);
        String mutability = mutability(given);
        List<String> filters = exclusions(mutability, given);
        boolean scanOnPush = false;
        if (reader.value(Variable.SCAN_ON_PUSH).isPresent()) {
            given.add(RepositorySetting.SCAN_ON_PUSH);
            scanOnPush = reader.flag(Variable.SCAN_ON_PUSH);
        }
        String encryption = encryption(given);
        Optional<String> kmsKey = kmsKey(encryption, given);
        Map<String, String> tags = resourceTags(given);
        if (!create) {
            settingsWithoutCreate(given);
        }
        Optional<LifecyclePolicy> policy = reader.path(Variable.LIFECYCLE_POLICY).flatMap(this::lifecyclePolicy);
        RepositorySpec spec = new RepositorySpec(mutability == null ? "MUTABLE" : mutability, filters, scanOnPush,
                encryption, kmsKey, tags);
        return new RepositorySettings(create, spec, given, policy);
    }

    /** IMAGE_TAG_MUTABILITY in upper case, ECR's default when not set, or null when it is not a mutability. */
    private String mutability(Set<RepositorySetting> given) {
        Optional<String> written = reader.value(Variable.IMAGE_TAG_MUTABILITY);
        if (written.isEmpty()) {
            return RepositorySpec.DEFAULTS.tagMutability();
        }
        given.add(RepositorySetting.IMAGE_TAG_MUTABILITY);
        String upper = written.get().toUpperCase(Locale.ROOT);
        if (MUTABILITIES.contains(upper)) {
            return upper;
        }
        reader.problem(Variable.IMAGE_TAG_MUTABILITY, "'" + written.get() + "' is not a tag"
                + " mutability; use one of " + String.join(", ", MUTABILITIES));
        return null;
    }

    private String encryption(Set<RepositorySetting> given) {
        Optional<String> written = reader.value(Variable.ENCRYPTION);
        if (written.isEmpty()) {
            return RepositorySpec.DEFAULTS.encryption();
        }
        given.add(RepositorySetting.ENCRYPTION);
        String encryption = written.get().toUpperCase(Locale.ROOT);
        if (!encryption.equals("AES256") && !encryption.equals("KMS")) {
            reader.problem(Variable.ENCRYPTION, "'" + written.get() + "' is neither AES256 nor KMS");
        }
        return encryption;
    }

    private Optional<String> kmsKey(String encryption, Set<RepositorySetting> given) {
        Optional<String> kmsKey = reader.value(Variable.KMS_KEY);
        if (kmsKey.isPresent()) {
            given.add(RepositorySetting.KMS_KEY);
            if (!encryption.equals("KMS")) {
                reader.problem(Variable.KMS_KEY, "is set, but ENCRYPTION is not KMS; set ENCRYPTION: 'KMS' to encrypt"
                        + " the repository with this key, or remove KMS_KEY");
            }
        }
        return kmsKey;
    }

    /** Repository settings only shape a repository the pipe creates: given without CREATE_REPOSITORY, a problem. */
    private void settingsWithoutCreate(Set<RepositorySetting> given) {
        List<String> named = given.stream().map(Enum::name).toList();
        if (!named.isEmpty()) {
            reader.problem(Variable.CREATE_REPOSITORY, String.join(", ", named) + (named.size() == 1 ? " is" : " are")
                    + " set, but CREATE_REPOSITORY is not true: the pipe uses repository settings only to create"
                    + " a missing repository (and to warn where an existing one differs); set CREATE_REPOSITORY:"
                    + " 'true', or remove " + (named.size() == 1 ? "it" : "them"));
        }
    }

    private List<String> exclusions(String mutability, Set<RepositorySetting> given) {
        // an empty YAML list (IMAGE_TAG_MUTABILITY_EXCLUSIONS_COUNT: 0) gives no filter, as no list does
        Optional<List<String>> written = reader.list(Variable.IMAGE_TAG_MUTABILITY_EXCLUSIONS)
                .filter(filters -> !filters.isEmpty());
        boolean withExclusion = mutability != null && mutability.endsWith("_WITH_EXCLUSION");
        if (written.isEmpty()) {
            if (withExclusion) {
                reader.problem(Variable.IMAGE_TAG_MUTABILITY_EXCLUSIONS, "not set, but IMAGE_TAG_MUTABILITY is "
                        + mutability + ", which needs 1 to " + MAX_FILTERS + " filters (like 'latest dev-*')");
            }
            return List.of();
        }
        given.add(RepositorySetting.IMAGE_TAG_MUTABILITY_EXCLUSIONS);
        List<String> filters = written.get();
        if (mutability != null && !withExclusion) {
            reader.problem(Variable.IMAGE_TAG_MUTABILITY_EXCLUSIONS, "is set, but IMAGE_TAG_MUTABILITY is "
                    + mutability + "; exclusions go with IMMUTABLE_WITH_EXCLUSION or MUTABLE_WITH_EXCLUSION only");
            return List.of();
        }
        if (filters.size() > MAX_FILTERS) {
            reader.problem(Variable.IMAGE_TAG_MUTABILITY_EXCLUSIONS, filters.size() + " filters given; ECR allows at"
                    + " most " + MAX_FILTERS + " (a filter's * matches any run of characters, so one can cover many)");
            return List.of();
        }
        for (String filter : filters) {
            if (!FILTER.matcher(filter).matches()) {
                reader.problem(Variable.IMAGE_TAG_MUTABILITY_EXCLUSIONS, "'" + filter + "' is not a tag filter: 1 to"
                        + " 128 letters, digits, '.', '_', '-' and the wildcard '*'");
                return List.of();
            }
        }
        return filters;
    }

    private Map<String, String> resourceTags(Set<RepositorySetting> given) {
        Optional<List<String>> written = reader.list(Variable.REPOSITORY_TAGS);
        Map<String, String> tags = new LinkedHashMap<>();
        if (written.isEmpty()) {
            return tags;
        }
        given.add(RepositorySetting.REPOSITORY_TAGS);
        for (String item : written.get()) {
            int equals = item.indexOf('=');
            String key = equals < 0 ? item : item.substring(0, equals);
            String tagValue = equals < 0 ? "" : item.substring(equals + 1);
            String why = equals <= 0 ? "is not key=value"
                    : key.length() > 128 ? "has a key longer than 128 characters"
                    : tagValue.length() > 256 ? "has a value longer than 256 characters"
                    : key.toLowerCase(Locale.ROOT).startsWith("aws:") ? "has a key starting with 'aws:', which AWS keeps"
                    : tags.containsKey(key) ? "repeats the key '" + key + "'" : null;
            if (why != null) {
                reader.problem(Variable.REPOSITORY_TAGS, "the item '" + item + "' " + why
                        + "; write tags as key=value separated by spaces (like 'team=payments env=prod')");
                return Map.of();
            }
            tags.put(key, tagValue);
        }
        if (tags.size() > MAX_RESOURCE_TAGS) {
            reader.problem(Variable.REPOSITORY_TAGS, tags.size() + " tags given; a repository has at most "
                    + MAX_RESOURCE_TAGS);
            return Map.of();
        }
        return tags;
    }

    // ---- LIFECYCLE_POLICY ---------------------------------------------------------------------------------------

    private Optional<LifecyclePolicy> lifecyclePolicy(VariableReader.WrittenPath policyFile) {
        String name = policyFile.written();
        Path file = policyFile.path();
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            return policyProblem("'" + name + "' " + (Files.exists(file) ? "is not a readable file"
                    : "does not exist (looked at " + file + ")"));
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(Files.readAllBytes(file)))
                    .toString();
        } catch (CharacterCodingException e) {
            return policyProblem("'" + name + "' is not UTF-8 text");
        } catch (IOException e) {
            return policyProblem("'" + name + "' cannot be read (" + e.getMessage() + ")");
        }
        if (text.length() < POLICY_MIN || text.length() > POLICY_MAX) {
            return policyProblem("'" + name + "' holds " + text.length() + " characters; ECR takes a lifecycle policy"
                    + " of " + POLICY_MIN + " to " + POLICY_MAX);
        }
        JsonNode policy;
        try {
            policy = LifecyclePolicy.parse(text);
        } catch (JsonProcessingException e) {
            return policyProblem("'" + name + "' is not JSON: " + e.getOriginalMessage() + " (line "
                    + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")");
        }
        String shape = LifecycleRules.problem(policy);
        if (shape != null) {
            return policyProblem("'" + name + "' is not an ECR lifecycle policy: " + shape);
        }
        return Optional.of(new LifecyclePolicy(name, text));
    }

    private Optional<LifecyclePolicy> policyProblem(String message) {
        reader.problem(Variable.LIFECYCLE_POLICY, message);
        return Optional.empty();
    }

    /** ECR's lifecycle policy rule shape (ECR user guide, "Lifecycle policy properties"). */
    static final class LifecycleRules {
        private static final Set<String> TOP = Set.of("rules");
        private static final Set<String> RULE = Set.of("rulePriority", "description", "selection", "action");
        private static final Set<String> SELECTION = Set.of("tagStatus", "tagPrefixList", "tagPatternList",
                "countType", "countNumber", "countUnit", "storageClass");
        private static final Set<String> ACTION = Set.of("type", "targetStorageClass");
        private static final List<String> COUNT_TYPES = List.of("imageCountMoreThan", "sinceImagePushed",
                "sinceImagePulled", "sinceImageTransitioned");

        private LifecycleRules() {
        }

        /** What is wrong with the policy's shape, or null when nothing is. */
        static String problem(JsonNode policy) {
            if (!policy.isObject()) {
                return "the top level must be an object with 'rules'";
            }
            String unknown = unknownMember(policy, TOP, "the policy");
            if (unknown != null) {
                return unknown;
            }
            JsonNode rules = policy.get("rules");
            if (rules == null || !rules.isArray() || rules.isEmpty()) {
                return "'rules' must be a list of at least one rule";
            }
            Set<Integer> priorities = new HashSet<>();
            for (int i = 0; i < rules.size(); i++) {
                String problem = ruleProblem(rules.get(i), "rule " + (i + 1), priorities);
                if (problem != null) {
                    return problem;
                }
            }
            return anyRuleProblem(rules);
        }

        /** What is wrong with one rule, or null; its priority joins those already used. */
        private static String ruleProblem(JsonNode rule, String where, Set<Integer> priorities) {
            if (!rule.isObject()) {
                return where + " is not an object";
            }
            String problem = unknownMember(rule, RULE, where);
            if (problem != null) {
                return problem;
            }
            JsonNode priority = rule.get("rulePriority");
            if (priority == null || !priority.isInt() || priority.asInt() < 1) {
                return where + ": 'rulePriority' must be a whole number of 1 or more";
            }
            if (!priorities.add(priority.asInt())) {
                return where + ": 'rulePriority' " + priority.asInt() + " is used twice; each rule needs its own";
            }
            if (rule.has("description") && !rule.get("description").isTextual()) {
                return where + ": 'description' must be text";
            }
            JsonNode selection = rule.get("selection");
            if (selection == null || !selection.isObject()) {
                return where + ": 'selection' (an object) is missing";
            }
            problem = selectionProblem(selection, where);
            if (problem != null) {
                return problem;
            }
            JsonNode action = rule.get("action");
            if (action == null || !action.isObject()) {
                return where + ": 'action' (an object) is missing";
            }
            return actionProblem(action, where);
        }

        private static String actionProblem(JsonNode action, String where) {
            String problem = unknownMember(action, ACTION, where + "'s action");
            if (problem != null) {
                return problem;
            }
            String type = action.path("type").asText("");
            if (type.equals("expire")) {
                return action.has("targetStorageClass")
                        ? where + ": an 'expire' action takes no 'targetStorageClass'" : null;
            }
            if (type.equals("transition")) {
                return action.path("targetStorageClass").asText("").equals("archive")
                        ? null : where + ": a 'transition' action needs 'targetStorageClass': 'archive'";
            }
            return where + ": the action's 'type' must be 'expire' (or 'transition')";
        }

        /** ECR's rule for a rule selecting every image: one at most, and it comes last (the highest priority). */
        private static String anyRuleProblem(JsonNode rules) {
            int anyRules = 0;
            int highest = 0;
            int anyPriority = 0;
            for (JsonNode rule : rules) {
                int priority = rule.get("rulePriority").asInt();
                highest = Math.max(highest, priority);
                if (rule.get("selection").get("tagStatus").asText().equals("any")) {
                    anyRules++;
                    anyPriority = priority;
                }
            }
            if (anyRules > 1) {
                return "only one rule may select tagStatus 'any'";
            }
            if (anyRules == 1 && anyPriority != highest) {
                return "the rule selecting tagStatus 'any' must have the highest rulePriority";
            }
            return null;
        }

        private static String selectionProblem(JsonNode selection, String where) {
            String problem = unknownMember(selection, SELECTION, where + "'s selection");
            if (problem != null) {
                return problem;
            }
            String status = selection.path("tagStatus").asText("");
            if (!List.of("tagged", "untagged", "any").contains(status)) {
                return where + ": 'tagStatus' must be 'tagged', 'untagged' or 'any'";
            }
            boolean prefixes = selection.has("tagPrefixList");
            boolean patterns = selection.has("tagPatternList");
            if (status.equals("tagged")) {
                if (prefixes == patterns) {
                    return where + ": tagStatus 'tagged' needs either 'tagPrefixList' or 'tagPatternList'";
                }
                JsonNode list = selection.get(prefixes ? "tagPrefixList" : "tagPatternList");
                if (!list.isArray() || list.isEmpty() || !allText(list)) {
                    return where + ": '" + (prefixes ? "tagPrefixList" : "tagPatternList")
                            + "' must be a list of at least one text";
                }
            } else if (prefixes || patterns) {
                return where + ": 'tagPrefixList' and 'tagPatternList' go with tagStatus 'tagged' only";
            }
            String countType = selection.path("countType").asText("");
            if (!COUNT_TYPES.contains(countType)) {
                return where + ": 'countType' must be one of " + String.join(", ", COUNT_TYPES);
            }
            JsonNode number = selection.get("countNumber");
            if (number == null || !number.isInt() || number.asInt() < 1) {
                return where + ": 'countNumber' must be a whole number of 1 or more";
            }
            boolean since = countType.startsWith("since");
            if (since && !selection.path("countUnit").asText("").equals("days")) {
                return where + ": countType '" + countType + "' needs 'countUnit': 'days'";
            }
            if (!since && selection.has("countUnit")) {
                return where + ": 'countUnit' goes with the since… count types only";
            }
            return null;
        }

        private static boolean allText(JsonNode list) {
            for (JsonNode item : list) {
                if (!item.isTextual() || item.asText().isEmpty()) {
                    return false;
                }
            }
            return true;
        }

        private static String unknownMember(JsonNode node, Set<String> known, String where) {
            for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                if (!known.contains(name)) {
                    return where + " has the member '" + name + "', which ECR does not know";
                }
            }
            return null;
        }
    }

}
