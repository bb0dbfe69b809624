/**
 * The AWS credentials adapter: turns a {@link org.ecrpushpipe.credentials.CredentialPlan} into one refreshing AWS
 * SDK credentials provider (static keys, STS AssumeRoleWithWebIdentity, STS AssumeRole), translating STS's
 * failures at this boundary. Besides {@code registry.ecr}, the only package that imports the AWS SDK.
 */
package org.ecrpushpipe.aws;
