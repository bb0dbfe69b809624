package org.ecrpushpipe.standin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The account's repository creation templates (ECR: CreateRepositoryCreationTemplate, here a test hook) and
 * DescribeRepositoryCreationTemplates. A template's prefix is {@code ROOT} (every repository) or a namespace
 * ({@code prod} covers {@code prod/…}); the longest covering prefix wins, ROOT last. Thread-safe.
 */
final class CreationTemplates {
    static final List<String> APPLIED_FOR = List.of("REPLICATION", "PULL_THROUGH_CACHE", "CREATE_ON_PUSH");

    /** One template, as ECR keeps it. */
    record Template(String prefix, String description, List<String> appliedFor, TagMutability mutability,
                    String encryptionType, String kmsKey, Map<String, String> resourceTags, String lifecyclePolicy,
                    Instant createdAt) {
        boolean covers(String repository) {
            return prefix.equals("ROOT") || repository.startsWith(prefix + "/");
        }
    }

    private final List<Template> templates = new ArrayList<>();
    private final String accountId;
    private final Clock clock;

    CreationTemplates(String accountId, Clock clock) {
        this.accountId = accountId;
        this.clock = clock;
    }

    synchronized void add(String prefix, List<String> appliedFor, TagMutability mutability, String encryptionType,
                          String kmsKey, Map<String, String> resourceTags, String lifecyclePolicy) {
        if (!prefix.equals("ROOT")) {
            Params.checkRepositoryName("prefix", prefix);
        }
        appliedFor.forEach(a -> Params.checkEnum("appliedFor", a, APPLIED_FOR));
        if (templates.stream().anyMatch(t -> t.prefix().equals(prefix))) {
            throw new EcrError("TemplateAlreadyExistsException", "The repository creation template with prefix '"
                    + prefix + "' already exists in the registry with id '" + accountId + "'");
        }
        templates.add(new Template(prefix, "", List.copyOf(appliedFor), mutability, encryptionType, kmsKey,
                Map.copyOf(resourceTags), lifecyclePolicy, clock.instant()));
    }

    /** The template ECR applies to {@code repository} for this kind of creation. */
    synchronized Optional<Template> applying(String repository, String appliedFor) {
        return templates.stream().filter(t -> t.covers(repository) && t.appliedFor().contains(appliedFor))
                .max(Comparator.comparingInt(t -> t.prefix().equals("ROOT") ? -1 : t.prefix().length()));
    }

    synchronized ObjectNode describe(Params params) {
        List<String> prefixes = params.list("prefixes", 0, 100).stream().map(JsonNode::asText).toList();
        int maxResults = params.integer("maxResults", 1, 1000).orElse(1000);
        List<Template> selected = templates.stream()
                .filter(t -> prefixes.isEmpty() || prefixes.contains(t.prefix())).toList();
        ObjectNode response = EcrJson.object().put("registryId", accountId);
        ArrayNode array = response.putArray("repositoryCreationTemplates");
        for (Template t : Pagination.page(params, selected, maxResults, response)) {
            ObjectNode node = array.addObject().put("prefix", t.prefix()).put("description", t.description());
            ObjectNode encryption = node.putObject("encryptionConfiguration").put("encryptionType", t.encryptionType());
            if (t.kmsKey() != null) {
                encryption.put("kmsKey", t.kmsKey());
            }
            node.set("resourceTags", EcrJson.resourceTags(t.resourceTags()));
            node.put("imageTagMutability", t.mutability().mode());
            if (!t.mutability().exclusionFilters().isEmpty()) {
                node.set("imageTagMutabilityExclusionFilters", EcrJson.exclusionFilters(t.mutability()));
            }
            if (t.lifecyclePolicy() != null) {
                node.put("lifecyclePolicy", t.lifecyclePolicy());
            }
            ArrayNode applied = node.putArray("appliedFor");
            t.appliedFor().forEach(applied::add);
            node.set("createdAt", EcrJson.timestamp(t.createdAt()));
            node.set("updatedAt", EcrJson.timestamp(t.createdAt()));
        }
        return response;
    }
}
