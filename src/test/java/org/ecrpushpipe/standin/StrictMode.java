package org.ecrpushpipe.standin;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;

/**
 * The stand-in's strict mode: while a policy is loaded, every ECR call and registry request is authorized against
 * it, and what it does not allow is denied in ECR's words. Off (everything allowed) until {@link #load}.
 */
final class StrictMode {
    /**
     * @param policy      the policy of every principal without one of its own
     * @param byPrincipal policies of their own: an IAM user or role ARN (a role's policy applies to its sessions)
     */
    private record Loaded(IdentityPolicy policy, String registryPrincipal, Map<String, IdentityPolicy> byPrincipal) {
        /** The identity policy of a caller: its own, its role's for an assumed-role session, else the shared one. */
        IdentityPolicy of(String principalArn) {
            if (byPrincipal.isEmpty()) {
                return policy;
            }
            Matcher session = StsService.ASSUMED_ROLE.matcher(principalArn);
            String identity = session.matches()
                    ? "arn:aws:iam::" + session.group(1) + ":role/" + session.group(2) : principalArn;
            return byPrincipal.getOrDefault(identity, policy);
        }
    }

    private final String accountId;
    private final String region;
    private volatile Loaded loaded;

    StrictMode(String accountId, String region) {
        this.accountId = accountId;
        this.region = region;
    }

    /**
     * @param registryPrincipal the principal named in the registry's denials (the registry's Basic login does not
     *                          say which key asked for the password)
     */
    void load(IdentityPolicy policy, String registryPrincipal) {
        loaded = new Loaded(policy, registryPrincipal, Map.of());
    }

    /**
     * A policy per identity (an IAM user or role ARN); any other principal is allowed nothing. Registry requests
     * are authorized with the policy of {@code registryPrincipal} (or of its role, for a session).
     */
    void load(Map<String, IdentityPolicy> byPrincipal, String registryPrincipal) {
        loaded = new Loaded(IdentityPolicy.NOTHING, registryPrincipal, Map.copyOf(byPrincipal));
    }

    /** The denial of an STS call by {@code callerArn} (e.g. sts:AssumeRole on a role), or empty when allowed. */
    Optional<String> denyStsCall(String callerArn, String action, String resource) {
        Loaded now = loaded;
        return now == null ? Optional.empty() : now.of(callerArn).denial(callerArn, action, resource);
    }

    void off() {
        loaded = null;
    }

    String repositoryArn(String name) {
        String partition = region.startsWith("cn-") ? "aws-cn" : region.startsWith("us-gov-") ? "aws-us-gov" : "aws";
        return "arn:" + partition + ":ecr:" + region + ":" + accountId + ":repository/" + name;
    }

    /** The denial of an ECR API call, or empty when it is allowed (or no policy is loaded). */
    Optional<String> denyApiCall(String principalArn, String operation, JsonNode request) {
        Loaded now = loaded;
        if (now == null) {
            return Optional.empty();
        }
        String action = "ecr:" + operation;
        for (String resource : resources(operation, request)) {
            Optional<String> denial = now.of(principalArn).denial(principalArn, action, resource);
            if (denial.isPresent()) {
                return denial;
            }
        }
        if (operation.equals("CreateRepository") && !request.path("tags").isEmpty()) {
            // tags given on creation: ECR also authorizes ecr:TagResource on the new repository (ECR user guide,
            // "Using Tag-Based Access Control")
            return now.of(principalArn).denial(principalArn, "ecr:TagResource", repositoryArn(request.path("repositoryName")
                    .asText()));
        }
        return Optional.empty();
    }

    /** The resources ECR authorizes an API call on. */
    private List<String> resources(String operation, JsonNode request) {
        if (operation.equals("GetAuthorizationToken") || operation.equals("DescribeRepositoryCreationTemplates")) {
            return List.of("*");
        }
        if (request.hasNonNull("resourceArn")) {
            return List.of(request.get("resourceArn").asText());
        }
        if (request.hasNonNull("repositoryName")) {
            return List.of(repositoryArn(request.get("repositoryName").asText()));
        }
        List<String> arns = new ArrayList<>();
        request.path("repositoryNames").forEach(n -> arns.add(repositoryArn(n.asText())));
        return arns.isEmpty() ? List.of(repositoryArn("*")) : arns;
    }

    /** The denial of a registry request on a repository, or empty when it is allowed. */
    Optional<String> denyRegistryRequest(String method, String repository, String kind, String rest) {
        Loaded now = loaded;
        if (now == null) {
            return Optional.empty();
        }
        return IdentityPolicy.registryAction(method, kind, rest)
                .flatMap(action -> now.of(now.registryPrincipal()).denial(now.registryPrincipal(), action,
                        repositoryArn(repository)));
    }
}
