package org.ecrpushpipe.standin;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The identity-based IAM policy the stand-in's strict mode enforces: the subset of IAM's evaluation a pipe's
 * policy uses. Allow statements only (anything else is refused when loaded, so a test cannot believe a Deny or a
 * condition is enforced); Action and Resource as a string or a list, with IAM's {@code *} and {@code ?}
 * wildcards; actions compared case-insensitively, resources case-sensitively, as IAM does. What no statement
 * allows is denied, in ECR's words (ecr-wire.md).
 */
public final class IdentityPolicy {
    private record Statement(List<Pattern> actions, List<Pattern> resources) {
    }

    /** The policy of an identity without any: it allows nothing. */
    static final IdentityPolicy NOTHING = new IdentityPolicy(List.of());

    private final List<Statement> statements;

    private IdentityPolicy(List<Statement> statements) {
        this.statements = statements;
    }

    /** Reads a policy document; throws IllegalArgumentException for what this subset does not evaluate. */
    public static IdentityPolicy parse(String json) {
        JsonNode document;
        try {
            document = EcrJson.MAPPER.readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException("not JSON: " + e.getMessage(), e);
        }
        if (!"2012-10-17".equals(document.path("Version").asText())) {
            throw new IllegalArgumentException("Version must be 2012-10-17");
        }
        JsonNode list = document.path("Statement");
        List<Statement> statements = new ArrayList<>();
        for (JsonNode s : list.isArray() ? list : List.of(list)) {
            if (!"Allow".equals(s.path("Effect").asText())) {
                throw new IllegalArgumentException("only Allow statements are evaluated: " + s);
            }
            if (s.has("NotAction") || s.has("NotResource") || s.has("Principal")) {
                throw new IllegalArgumentException("NotAction, NotResource and Principal are not evaluated: " + s);
            }
            if (s.has("Condition") && strings(s.path("Action")).stream().anyMatch(a -> a.startsWith("ecr:"))) {
                throw new IllegalArgumentException("conditions on ECR actions are not evaluated: " + s);
            }
            statements.add(new Statement(
                    strings(s.path("Action")).stream().map(a -> wildcard(a, true)).toList(),
                    strings(s.path("Resource")).stream().map(r -> wildcard(r, false)).toList()));
        }
        return new IdentityPolicy(List.copyOf(statements));
    }

    private static List<String> strings(JsonNode node) {
        if (node.isTextual()) {
            return List.of(node.asText());
        }
        List<String> values = new ArrayList<>();
        node.forEach(n -> values.add(n.asText()));
        if (values.isEmpty()) {
            throw new IllegalArgumentException("a statement without Action or Resource");
        }
        return values;
    }

    private static Pattern wildcard(String glob, boolean ignoreCase) {
        StringBuilder regex = new StringBuilder();
        for (char c : glob.toCharArray()) {
            regex.append(c == '*' ? ".*" : c == '?' ? "." : Pattern.quote(String.valueOf(c)));
        }
        return Pattern.compile(regex.toString(), ignoreCase ? Pattern.CASE_INSENSITIVE : 0);
    }

    /** Whether a statement allows {@code action} (e.g. {@code ecr:PutImage}) on {@code resource}. */
    public boolean allows(String action, String resource) {
        return statements.stream().anyMatch(s -> s.actions().stream().anyMatch(p -> p.matcher(action).matches())
                && s.resources().stream().anyMatch(p -> p.matcher(resource).matches()));
    }

    /**
     * ECR's AccessDeniedException message for a call this policy does not allow, or empty when it allows it.
     */
    public Optional<String> denial(String principalArn, String action, String resource) {
        if (allows(action, resource)) {
            return Optional.empty();
        }
        return Optional.of("User: " + principalArn + " is not authorized to perform: " + action + " on resource: "
                + resource + " because no identity-based policy allows the " + action + " action");
    }

    /** The registry-side action ECR authorizes for a request on {@code /v2/<name>/(manifests|blobs)/…}. */
    static Optional<String> registryAction(String method, String kind, String rest) {
        String m = method.toUpperCase(Locale.ROOT);
        if (kind.equals("manifests")) {
            return switch (m) {
                case "PUT" -> Optional.of("ecr:PutImage");
                case "GET", "HEAD" -> Optional.of("ecr:BatchGetImage");
                case "DELETE" -> Optional.of("ecr:BatchDeleteImage");
                default -> Optional.empty();
            };
        }
        if (kind.equals("blobs")) {
            if (rest.startsWith("uploads")) {
                return switch (m) {
                    case "POST" -> Optional.of("ecr:InitiateLayerUpload");
                    case "PATCH" -> Optional.of("ecr:UploadLayerPart");
                    case "PUT" -> Optional.of("ecr:CompleteLayerUpload");
                    default -> Optional.empty();
                };
            }
            return switch (m) {
                case "HEAD" -> Optional.of("ecr:BatchCheckLayerAvailability");
                case "GET" -> Optional.of("ecr:GetDownloadUrlForLayer");
                default -> Optional.empty();
            };
        }
        if (kind.equals("tags")) {
            return Optional.of("ecr:ListImages");
        }
        return Optional.empty();
    }
}
