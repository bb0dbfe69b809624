package org.ecrpushpipe.registry.ecr;

import java.net.URI;
import java.util.Optional;

import org.ecrpushpipe.config.AwsCredentials;
import org.ecrpushpipe.config.ImageRef.EndpointVariant;

/**
 * How to reach ECR: region, credentials, the registry (account) when IMAGE named one, the endpoint variant its
 * host implies, and an endpoint override ({@code AWS_ENDPOINT_URL_ECR}).
 */
public record EcrSettings(String region, AwsCredentials credentials, Optional<String> registryId,
                          EndpointVariant variant, Optional<URI> endpointOverride) {
}
