package org.ecrpushpipe.config;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.ecrpushpipe.context.BuildContext;

/**
 * Everything the pipe was asked to do, read and checked once from the environment by {@link ConfigReader}.
 *
 * @param credentials  the AWS key pair; empty when the step authenticates with OIDC alone
 * @param region       the AWS region of the registry
 * @param image        the ECR repository
 * @param tags         tags to push, in the order given, without duplicates; never empty
 * @param build        the build context as it will be sent: directory, Dockerfile, and the files that go; null
 *                     for a promotion (SOURCE_TAG, SOURCE_DIGEST), which builds nothing
 * @param dockerHost   the Docker engine address, as Docker writes it
 * @param ecrEndpoint  an endpoint override for the ECR API
 * @param stsEndpoint  an endpoint override for the STS API
 * @param endpointVariants which of AWS's own endpoints the API calls go to without an override (FIPS, dual-stack)
 * @param debug        whether debug lines and stack traces are shown
 * @param retries      push attempts after the first, for transient failures (RETRIES)
 * @param retryMaxWait the longest wait between two push attempts (RETRY_MAX_SECONDS)
 * @param release      promotion instead of a build (SOURCE_TAG, SOURCE_DIGEST), and the mirror regions
 *                     (MIRROR_REGIONS); {@link ReleaseSettings#NONE} to build and push to one region
 * @param repository   what to do to the repository before building: create it, keep its lifecycle policy
 * @param buildSettings build options, or the local image to push instead of building
 * @param cache        the registry layer cache (CACHE, CACHE_FROM)
 * @param access       OIDC and the role to assume, beyond the key pair
 * @param results      where the results go (OUTPUT_FILE, Bitbucket's shared pipe storage)
 * @param scan         the scan gate (SCAN_FAIL_ON, SCAN_IGNORE, SCAN_TIMEOUT_SECONDS); empty without it
 */
public record PipeConfig(Optional<AwsCredentials> credentials, String region, ImageRef image, List<Tag> tags,
                         BuildContext build, String dockerHost,
                         Optional<URI> ecrEndpoint, Optional<URI> stsEndpoint, EndpointVariants endpointVariants,
                         boolean debug,
                         int retries, Duration retryMaxWait, ReleaseSettings release,
                         RepositorySettings repository, BuildSettings buildSettings, CacheSettings cache,
                         CredentialSettings access, ResultSettings results, Optional<ScanSettings> scan) {

    public PipeConfig {
        tags = List.copyOf(tags);
    }

    /** Every secret value in this configuration, for the console to mask. */
    public List<String> secretValues() {
        List<String> values = new ArrayList<>();
        credentials.ifPresent(keys -> {
            values.add(keys.accessKeyId().reveal());
            values.add(keys.secretAccessKey().reveal());
            keys.sessionToken().ifPresent(t -> values.add(t.reveal()));
        });
        access.webIdentity().ifPresent(w -> values.add(w.token().reveal()));
        access.otherRegistry().ifPresent(r -> {
            values.add(r.password().reveal());
            // what the engine and the registry's API carry in an Authorization header
            values.add(Secret.basicCredentials(r.username(), r.password()).reveal());
        });
        buildSettings.secrets().forEach(s -> values.addAll(s.maskedForms()));
        return values;
    }
}
