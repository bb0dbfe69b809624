package org.ecrpushpipe.registry.ecr;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import org.ecrpushpipe.config.RepositorySpec;
import org.ecrpushpipe.config.Secret;
import org.ecrpushpipe.config.Tag;
import org.ecrpushpipe.errors.Failures;
import org.ecrpushpipe.errors.PipeException;
import org.ecrpushpipe.errors.RootCause;
import org.ecrpushpipe.registry.CreationTemplate;
import org.ecrpushpipe.registry.Digest;
import org.ecrpushpipe.registry.EcrRepositories;
import org.ecrpushpipe.registry.ImageScans;
import org.ecrpushpipe.registry.Manifest;
import org.ecrpushpipe.registry.Registry;
import org.ecrpushpipe.registry.RegistryCredentials;
import org.ecrpushpipe.registry.Repository;
import org.ecrpushpipe.registry.ScanReport;
import org.ecrpushpipe.registry.ScanStart;
import org.ecrpushpipe.registry.TagAndDigest;
import org.ecrpushpipe.registry.TaggedImage;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecr.EcrClient;
import software.amazon.awssdk.services.ecr.EcrClientBuilder;
import software.amazon.awssdk.services.ecr.model.AuthorizationData;
import software.amazon.awssdk.services.ecr.model.BatchGetImageRequest;
import software.amazon.awssdk.services.ecr.model.DescribeRepositoriesRequest;
import software.amazon.awssdk.services.ecr.model.EcrException;
import software.amazon.awssdk.services.ecr.model.GetAuthorizationTokenRequest;
import software.amazon.awssdk.services.ecr.model.GetDownloadUrlForLayerRequest;
import software.amazon.awssdk.services.ecr.model.Image;
import software.amazon.awssdk.services.ecr.model.ImageAlreadyExistsException;
import software.amazon.awssdk.services.ecr.model.ImageTagAlreadyExistsException;
import software.amazon.awssdk.services.ecr.model.LayerInaccessibleException;
import software.amazon.awssdk.services.ecr.model.LayersNotFoundException;
import software.amazon.awssdk.services.ecr.model.ReferencedImagesNotFoundException;
import software.amazon.awssdk.services.ecr.model.PutImageRequest;
import software.amazon.awssdk.services.ecr.model.ImageIdentifier;
import software.amazon.awssdk.services.ecr.model.RepositoryNotFoundException;
import software.amazon.awssdk.services.ecr.model.CreateRepositoryRequest;
import software.amazon.awssdk.services.ecr.model.DescribeImagesFilter;
import software.amazon.awssdk.services.ecr.model.DescribeImagesRequest;
import software.amazon.awssdk.services.ecr.model.DescribeImagesResponse;
import software.amazon.awssdk.services.ecr.model.DescribeRepositoryCreationTemplatesRequest;
import software.amazon.awssdk.services.ecr.model.EncryptionConfiguration;
import software.amazon.awssdk.services.ecr.model.GetLifecyclePolicyRequest;
import software.amazon.awssdk.services.ecr.model.ImageScanningConfiguration;
import software.amazon.awssdk.services.ecr.model.ImageStatusFilter;
import software.amazon.awssdk.services.ecr.model.ImageTagMutabilityExclusionFilter;
import software.amazon.awssdk.services.ecr.model.LifecyclePolicyNotFoundException;
import software.amazon.awssdk.services.ecr.model.PutLifecyclePolicyRequest;
import software.amazon.awssdk.services.ecr.model.RepositoryAlreadyExistsException;
import software.amazon.awssdk.services.ecr.model.TagStatus;
import software.amazon.awssdk.services.ecr.model.BatchDeleteImageRequest;
import software.amazon.awssdk.services.ecr.model.DescribeImageScanFindingsRequest;
import software.amazon.awssdk.services.ecr.model.DescribeImageScanFindingsResponse;
import software.amazon.awssdk.services.ecr.model.ImageNotFoundException;
import software.amazon.awssdk.services.ecr.model.LimitExceededException;
import software.amazon.awssdk.services.ecr.model.ScanNotFoundException;
import software.amazon.awssdk.services.ecr.model.StartImageScanRequest;
import software.amazon.awssdk.services.ecr.model.UnsupportedImageTypeException;
import software.amazon.awssdk.services.ecr.model.ValidationException;

/**
 * {@link Registry}, {@link EcrRepositories} and {@link ImageScans} on Amazon ECR through the AWS SDK for Java v2 (sync, url-connection client). Besides {@code aws} (the
 * credentials), the only code that imports the SDK; every SDK failure is translated here into a {@link PipeException}.
 */
public final class EcrRegistry implements Registry, EcrRepositories, ImageScans, AutoCloseable {
    private static final List<String> ACCEPTED_MANIFESTS = List.of(
            "application/vnd.docker.distribution.manifest.v2+json", "application/vnd.oci.image.manifest.v1+json",
            "application/vnd.docker.distribution.manifest.list.v2+json", "application/vnd.oci.image.index.v1+json");
    private static final JsonFactory JSON = new JsonFactory();

    /** Attempts per ECR API call, for throttling and server errors. */
    static final int MAX_ATTEMPTS = 5;

    /**
     * How long one ECR API call may take, its retries and their waits included: an endpoint that accepts
     * connections but never answers fails the call (and the run) after this long instead of hanging (docs/errors.md,
     * "Time limits"). Throttling retries fit well inside: the SDK's waits for 5 attempts add up to 15 s at most.
     */
    static final Duration CALL_TIMEOUT = Duration.ofSeconds(60);
    /** How long one attempt of a call may take before the SDK gives it up (and retries, time allowing). */
    static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(20);
    /** Connecting to the API; a real ECR endpoint connects in milliseconds. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    private EcrClient client;
    /** The most findings DescribeImageScanFindings returns in one answer. */
    static final int FINDINGS_PER_PAGE = 1000;

    /** Downloads of blobs from ECR's layer storage; made on first use (most runs read no blob). */
    private BlobDownload downloads;
    /** Manifests read by digest during this run, for {@link #addTag}. */
    private final Map<String, Image> manifests = new ConcurrentHashMap<>();
    private final EcrSettings settings;

    public EcrRegistry(EcrSettings settings) {
        this.settings = settings;
    }

    /**
     * The SDK client, built on first use: building it is a large part of the pipe's start-up, so it happens on
     * whichever thread first talks to ECR (the use case does that while the engine builds).
     */
    private synchronized EcrClient client() {
        if (client == null) {
            EcrClientBuilder builder = EcrClient.builder()
                    .region(Region.of(settings.region()))
                    .credentialsProvider(settings.credentials())
                    .httpClient(UrlConnectionHttpClient.builder()
                            .connectionTimeout(CONNECT_TIMEOUT)
                            .socketTimeout(ATTEMPT_TIMEOUT)
                            .build())
                    // many agents logging in at once get throttled (buildkite ecr plugin#7): back off longer than
                    // the SDK's default 3 attempts before giving up; a silent endpoint costs 3 attempts of 20 s
                    .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder()
                                    .maxAttempts(MAX_ATTEMPTS).build())
                            .apiCallAttemptTimeout(ATTEMPT_TIMEOUT)
                            .apiCallTimeout(CALL_TIMEOUT));
            if (settings.endpointOverride().isPresent()) {
                builder.endpointOverride(settings.endpointOverride().get());
            } else {
                // set either way: the SDK would otherwise read AWS_USE_FIPS_ENDPOINT from the process itself
                builder.fipsEnabled(settings.variants().fips()).dualstackEnabled(settings.variants().dualStack());
            }
            client = builder.build();
        }
        return client;
    }

    private synchronized BlobDownload downloads() {
        if (downloads == null) {
            downloads = new BlobDownload(CONNECT_TIMEOUT, ATTEMPT_TIMEOUT);
        }
        return downloads;
    }

    @Override
    public RegistryCredentials login() {
        GetAuthorizationTokenRequest.Builder request = GetAuthorizationTokenRequest.builder();
        settings.registryId().ifPresent(id -> request.registryIds(List.of(id)));
        AuthorizationData data = call("ecr:GetAuthorizationToken",
                () -> client().getAuthorizationToken(request.build())).authorizationData().stream().findFirst()
                .orElseThrow(Failures::noAuthorizationData);
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(String.valueOf(data.authorizationToken())),
                    StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            decoded = "";
        }
        int colon = decoded.indexOf(':');
        if (colon < 0 || data.proxyEndpoint() == null || data.expiresAt() == null) {
            throw Failures.unknownAuthorizationForm();
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
            return call("ecr:DescribeRepositories", () -> client().describeRepositories(request.build()))
                    .repositories().stream().findFirst()
                    .map(EcrRegistry::repository);
        } catch (RepositoryNotFoundException e) {
            return Optional.empty();
        }
    }

    @Override
    public Optional<TaggedImage> image(String repository, Tag tag) {
        return batchGetImage(repository, List.of(ImageIdentifier.builder().imageTag(tag.value()).build())).stream()
                .findFirst().map(EcrRegistry::taggedImage);
    }

    @Override
    public TagAndDigest images(String repository, Tag tag, Digest manifestDigest) {
        List<Image> found = batchGetImage(repository, List.of(
                ImageIdentifier.builder().imageTag(tag.value()).build(),
                ImageIdentifier.builder().imageDigest(manifestDigest.value()).build()));
        // match answers by their ids: ECR may answer both requests with one image when they are the same
        return new TagAndDigest(
                found.stream().filter(i -> tag.value().equals(i.imageId().imageTag())).findFirst()
                        .map(EcrRegistry::taggedImage),
                found.stream().filter(i -> manifestDigest.value().equals(i.imageId().imageDigest())).findFirst()
                        .map(EcrRegistry::taggedImage));
    }

    @Override
    public TaggedImage addTag(String repository, Digest manifestDigest, Tag tag) {
        Image image = manifests.get(manifestDigest.value());
        if (image == null) {
            image = batchGetImage(repository, List.of(ImageIdentifier.builder().imageDigest(manifestDigest.value())
                    .build())).stream().findFirst().orElseThrow(() -> Failures.imageGone(manifestDigest.value(),
                    repository + ":" + tag));
        }
        return put(repository, manifestOf(image), tag);
    }

    @Override
    public TaggedImage putManifest(String repository, Manifest manifest, Tag tag) {
        return put(repository, manifest, tag);
    }

    /**
     * PutImage of a manifest under a tag, with its media type and digest (ECR checks the digest against the text).
     * ECR answers a tag that already names this very manifest with ImageAlreadyExistsException: nothing to do.
     */
    private TaggedImage put(String repository, Manifest manifest, Tag tag) {
        PutImageRequest.Builder request = PutImageRequest.builder().repositoryName(repository)
                .imageManifest(manifest.text()).imageManifestMediaType(manifest.mediaType())
                .imageDigest(manifest.digest().value()).imageTag(tag.value());
        settings.registryId().ifPresent(request::registryId);
        try {
            Image tagged = call("ecr:PutImage", () -> client().putImage(request.build()),
                    List.of(ReferencedImagesNotFoundException.class)).image();
            return taggedImage(tagged);
        } catch (ImageAlreadyExistsException e) {
            // the tag already names this very manifest: nothing to do
            return new TaggedImage(manifest.digest(), configDigest(manifest.text()).map(Digest::of));
        } catch (ImageTagAlreadyExistsException e) {
            // an immutable tag that already names another manifest: say which; the caller decides
            return batchGetImage(repository, List.of(ImageIdentifier.builder().imageTag(tag.value()).build()))
                    .stream().findFirst().map(EcrRegistry::taggedImage)
                    .orElseThrow(() -> Failures.ecrFailed("ecr:PutImage", e.awsErrorDetails().errorCode(),
                            e.statusCode(), e.awsErrorDetails().errorMessage(), e));
        } catch (ReferencedImagesNotFoundException e) {
            // ECR checks that every manifest an index names is in the repository
            throw Failures.indexEntriesGone(repository + ":" + tag, e.awsErrorDetails().errorMessage(), e);
        } catch (RepositoryNotFoundException e) {
            throw repositoryGone(repository, e);
        }
    }

    @Override
    public Optional<Manifest> manifest(String repository, String reference) {
        ImageIdentifier id = reference.contains(":") ? ImageIdentifier.builder().imageDigest(reference).build()
                : ImageIdentifier.builder().imageTag(reference).build();
        return batchGetImage(repository, List.of(id)).stream().findFirst().map(EcrRegistry::manifestOf);
    }

    /**
     * A blob through ECR's API, as the Docker engine's pull reads one: GetDownloadUrlForLayer names a pre-signed
     * URL of ECR's layer storage (S3), which serves the blob to whoever holds the URL, without the registry's login.
     * The URL is a credential for an hour: it is never shown.
     */
    @Override
    public Optional<byte[]> blob(String repository, Digest digest) {
        GetDownloadUrlForLayerRequest.Builder request = GetDownloadUrlForLayerRequest.builder()
                .repositoryName(repository).layerDigest(digest.value());
        settings.registryId().ifPresent(request::registryId);
        String url;
        try {
            url = call("ecr:GetDownloadUrlForLayer", () -> client().getDownloadUrlForLayer(request.build()),
                    List.of(LayersNotFoundException.class, LayerInaccessibleException.class)).downloadUrl();
        } catch (LayersNotFoundException | LayerInaccessibleException e) {
            return Optional.empty();
        } catch (RepositoryNotFoundException e) {
            throw repositoryGone(repository, e);
        }
        return Optional.of(downloads().read(url, digest, repository));
    }

    private static Manifest manifestOf(Image image) {
        String type = image.imageManifestMediaType();
        if (type == null || type.isBlank()) {
            // an old image ECR keeps no media type for: the manifest names its own
            type = mediaTypeField(image.imageManifest()).orElse(Manifest.DOCKER_V2);
        }
        return new Manifest(Digest.of(image.imageId().imageDigest()), type, image.imageManifest());
    }

    @Override
    public Map<Tag, TaggedImage> heldTags(String repository, List<Tag> tags) {
        if (tags.isEmpty()) {
            return Map.of();
        }
        List<Image> found;
        try {
            BatchGetImageRequest.Builder request = BatchGetImageRequest.builder().repositoryName(repository)
                    .imageIds(tags.stream().map(t -> ImageIdentifier.builder().imageTag(t.value()).build()).toList())
                    .acceptedMediaTypes(ACCEPTED_MANIFESTS);
            settings.registryId().ifPresent(request::registryId);
            found = call("ecr:BatchGetImage", () -> client().batchGetImage(request.build())).images();
        } catch (RepositoryNotFoundException e) {
            return Map.of(); // a cache source in a repository that does not exist: nothing to pull
        }
        Map<String, TaggedImage> byTag = new HashMap<>();
        found.forEach(i -> byTag.put(i.imageId().imageTag(), taggedImage(i)));
        // kept, so that a re-run adding its other tags to the manifest it finds needs no second read
        found.forEach(i -> manifests.put(i.imageId().imageDigest(), i));
        Map<Tag, TaggedImage> held = new LinkedHashMap<>();
        tags.stream().filter(t -> byTag.containsKey(t.value())).forEach(t -> held.put(t, byTag.get(t.value())));
        return held;
    }

    private List<Image> batchGetImage(String repository, List<ImageIdentifier> ids) {
        BatchGetImageRequest.Builder request = BatchGetImageRequest.builder().repositoryName(repository)
                .imageIds(ids).acceptedMediaTypes(ACCEPTED_MANIFESTS);
        settings.registryId().ifPresent(request::registryId);
        try {
            List<Image> images = call("ecr:BatchGetImage", () -> client().batchGetImage(request.build())).images();
            // kept, so that adding a tag to a manifest just read needs no second read
            images.forEach(i -> manifests.put(i.imageId().imageDigest(), i));
            return images;
        } catch (RepositoryNotFoundException e) {
            throw repositoryGone(repository, e);
        }
    }

    private static TaggedImage taggedImage(Image image) {
        return new TaggedImage(Digest.of(image.imageId().imageDigest()),
                configDigest(image.imageManifest()).map(Digest::of));
    }

    /** The config digest of an image manifest (docker v2 schema 2 or OCI); empty for lists and indexes. */
    static Optional<String> configDigest(String manifest) {
        return textAt(manifest, "config", "digest");
    }

    /** The {@code mediaType} a manifest names for itself, if any. */
    static Optional<String> mediaTypeField(String manifest) {
        return textAt(manifest, "mediaType");
    }

    /**
     * The text at {@code path} (field names from the top) of a JSON manifest, if there is text there. Read with
     * Jackson's streaming parser: one field does not need an object mapper.
     */
    private static Optional<String> textAt(String manifest, String... path) {
        if (manifest == null) {
            return Optional.empty();
        }
        try (JsonParser parser = JSON.createParser(manifest)) {
            return parser.nextToken() == JsonToken.START_OBJECT ? textIn(parser, path, 0) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** {@link #textAt} within the object the parser has just entered, {@code depth} names into the path. */
    private static Optional<String> textIn(JsonParser parser, String[] path, int depth) throws IOException {
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            JsonToken value = parser.nextToken();
            if (field.equals(path[depth])) {
                boolean last = depth == path.length - 1;
                if (last && value == JsonToken.VALUE_STRING) {
                    return Optional.of(parser.getText());
                }
                return !last && value == JsonToken.START_OBJECT ? textIn(parser, path, depth + 1) : Optional.empty();
            }
            parser.skipChildren();
        }
        return Optional.empty();
    }

    private PipeException repositoryGone(String repository, Throwable origin) {
        return Failures.repositoryMissing(repository, settings.registryId().map(id -> "the registry " + id)
                .orElse("the account's registry"), settings.region(), origin);
    }

    /**
     * Runs one SDK call, translating its failures. ECR's RepositoryNotFoundException, PutImage's two "already
     * exists" answers, RepositoryAlreadyExistsException and LifecyclePolicyNotFoundException pass through for the
     * caller, which knows whether they are answers or failures.
     */
    private <T> T call(String action, Supplier<T> sdkCall) {
        return call(action, sdkCall, List.of());
    }

    /** {@link #call(String, Supplier)}, letting these further ECR errors through as answers for the caller. */
    private <T> T call(String action, Supplier<T> sdkCall, List<Class<? extends EcrException>> answers) {
        try {
            return sdkCall.get();
        } catch (RepositoryNotFoundException | ImageAlreadyExistsException | ImageTagAlreadyExistsException
                 | RepositoryAlreadyExistsException | LifecyclePolicyNotFoundException e) {
            throw e;
        } catch (EcrException e) {
            if (answers.stream().anyMatch(a -> a.isInstance(e))) {
                throw e;
            }
            throw EcrErrors.translate(action, e.awsErrorDetails().errorCode(), e.awsErrorDetails().errorMessage(),
                    e.statusCode(), settings.endpointOverride().map(String::valueOf), e);
        } catch (SdkClientException e) {
            // the credentials provider's own failure (STS refused a refresh), already worded
            PipeException credentials = RootCause.find(e, PipeException.class);
            if (credentials != null) {
                throw credentials;
            }
            throw Failures.ecrUnreachable(settings.region(), describe(e),
                    settings.endpointOverride().map(String::valueOf), e);
        } catch (SdkException e) {
            throw Failures.ecrCallFailed(action, describe(e), e);
        }
    }

    /** The SDK's sentence, with the root cause's when there is one (the SDK's alone rarely says what broke). */
    private static String describe(Throwable e) {
        String root = RootCause.message(e);
        return RootCause.of(e) == e || e.getMessage() == null ? root : e.getMessage() + " (" + root + ")";
    }

    private static Repository repository(software.amazon.awssdk.services.ecr.model.Repository r) {
        var encryption = r.encryptionConfiguration();
        return new Repository(r.repositoryName(), r.repositoryUri(), r.imageTagMutabilityAsString(),
                r.imageTagMutabilityExclusionFilters().stream().map(f -> f.filter()).toList(),
                r.imageScanningConfiguration() != null && Boolean.TRUE.equals(
                        r.imageScanningConfiguration().scanOnPush()),
                encryption == null ? "AES256" : encryption.encryptionTypeAsString(),
                Optional.ofNullable(encryption == null ? null : encryption.kmsKey()),
                Optional.ofNullable(r.repositoryArn()));
    }

    @Override
    public Optional<Repository> createRepository(String name, RepositorySpec spec) {
        CreateRepositoryRequest.Builder request = CreateRepositoryRequest.builder().repositoryName(name)
                .imageTagMutability(spec.tagMutability())
                .imageScanningConfiguration(ImageScanningConfiguration.builder().scanOnPush(spec.scanOnPush()).build())
                .encryptionConfiguration(EncryptionConfiguration.builder().encryptionType(spec.encryption())
                        .kmsKey(spec.kmsKey().orElse(null)).build());
        if (!spec.exclusionFilters().isEmpty()) {
            request.imageTagMutabilityExclusionFilters(spec.exclusionFilters().stream()
                    .map(f -> ImageTagMutabilityExclusionFilter.builder().filterType("WILDCARD").filter(f).build())
                    .toList());
        }
        if (!spec.resourceTags().isEmpty()) {
            request.tags(spec.resourceTags().entrySet().stream()
                    .map(t -> software.amazon.awssdk.services.ecr.model.Tag.builder().key(t.getKey())
                            .value(t.getValue()).build())
                    .toList());
        }
        settings.registryId().ifPresent(request::registryId);
        try {
            return Optional.of(repository(call("ecr:CreateRepository",
                    () -> client().createRepository(request.build())).repository()));
        } catch (RepositoryAlreadyExistsException e) {
            return Optional.empty();
        }
    }

    @Override
    public Optional<String> lifecyclePolicy(String repository) {
        GetLifecyclePolicyRequest.Builder request = GetLifecyclePolicyRequest.builder().repositoryName(repository);
        settings.registryId().ifPresent(request::registryId);
        try {
            return Optional.ofNullable(call("ecr:GetLifecyclePolicy",
                    () -> client().getLifecyclePolicy(request.build())).lifecyclePolicyText());
        } catch (LifecyclePolicyNotFoundException e) {
            return Optional.empty();
        } catch (RepositoryNotFoundException e) {
            throw repositoryGone(repository, e);
        }
    }

    @Override
    public void putLifecyclePolicy(String repository, String policyText) {
        PutLifecyclePolicyRequest.Builder request = PutLifecyclePolicyRequest.builder().repositoryName(repository)
                .lifecyclePolicyText(policyText);
        settings.registryId().ifPresent(request::registryId);
        try {
            call("ecr:PutLifecyclePolicy", () -> client().putLifecyclePolicy(request.build()));
        } catch (RepositoryNotFoundException e) {
            throw repositoryGone(repository, e);
        }
    }

    @Override
    public Optional<CreationTemplate> creationTemplateFor(String repository) {
        // templates live in the caller's own registry: DescribeRepositoryCreationTemplates takes no registryId
        List<CreationTemplate> templates = new ArrayList<>();
        String next = null;
        do {
            DescribeRepositoryCreationTemplatesRequest request = DescribeRepositoryCreationTemplatesRequest.builder()
                    .nextToken(next).build();
            var page = call("ecr:DescribeRepositoryCreationTemplates",
                    () -> client().describeRepositoryCreationTemplates(request));
            page.repositoryCreationTemplates().forEach(t -> templates.add(new CreationTemplate(
                    t.prefix(), t.imageTagMutabilityAsString(),
                    t.imageTagMutabilityExclusionFilters().stream().map(f -> f.filter()).toList(),
                    t.encryptionConfiguration() == null ? null : t.encryptionConfiguration().encryptionTypeAsString(),
                    Optional.ofNullable(t.encryptionConfiguration() == null ? null
                            : t.encryptionConfiguration().kmsKey()),
                    t.resourceTags().stream().collect(Collectors.toMap(
                            software.amazon.awssdk.services.ecr.model.Tag::key,
                            x -> x.value() == null ? "" : x.value(), (a, b) -> b)),
                    Optional.ofNullable(t.lifecyclePolicy()).filter(p -> !p.isBlank()),
                    t.appliedForAsStrings())));
            next = page.nextToken();
        } while (next != null);
        // ECR picks among the templates applied for this kind of creation: a more specific REPLICATION-only
        // template does not hide a CREATE_ON_PUSH one
        return CreationTemplate.forRepository(repository, templates.stream()
                .filter(CreationTemplate::createsOnPush).toList());
    }

    @Override
    public Map<String, String> resourceTags(String repository) {
        DescribeRepositoriesRequest.Builder describe = DescribeRepositoriesRequest.builder().repositoryNames(repository);
        settings.registryId().ifPresent(describe::registryId);
        String arn;
        try {
            arn = call("ecr:DescribeRepositories", () -> client().describeRepositories(describe.build()))
                    .repositories().get(0).repositoryArn();
        } catch (RepositoryNotFoundException e) {
            throw repositoryGone(repository, e);
        }
        Map<String, String> tags = new LinkedHashMap<>();
        call("ecr:ListTagsForResource", () -> client().listTagsForResource(r -> r.resourceArn(arn))).tags()
                .forEach(t -> tags.put(t.key(), t.value() == null ? "" : t.value()));
        return tags;
    }

    @Override
    public Map<Tag, Digest> archivedTags(String repository) {
        Map<Tag, Digest> archived = new LinkedHashMap<>();
        String next = null;
        do {
            DescribeImagesRequest.Builder request = DescribeImagesRequest.builder().repositoryName(repository)
                    .filter(DescribeImagesFilter.builder().tagStatus(TagStatus.TAGGED)
                            .imageStatus(ImageStatusFilter.ARCHIVED).build())
                    .nextToken(next);
            settings.registryId().ifPresent(request::registryId);
            DescribeImagesResponse page;
            try {
                page = call("ecr:DescribeImages", () -> client().describeImages(request.build()));
            } catch (RepositoryNotFoundException e) {
                return Map.of(); // a repository that does not exist holds nothing archived
            }
            page.imageDetails().stream().filter(d -> "ARCHIVED".equals(d.imageStatusAsString()))
                    .forEach(d -> d.imageTags().stream().filter(Tag::isValid)
                            .forEach(t -> archived.put(new Tag(t), Digest.of(d.imageDigest()))));
            next = page.nextToken();
        } while (next != null);
        return archived;
    }

    @Override
    public ScanStart startScan(String repository, Digest manifestDigest) {
        StartImageScanRequest.Builder request = StartImageScanRequest.builder().repositoryName(repository)
                .imageId(ImageIdentifier.builder().imageDigest(manifestDigest.value()).build());
        settings.registryId().ifPresent(request::registryId);
        try {
            // ECR's answers that are not failures of the run come back as values; the others are translated
            return call("ecr:StartImageScan", () -> {
                try {
                    client().startImageScan(request.build());
                    return ScanStart.STARTED;
                } catch (LimitExceededException e) {
                    return new ScanStart(ScanStart.Outcome.ALREADY_SCANNED, errorMessage(e));
                } catch (UnsupportedImageTypeException e) {
                    return new ScanStart(ScanStart.Outcome.UNSUPPORTED, errorMessage(e));
                } catch (ValidationException e) {
                    return new ScanStart(ScanStart.Outcome.REFUSED, errorMessage(e));
                } catch (ImageNotFoundException e) {
                    throw Failures.imageGone(manifestDigest.value(), repository);
                }
            });
        } catch (RepositoryNotFoundException e) {
            throw repositoryGone(repository, e);
        }
    }

    @Override
    public Optional<ScanReport> scan(String repository, Digest manifestDigest) {
        List<ScanReport.Finding> findings = new ArrayList<>();
        String next = null;
        DescribeImageScanFindingsResponse first = null;
        do {
            Optional<DescribeImageScanFindingsResponse> page = scanPage(repository, manifestDigest, next);
            if (page.isEmpty()) {
                return Optional.empty();
            }
            first = first == null ? page.get() : first;
            ScanReport report = EcrScanFindings.report(page.get(), List.of());
            if (!report.done()) {
                return Optional.of(report);
            }
            findings.addAll(EcrScanFindings.findings(page.get()));
            next = page.get().nextToken();
        } while (next != null);
        return Optional.of(EcrScanFindings.report(first, findings));
    }

    /** One page of DescribeImageScanFindings; empty when ECR has no scan of the image. */
    private Optional<DescribeImageScanFindingsResponse> scanPage(String repository, Digest manifestDigest,
                                                                 String next) {
        DescribeImageScanFindingsRequest.Builder request = DescribeImageScanFindingsRequest.builder()
                .repositoryName(repository).maxResults(FINDINGS_PER_PAGE).nextToken(next)
                .imageId(ImageIdentifier.builder().imageDigest(manifestDigest.value()).build());
        settings.registryId().ifPresent(request::registryId);
        try {
            return call("ecr:DescribeImageScanFindings", () -> {
                try {
                    return Optional.of(client().describeImageScanFindings(request.build()));
                } catch (ScanNotFoundException e) {
                    return Optional.empty();
                } catch (ImageNotFoundException e) {
                    throw Failures.imageGone(manifestDigest.value(), repository);
                }
            });
        } catch (RepositoryNotFoundException e) {
            throw repositoryGone(repository, e);
        }
    }

    @Override
    public void removeTag(String repository, Tag tag) {
        BatchDeleteImageRequest.Builder request = BatchDeleteImageRequest.builder().repositoryName(repository)
                .imageIds(ImageIdentifier.builder().imageTag(tag.value()).build());
        settings.registryId().ifPresent(request::registryId);
        try {
            // a tag already gone is reported among the answer's failures: nothing left to remove
            call("ecr:BatchDeleteImage", () -> client().batchDeleteImage(request.build()));
        } catch (RepositoryNotFoundException e) {
            throw repositoryGone(repository, e);
        }
    }

    private static String errorMessage(EcrException e) {
        return e.awsErrorDetails() == null || e.awsErrorDetails().errorMessage() == null ? String.valueOf(e.getMessage())
                : e.awsErrorDetails().errorMessage().strip();
    }

    @Override
    public synchronized void close() {
        if (client != null) {
            client.close();
        }
    }
}
