package org.ecrpushpipe.registry.ecr;

import java.net.URI;
import java.util.Optional;

import org.ecrpushpipe.config.AwsCredentials;
import org.ecrpushpipe.config.EndpointVariants;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * How to reach ECR: region, the credentials provider (static keys, or STS sessions that refresh themselves), the
 * registry (account) when IMAGE named one, which of AWS's endpoints (FIPS, dual-stack) the SDK picks for the region,
 * and an endpoint override ({@code AWS_ENDPOINT_URL_ECR}), which wins over the variants.
 */
public record EcrSettings(String region, AwsCredentialsProvider credentials, Optional<String> registryId,
                          EndpointVariants variants, Optional<URI> endpointOverride) {

    /** Settings that sign with a static key pair. */
    public EcrSettings(String region, AwsCredentials keys, Optional<String> registryId, EndpointVariants variants,
                       Optional<URI> endpointOverride) {
        this(region, StaticCredentialsProvider.create(sdkCredentials(keys)), registryId, variants, endpointOverride);
    }

    private static software.amazon.awssdk.auth.credentials.AwsCredentials sdkCredentials(AwsCredentials keys) {
        String key = keys.accessKeyId().reveal();
        String secret = keys.secretAccessKey().reveal();
        return keys.sessionToken()
                .<software.amazon.awssdk.auth.credentials.AwsCredentials>map(
                        token -> AwsSessionCredentials.create(key, secret, token.reveal()))
                .orElseGet(() -> AwsBasicCredentials.create(key, secret));
    }
}
