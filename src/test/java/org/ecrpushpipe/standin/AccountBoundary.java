package org.ecrpushpipe.standin;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where one AWS account's registry ends. A stand-in is the registry of one account in one region; an ECR call for
 * another account's registry (its {@code registryId}, or no registryId from a caller of another account, whose
 * default registry is its own) and a registry request with a password issued to another account's principal
 * reach it only through a resource-based policy of the repository (a repository policy granting that principal),
 * which the stand-in does not model: so they are refused as ECR refuses them without one, naming the action, the
 * other account's resource and {@code no resource-based policy allows}. GetAuthorizationToken is not scoped to a
 * registry (its password opens every registry the principal may use), so it is never refused here.
 */
final class AccountBoundary {
    /** An IAM user or role, or an STS session: {@code arn:<partition>:iam::<account>:…} or {@code …:sts::<account>:…}. */
    private static final Pattern PRINCIPAL = Pattern.compile("arn:aws[a-z-]*:(?:iam|sts)::(\\d{12}):.*");

    private final String accountId;
    private final String region;

    AccountBoundary(String accountId, String region) {
        this.accountId = accountId;
        this.region = region;
    }

    /** The account of a principal ARN; empty for a form the stand-in never issues. */
    static Optional<String> accountOf(String principalArn) {
        Matcher m = PRINCIPAL.matcher(principalArn);
        return m.matches() ? Optional.of(m.group(1)) : Optional.empty();
    }

    /**
     * Refuses an ECR API call that crosses into another account's registry: the registry it names
     * ({@code registryId}) is not this one, or the caller belongs to another account.
     */
    void checkApiCall(String operation, String principalArn, Params params) {
        if (operation.equals("GetAuthorizationToken")) {
            return;
        }
        String target = params.string("registryId").orElse(accountId);
        if (target.equals(accountId) && accountOf(principalArn).filter(accountId::equals).isPresent()) {
            return;
        }
        String repository = params.string("repositoryName")
                .or(() -> params.raw().path("repositoryNames").path(0).isTextual()
                        ? Optional.of(params.raw().path("repositoryNames").path(0).asText()) : Optional.empty())
                .orElse("*");
        throw new EcrError("AccessDeniedException", denial(principalArn, "ecr:" + operation, target, repository));
    }

    /**
     * The DENIED message of a registry request with a password issued to {@code principalArn}, when that principal
     * belongs to another account; empty when it is this account's.
     */
    Optional<String> registryDenial(String principalArn, String method, String kind, String rest, String repository) {
        if (accountOf(principalArn).filter(accountId::equals).isPresent()) {
            return Optional.empty();
        }
        String action = IdentityPolicy.registryAction(method, kind, rest).orElse("ecr:BatchGetImage");
        return Optional.of(denial(principalArn, action, accountId, repository));
    }

    private String denial(String principalArn, String action, String account, String repository) {
        return "User: " + principalArn + " is not authorized to perform: " + action + " on resource: "
                + repositoryArn(account, repository) + " because no resource-based policy allows the " + action
                + " action";
    }

    private String repositoryArn(String account, String repository) {
        String partition = region.startsWith("cn-") ? "aws-cn" : region.startsWith("us-gov-") ? "aws-us-gov" : "aws";
        return "arn:" + partition + ":ecr:" + region + ":" + account + ":repository/" + repository;
    }
}
