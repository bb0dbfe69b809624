package org.ecrpushpipe.registry.ecr;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

import org.ecrpushpipe.config.ImageRef.EndpointVariant;
import org.ecrpushpipe.config.Secret;
import org.ecrpushpipe.config.Tag;
import org.ecrpushpipe.errors.PipeException;
import org.ecrpushpipe.registry.ContainerRegistry;
import org.ecrpushpipe.registry.RegistryCredentials;
import org.ecrpushpipe.registry.Repository;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecr.EcrClient;
import software.amazon.awssdk.services.ecr.EcrClientBuilder;
import software.amazon.awssdk.services.ecr.model.AuthorizationData;
import software.amazon.awssdk.services.ecr.model.DescribeImagesRequest;
import software.amazon.awssdk.services.ecr.model.DescribeRepositoriesRequest;
import software.amazon.awssdk.services.ecr.model.EcrException;
import software.amazon.awssdk.services.ecr.model.GetAuthorizationTokenRequest;
import software.amazon.awssdk.services.ecr.model.ImageIdentifier;
import software.amazon.awssdk.services.ecr.model.ImageNotFoundException;
import software.amazon.awssdk.services.ecr.model.RepositoryNotFoundException;

/**
 * {@link ContainerRegistry} on Amazon ECR through the AWS SDK for Java v2 (sync, url-connection client). The only
 * code that imports the SDK; every SDK failure is translated here into a {@link PipeException}.
 */
public final class EcrRegistry implements ContainerRegistry, AutoCloseable {
    private final EcrClient client;
    private final EcrSettings settings;

    public EcrRegistry(EcrSettings settings) {
        this.settings = settings;
        EcrClientBuilder builder = EcrClient.builder()
                .region(Region.of(settings.region()))
                .credentialsProvider(StaticCredentialsProvider.create(sdkCredentials(settings.credentials())))
                .httpClient(UrlConnectionHttpClient.builder()
                        .connectionTimeout(Duration.ofSeconds(10))
                        .socketTimeout(Duration.ofSeconds(30))
                        .build());
        if (settings.endpointOverride().isPresent()) {
            builder.endpointOverride(settings.endpointOverride().get());
        } else {
            builder.fipsEnabled(settings.variant() == EndpointVariant.FIPS)
                    .dualstackEnabled(settings.variant() == EndpointVariant.DUAL_STACK);
        }
        this.client = builder.build();
    }

    private static AwsCredentials sdkCredentials(org.ecrpushpipe.config.AwsCredentials credentials) {
        String key = credentials.accessKeyId().reveal();
        String secret = credentials.secretAccessKey().reveal();
        return credentials.sessionToken()
                .<AwsCredentials>map(token -> AwsSessionCredentials.create(key, secret, token.reveal()))
                .orElseGet(() -> AwsBasicCredentials.create(key, secret));
    }

    @Override
    public RegistryCredentials login() {
        GetAuthorizationTokenRequest.Builder request = GetAuthorizationTokenRequest.builder();
        settings.registryId().ifPresent(id -> request.registryIds(List.of(id)));
        AuthorizationData data = call("ecr:GetAuthorizationToken",
                () -> client.getAuthorizationToken(request.build())).authorizationData().stream().findFirst()
                .orElseThrow(() -> new PipeException.Push("ECR returned no authorization data.",
                        "run the step again; if it persists, check the ECR service health", null));
        String decoded = new String(Base64.getDecoder().decode(data.authorizationToken()), StandardCharsets.UTF_8);
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            throw new PipeException.Push("ECR returned an authorization token of an unknown form.",
                    "run the step again", null);
        }
        String host = data.proxyEndpoint().replaceFirst("^[a-zA-Z]+://", "").replaceFirst("/+$", "");
        return new RegistryCredentials(host, decoded.substring(0, colon), Secret.of(decoded.substring(colon + 1)),
                data.expiresAt());
    }

    @Override
    public Optional<Repository> repository(String name) {
        DescribeRepositoriesRequest.Builder request = DescribeRepositoriesRequest.builder().repositoryNames(name);
        settings.registryId().ifPresent(request::registryId);
        try {
            return call("ecr:DescribeRepositories", () -> client.describeRepositories(request.build()))
                    .repositories().stream().findFirst()
                    .map(r -> new Repository(r.repositoryName(), r.repositoryUri(), r.imageTagMutabilityAsString()));
        } catch (RepositoryNotFoundException e) {
            return Optional.empty();
        }
    }

    @Override
    public Optional<String> digestOf(String repository, Tag tag) {
        DescribeImagesRequest.Builder request = DescribeImagesRequest.builder().repositoryName(repository)
                .imageIds(ImageIdentifier.builder().imageTag(tag.value()).build());
        settings.registryId().ifPresent(request::registryId);
        try {
            return call("ecr:DescribeImages", () -> client.describeImages(request.build()))
                    .imageDetails().stream().findFirst().map(d -> d.imageDigest());
        } catch (ImageNotFoundException e) {
            return Optional.empty();
        }
    }

    /**
     * Runs one SDK call, translating its failures. ECR's "not found" exceptions pass through for the caller,
     * which knows whether "not found" is an answer or a failure.
     */
    private <T> T call(String action, Supplier<T> sdkCall) {
        try {
            return sdkCall.get();
        } catch (RepositoryNotFoundException | ImageNotFoundException e) {
            throw e;
        } catch (EcrException e) {
            throw EcrErrors.translate(action, e.awsErrorDetails().errorCode(), e.awsErrorDetails().errorMessage(),
                    e.statusCode(), e);
        } catch (SdkClientException e) {
            throw new PipeException.Push("Cannot reach the ECR API in " + settings.region() + ": "
                    + rootMessage(e),
                    settings.endpointOverride().isPresent()
                            ? "check AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_ECR (" + settings.endpointOverride().get() + ")"
                            : "check AWS_REGION and the step's network access to AWS", e);
        } catch (SdkException e) {
            throw new PipeException.Push("The ECR call " + action + " failed: " + rootMessage(e),
                    "run the step again; rerun with DEBUG=true for details", e);
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return root == e ? message : e.getMessage() + " (" + message + ")";
    }

    @Override
    public void close() {
        client.close();
    }
}
