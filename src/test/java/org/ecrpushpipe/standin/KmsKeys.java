package org.ecrpushpipe.standin;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The account's KMS keys, as far as ECR uses them: a repository encrypted with KMS names its key by id, ARN or
 * alias; ECR stores the key's ARN, and answers CreateRepository with a KmsException when KMS cannot find the key.
 */
final class KmsKeys {
    private final String accountId;
    private final String region;
    /** Key id, key ARN, alias name and alias ARN, each to the key's ARN. */
    private final Map<String, String> names = new ConcurrentHashMap<>();

    KmsKeys(String accountId, String region) {
        this.accountId = accountId;
        this.region = region;
    }

    void add(String keyId, String alias) {
        String arn = "arn:aws:kms:" + region + ":" + accountId + ":key/" + keyId;
        names.put(keyId, arn);
        names.put(arn, arn);
        if (alias != null) {
            names.put(alias, arn);
            names.put("arn:aws:kms:" + region + ":" + accountId + ":" + alias, arn);
        }
    }

    /** The ARN of ECR's AWS managed key (alias/aws/ecr), used when a KMS repository names no key. */
    String managedKey() {
        return "arn:aws:kms:" + region + ":" + accountId + ":key/0e5c9a2b-aws-ecr-managed";
    }

    String resolve(String given) {
        String arn = names.get(given);
        if (arn == null) {
            EcrError error = new EcrError("KmsException", "Key '" + (given.startsWith("arn:") ? given
                    : "arn:aws:kms:" + region + ":" + accountId + ":" + (given.startsWith("alias/") ? given
                    : "key/" + given)) + "' does not exist");
            throw error;
        }
        return arn;
    }
}
