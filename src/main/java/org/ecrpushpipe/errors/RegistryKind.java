package org.ecrpushpipe.errors;

/**
 * Which kind of registry a run pushes to. It decides which of the run's steps apply (ECR's repository
 * administration, regions) and how a refusal is explained (the IAM policy, or the registry's own user), so it sits
 * with the failures' vocabulary, which every room may use.
 */
public enum RegistryKind {
    /** Amazon ECR: logged in with AWS credentials, repositories administered through ECR's API, in regions. */
    ECR,
    /** Any other registry speaking the Docker Registry HTTP API v2, logged in with REGISTRY_USERNAME. */
    OTHER
}
