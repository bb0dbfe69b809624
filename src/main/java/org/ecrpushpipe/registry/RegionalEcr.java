package org.ecrpushpipe.registry;

/**
 * The account's ECR registry in one region: its registry operations and its repository administration, which answer
 * for that region alone, with a login of their own.
 *
 * @param region       the AWS region
 * @param registry     what every registry does, in that region
 * @param repositories ECR's repository administration, in that region
 */
public record RegionalEcr(String region, Registry registry, EcrRepositories repositories) {
}
