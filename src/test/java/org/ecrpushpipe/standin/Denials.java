package org.ecrpushpipe.standin;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * ECR operations the caller's IAM policy does not allow, set by tests: such a call is answered with ECR's
 * AccessDeniedException, worded as AWS words an identity-based denial.
 */
final class Denials {
    private final Set<String> denied = ConcurrentHashMap.newKeySet();
    private final String accountId;
    private final String region;

    Denials(String accountId, String region) {
        this.accountId = accountId;
        this.region = region;
    }

    void deny(String operation) {
        denied.add(operation);
    }

    void allow(String operation) {
        denied.remove(operation);
    }

    void check(String operation, String principalArn) {
        if (denied.contains(operation)) {
            throw new EcrError("AccessDeniedException", "User: " + principalArn + " is not authorized to perform:"
                    + " ecr:" + operation + " on resource: arn:aws:ecr:" + region + ":" + accountId
                    + ":repository/* because no identity-based policy allows the ecr:" + operation + " action");
        }
    }
}
