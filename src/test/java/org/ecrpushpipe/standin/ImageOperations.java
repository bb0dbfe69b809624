package org.ecrpushpipe.standin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The ECR operations on images: DescribeImages, BatchGetImage, GetDownloadUrlForLayer, PutImage and
 * BatchDeleteImage, answered from and applied to the real registry.
 */
final class ImageOperations {
    private static final List<String> TAG_STATUSES = List.of("TAGGED", "UNTAGGED", "ANY");
    private static final List<String> IMAGE_STATUSES = List.of("ACTIVE", "ARCHIVED", "ACTIVATING", "ANY");
    /** The manifest media types PutImage takes (ECR user guide, "Container image manifest format support"). */
    private static final List<String> MANIFEST_TYPES = List.of(
            "application/vnd.docker.distribution.manifest.v1+json",
            "application/vnd.docker.distribution.manifest.v1+prettyjws",
            "application/vnd.docker.distribution.manifest.v2+json",
            "application/vnd.docker.distribution.manifest.list.v2+json",
            "application/vnd.oci.image.manifest.v1+json",
            "application/vnd.oci.image.index.v1+json");
    private static final List<String> INDEX_TYPES = List.of(
            "application/vnd.docker.distribution.manifest.list.v2+json",
            "application/vnd.oci.image.index.v1+json");

    private final RepositoryCatalog catalog;
    private final RepositoryImages images;
    private final RegistryClient registry;
    private final String accountId;
    private final Clock clock;
    private final LayerBucket layerBucket;
    private final String downloadOrigin;

    /**
     * @param layerBucket    ECR's layer storage, for GetDownloadUrlForLayer's pre-signed URLs
     * @param downloadOrigin where those URLs point ({@code http://host:port}), a server that serves the bucket
     */
    ImageOperations(RepositoryCatalog catalog, RepositoryImages images, RegistryClient registry, String accountId,
                    Clock clock, LayerBucket layerBucket, String downloadOrigin) {
        this.catalog = catalog;
        this.images = images;
        this.registry = registry;
        this.accountId = accountId;
        this.clock = clock;
        this.layerBucket = layerBucket;
        this.downloadOrigin = downloadOrigin;
    }

    ObjectNode describeImages(Params params) {
        Repository repository = catalog.require(params.repositoryName());
        List<JsonNode> ids = params.list("imageIds", 0, 100);
        Params filter = params.object("filter");
        String tagStatus = filter == null ? "ANY" : filter.string("tagStatus")
                .map(s -> Params.checkEnum("filter.tagStatus", s, TAG_STATUSES)).orElse("ANY");
        // ECR: without a filter, only ACTIVE images are listed; images asked for by id are described whatever
        // their storage class
        String imageStatus = filter == null ? "ACTIVE" : filter.string("imageStatus")
                .map(s -> Params.checkEnum("filter.imageStatus", s, IMAGE_STATUSES)).orElse("ACTIVE");
        int maxResults = params.integer("maxResults", 1, 1000).orElse(100);
        if (!ids.isEmpty() && (params.raw().has("maxResults") || params.raw().has("nextToken"))) {
            throw new EcrError("InvalidParameterException",
                    "Invalid parameter: maxResults and nextToken cannot be used together with imageIds.");
        }
        List<RepositoryImages.Image> selected = new ArrayList<>();
        if (ids.isEmpty()) {
            for (RepositoryImages.Image image : images.list(repository)) {
                boolean tagged = !image.tags().isEmpty();
                String status = repository.isArchived(image.digest()) ? "ARCHIVED" : "ACTIVE";
                if ((tagStatus.equals("ANY") || tagged == tagStatus.equals("TAGGED"))
                        && (imageStatus.equals("ANY") || imageStatus.equals(status))) {
                    selected.add(image);
                }
            }
        } else {
            for (JsonNode id : ids) {
                ImageId imageId = ImageId.of(new Params(id));
                RepositoryImages.Image image = find(repository, imageId).orElseThrow(() ->
                        EcrError.imageNotFound(imageId.digest, imageId.tag, repository.name(), accountId));
                if (selected.stream().noneMatch(i -> i.digest().equals(image.digest()))) {
                    selected.add(image);
                }
            }
        }
        ObjectNode response = EcrJson.object();
        ArrayNode details = response.putArray("imageDetails");
        for (RepositoryImages.Image image : Pagination.page(params, selected, maxResults, response)) {
            ObjectNode detail = details.addObject()
                    .put("registryId", accountId)
                    .put("repositoryName", repository.name())
                    .put("imageDigest", image.digest());
            if (!image.tags().isEmpty()) {
                image.tags().forEach(detail.putArray("imageTags")::add);
            }
            detail.put("imageSizeInBytes", images.sizeInBytes(image));
            detail.set("imagePushedAt", EcrJson.timestamp(image.pushedAt()));
            detail.put("imageManifestMediaType", image.manifest().mediaType());
            if (repository.isArchived(image.digest())) {
                detail.put("imageStatus", "ARCHIVED");
                detail.set("lastArchivedAt", EcrJson.timestamp(repository.archivedAt(image.digest())));
            } else {
                detail.put("imageStatus", "ACTIVE");
            }
            String artifactMediaType = images.artifactMediaType(image);
            if (artifactMediaType != null) {
                detail.put("artifactMediaType", artifactMediaType);
            }
        }
        return response;
    }

    ObjectNode batchGetImage(Params params) {
        Repository repository = catalog.require(params.repositoryName());
        List<JsonNode> ids = params.list("imageIds", 1, 100);
        params.list("acceptedMediaTypes", 0, 100);
        ObjectNode response = EcrJson.object();
        ArrayNode found = response.putArray("images");
        ArrayNode failures = response.putArray("failures");
        for (JsonNode id : ids) {
            ImageId imageId = ImageId.of(new Params(id));
            Optional<RepositoryImages.Image> image = find(repository, imageId);
            // an archived image cannot be pulled (ECR user guide, "Archiving an image"): not found
            if (image.isEmpty() || repository.isArchived(image.get().digest())) {
                failures.add(imageNotFound(imageId));
                continue;
            }
            found.add(image(repository, image.get().manifest(), imageId.tag));
        }
        return response;
    }

    /**
     * A pre-signed URL of ECR's layer storage for one blob of the repository (a layer, or an image's
     * configuration), as the Docker engine's pull gets through the registry's redirect.
     */
    ObjectNode getDownloadUrlForLayer(Params params) {
        Repository repository = catalog.require(params.repositoryName());
        String digest = params.requiredString("layerDigest");
        if (!Params.DIGEST.matcher(digest).matches()) {
            throw EcrError.invalidParameter("layerDigest", "must satisfy regular expression '"
                    + Params.DIGEST.pattern() + "'");
        }
        if (!registry.hasBlob(repository.name(), digest)) {
            throw new EcrError("LayersNotFoundException", "The specified layers could not be found, or the"
                    + " specified layer is not valid for this repository.");
        }
        return EcrJson.object().put("downloadUrl", layerBucket.presign(downloadOrigin, repository.name(), digest))
                .put("layerDigest", digest);
    }

    ObjectNode putImage(Params params) {
        Repository repository = catalog.require(params.repositoryName());
        String manifestText = params.requiredString("imageManifest");
        if (manifestText.isEmpty() || manifestText.length() > 4194304) {
            throw EcrError.invalidParameter("imageManifest", "Member must have length between 1 and 4194304");
        }
        byte[] bytes = manifestText.getBytes(StandardCharsets.UTF_8);
        String digest = RegistryManifest.digestOf(bytes);
        Optional<String> givenDigest = params.string("imageDigest");
        if (givenDigest.isPresent() && !givenDigest.get().equals(digest)) {
            throw new EcrError("ImageDigestDoesNotMatchException", "The provided image digest '" + givenDigest.get()
                    + "' does not match the digest of the manifest '" + digest + "'");
        }
        String mediaType = params.string("imageManifestMediaType").orElseGet(() -> mediaTypeOf(bytes));
        checkMediaType(mediaType, bytes);
        if (INDEX_TYPES.contains(mediaType)) {
            checkReferencedImages(repository, bytes);
        }
        Optional<String> tag = params.string("imageTag");
        if (tag.isPresent() && !Params.DOCKER_TAG.matcher(tag.get()).matches()) {
            throw EcrError.invalidParameter("imageTag", "must satisfy regular expression '"
                    + Params.DOCKER_TAG.pattern() + "'");
        }
        repository.manifestLock().lock();
        try {
            if (tag.isPresent()) {
                Optional<RegistryManifest> existing = registry.manifest(repository.name(), tag.get());
                if (existing.isPresent() && existing.get().digest().equals(digest)) {
                    throw alreadyExists("Image with digest '" + digest + "' and tag '" + tag.get() + "'", repository);
                }
                if (existing.isPresent() && repository.mutability().isImmutable(tag.get())) {
                    throw EcrError.tagAlreadyExists(tag.get(), repository.name());
                }
            } else if (registry.manifest(repository.name(), digest).isPresent()) {
                throw alreadyExists("Image with digest '" + digest + "'", repository);
            }
            try {
                registry.putManifest(repository.name(), tag.orElse(digest), mediaType, bytes);
            } catch (RegistryClient.RegistryException e) {
                throw translate(e, repository);
            }
            images.stored(repository, digest, tag.orElse(null));
        } finally {
            repository.manifestLock().unlock();
        }
        ObjectNode response = EcrJson.object();
        response.set("image", image(repository, new RegistryManifest(digest, mediaType, bytes), tag.orElse(null)));
        return response;
    }

    /**
     * By tag removes the tag, and the image with its last tag; by digest removes the image with all its tags. The
     * registry behind (distribution 2.8) deletes manifests by digest only, taking every tag with them: to remove
     * one tag of several, the manifest is deleted and put back under the tags that remain, so such a call costs a
     * registry request for each other tag of that image (whatever else the repository holds).
     */
    ObjectNode batchDeleteImage(Params params) {
        Repository repository = catalog.require(params.repositoryName());
        List<JsonNode> ids = params.list("imageIds", 1, 100);
        ObjectNode response = EcrJson.object();
        ArrayNode deleted = response.putArray("imageIds");
        ArrayNode failures = response.putArray("failures");
        repository.manifestLock().lock();
        try {
            for (JsonNode id : ids) {
                ImageId imageId = ImageId.of(new Params(id));
                Optional<RepositoryImages.Image> found = find(repository, imageId);
                if (found.isEmpty()) {
                    failures.add(imageNotFound(imageId));
                    continue;
                }
                RepositoryImages.Image image = found.get();
                registry.deleteManifest(repository.name(), image.digest());
                if (imageId.tag != null && image.tags().size() > 1) {
                    for (String remaining : image.tags()) {
                        if (!remaining.equals(imageId.tag)) {
                            registry.putManifest(repository.name(), remaining, image.manifest().mediaType(),
                                    image.manifest().bytes());
                        }
                    }
                    images.untagged(repository, imageId.tag);
                    deleted.add(EcrJson.imageId(image.digest(), imageId.tag));
                } else {
                    images.deleted(repository, image.digest());
                    if (image.tags().isEmpty()) {
                        deleted.add(EcrJson.imageId(image.digest(), null));
                    }
                    image.tags().forEach(t -> deleted.add(EcrJson.imageId(image.digest(), t)));
                }
            }
        } finally {
            repository.manifestLock().unlock();
        }
        return response;
    }

    /**
     * UpdateImageStorageClass: ARCHIVE moves an image to the archive storage class, STANDARD restores it (ECR
     * restores in the background through ACTIVATING; the stand-in restores at once).
     */
    ObjectNode updateImageStorageClass(Params params) {
        Repository repository = catalog.require(params.repositoryName());
        Params id = params.object("imageId");
        if (id == null) {
            throw EcrError.invalidParameter("imageId", "Member must not be null");
        }
        ImageId imageId = ImageId.of(id);
        String target = Params.checkEnum("targetStorageClass", params.requiredString("targetStorageClass"),
                List.of("STANDARD", "ARCHIVE"));
        RepositoryImages.Image image = find(repository, imageId).orElseThrow(() ->
                EcrError.imageNotFound(imageId.digest, imageId.tag, repository.name(), accountId));
        if (target.equals("ARCHIVE")) {
            repository.archive(image.digest(), clock.instant());
        } else {
            repository.restore(image.digest());
        }
        ObjectNode response = EcrJson.object().put("registryId", accountId).put("repositoryName", repository.name());
        response.set("imageId", EcrJson.imageId(image.digest(), imageId.tag));
        response.put("imageStatus", target.equals("ARCHIVE") ? "ARCHIVED" : "ACTIVE");
        return response;
    }

    private ObjectNode image(Repository repository, RegistryManifest manifest, String tag) {
        ObjectNode image = EcrJson.object()
                .put("registryId", accountId)
                .put("repositoryName", repository.name());
        image.set("imageId", EcrJson.imageId(manifest.digest(), tag));
        image.put("imageManifest", new String(manifest.bytes(), StandardCharsets.UTF_8));
        image.put("imageManifestMediaType", manifest.mediaType());
        return image;
    }

    private EcrError translate(RegistryClient.RegistryException e, Repository repository) {
        JsonNode errors = registry.parse(e.body.getBytes(StandardCharsets.UTF_8)).path("errors");
        List<String> missingBlobs = new ArrayList<>();
        for (JsonNode error : errors) {
            if (error.path("code").asText().equals("MANIFEST_BLOB_UNKNOWN")) {
                missingBlobs.add(error.path("detail").asText());
            }
        }
        if (!missingBlobs.isEmpty()) {
            return new EcrError("LayersNotFoundException", "Layers with digests '" + missingBlobs + "' required for "
                    + "pushing image into repository with name '" + repository.name() + "' in the registry with id '"
                    + accountId + "' do not exist");
        }
        if (e.status == 400) {
            return EcrError.invalidParameter("imageManifest", "Invalid manifest: " + errors);
        }
        return EcrError.server("The registry behind the stand-in failed: HTTP " + e.status);
    }

    /**
     * ECR takes the manifest formats it supports, and a media type the manifest itself contradicts is refused (the
     * wording is the stand-in's own).
     */
    private static void checkMediaType(String mediaType, byte[] manifest) {
        if (!MANIFEST_TYPES.contains(mediaType)) {
            throw EcrError.invalidParameter("imageManifestMediaType", "Unsupported manifest media type '"
                    + mediaType + "'");
        }
        JsonNode declared = EcrJson.MAPPER.createObjectNode();
        try {
            declared = EcrJson.MAPPER.readTree(manifest).path("mediaType");
        } catch (Exception e) {
            throw EcrError.invalidParameter("imageManifest", "Invalid JSON syntax");
        }
        if (declared.isTextual() && !declared.asText().equals(mediaType)) {
            throw EcrError.invalidParameter("imageManifestMediaType", "The media type '" + mediaType
                    + "' does not match the manifest's mediaType '" + declared.asText() + "'");
        }
    }

    /**
     * ECR refuses an index (a manifest list) that names a manifest the repository does not hold, with
     * ReferencedImagesNotFoundException (its API reference: "The manifest list is referencing an image that does
     * not exist."); an archived image cannot be referenced either.
     */
    private void checkReferencedImages(Repository repository, byte[] index) {
        List<String> missing = new ArrayList<>();
        for (JsonNode entry : registry.parse(index).path("manifests")) {
            String digest = entry.path("digest").asText();
            if (find(repository, new ImageId(digest, null)).isEmpty() || repository.isArchived(digest)) {
                missing.add(digest);
            }
        }
        if (!missing.isEmpty()) {
            throw new EcrError("ReferencedImagesNotFoundException", "The manifest list is referencing an image that"
                    + " does not exist: " + missing);
        }
    }

    private static String mediaTypeOf(byte[] manifest) {
        JsonNode node = EcrJson.MAPPER.createObjectNode();
        try {
            node = EcrJson.MAPPER.readTree(manifest);
        } catch (Exception e) {
            throw EcrError.invalidParameter("imageManifest", "Invalid JSON syntax");
        }
        if (node.path("mediaType").isTextual()) {
            return node.path("mediaType").asText();
        }
        return node.has("manifests") ? "application/vnd.oci.image.index.v1+json"
                : "application/vnd.oci.image.manifest.v1+json";
    }

    private Optional<RepositoryImages.Image> find(Repository repository, ImageId id) {
        return images.find(repository, id.digest, id.tag);
    }

    private EcrError alreadyExists(String image, Repository repository) {
        return new EcrError("ImageAlreadyExistsException", image + " already exists in the repository with name '"
                + repository.name() + "' in the registry with id '" + accountId + "'");
    }

    /** A BatchGetImage or BatchDeleteImage failure for an image the repository does not hold. */
    private static ObjectNode imageNotFound(ImageId id) {
        return EcrJson.object().<ObjectNode>set("imageId", EcrJson.imageId(id.digest, id.tag))
                .put("failureCode", "ImageNotFound").put("failureReason", "Requested image not found");
    }

    /** An {@code imageId} member: a digest, a tag, or both. */
    private record ImageId(String digest, String tag) {
        static ImageId of(Params params) {
            String digest = params.string("imageDigest").orElse(null);
            String tag = params.string("imageTag").orElse(null);
            if (digest == null && tag == null) {
                throw new EcrError("InvalidParameterException",
                        "Invalid parameter at 'imageIds' failed to satisfy constraint: 'imageDigest or imageTag must be specified'");
            }
            if (digest != null && !Params.DIGEST.matcher(digest).matches()) {
                throw EcrError.invalidParameter("imageIds.member.imageDigest",
                        "must satisfy regular expression '" + Params.DIGEST.pattern() + "'");
            }
            return new ImageId(digest, tag);
        }
    }
}
