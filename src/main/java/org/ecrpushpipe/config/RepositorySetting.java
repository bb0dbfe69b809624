package org.ecrpushpipe.config;

/** One repository setting a user can give, named by the variable that gives it. */
public enum RepositorySetting {
    IMAGE_TAG_MUTABILITY, IMAGE_TAG_MUTABILITY_EXCLUSIONS, SCAN_ON_PUSH, ENCRYPTION, KMS_KEY, REPOSITORY_TAGS
}
