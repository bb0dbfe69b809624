package org.ecrpushpipe.standin;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * ECR's image scanning: StartImageScan, DescribeImageScanFindings and PutImageScanningConfiguration, and the scan a
 * repository that scans on push starts for every new image. A scan runs for the {@link ScanResult} the test set for
 * its repository (a clean basic scan by default) and then ends as that result says. As ECR, one basic scan of an
 * image per 24 hours, the scan on push included: another StartImageScan within a day is LimitExceededException.
 */
final class ImageScanning {
    /** ECR's limit: one basic scan of an image per 24 hours (StartImageScan's documentation). */
    static final Duration SCAN_QUOTA_PERIOD = Duration.ofHours(24);
    private static final List<String> INDEX_TYPES = List.of("application/vnd.docker.distribution.manifest.list.v2+json",
            "application/vnd.oci.image.index.v1+json");
    private static final List<String> SEVERITY_ORDER = List.of("CRITICAL", "HIGH", "MEDIUM", "LOW", "INFORMATIONAL",
            "UNDEFINED", "UNTRIAGED");

    /** One scan of one image, with the result it comes to. */
    private record Scan(Instant startedAt, ScanResult result) {
    }

    private final RepositoryCatalog catalog;
    private final RepositoryImages images;
    private final String accountId;
    private final String region;
    private final Clock clock;
    /** What a scan in each repository comes to, as set by tests. */
    private final Map<String, ScanResult> results = new ConcurrentHashMap<>();
    /** Repository name → manifest digest → its scan. */
    private final Map<String, Map<String, Scan>> scans = new ConcurrentHashMap<>();

    ImageScanning(RepositoryCatalog catalog, RepositoryImages images, String accountId, String region, Clock clock) {
        this.catalog = catalog;
        this.images = images;
        this.accountId = accountId;
        this.region = region;
        this.clock = clock;
    }

    /** What scans of images of {@code repository} come to from now on (scans already started keep theirs). */
    void result(String repository, ScanResult result) {
        results.put(repository, result);
    }

    /** A manifest was pushed: a repository that scans on push scans a new image. */
    void pushed(Repository repository, String digest) {
        if (repository.scanOnPush()) {
            scansOf(repository).putIfAbsent(digest, new Scan(clock.instant(), resultFor(repository)));
        }
    }

    /** How many scans the stand-in has started in {@code repository}, on push and on request. */
    int scanCount(String repository) {
        return scans.getOrDefault(repository, Map.of()).size();
    }

    ObjectNode startImageScan(Params params) {
        Repository repository = catalog.require(params.repositoryName());
        RepositoryImages.Image image = image(repository, params);
        if (INDEX_TYPES.contains(image.manifest().mediaType())) {
            throw new EcrError("UnsupportedImageTypeException", "The image is of a type that cannot be scanned.");
        }
        Instant now = clock.instant();
        synchronized (this) {
            Scan earlier = scansOf(repository).get(image.digest());
            if (earlier != null && earlier.startedAt().plus(SCAN_QUOTA_PERIOD).isAfter(now)) {
                throw new EcrError("LimitExceededException",
                        "The scan quota per image has been exceeded. Wait and try again.");
            }
            scansOf(repository).put(image.digest(), new Scan(now, resultFor(repository)));
        }
        ObjectNode response = answer(repository, image.digest(), params);
        response.putObject("imageScanStatus").put("status", "IN_PROGRESS");
        return response;
    }

    ObjectNode describeImageScanFindings(Params params) {
        Repository repository = catalog.require(params.repositoryName());
        RepositoryImages.Image image = image(repository, params);
        int maxResults = params.integer("maxResults", 1, 1000).orElse(100);
        Scan scan = scansOf(repository).get(image.digest());
        if (scan == null) {
            Params id = params.object("imageId");
            throw new EcrError("ScanNotFoundException", "Image scan does not exist for the image with '{imageDigest:'"
                    + id.string("imageDigest").orElse("null") + "', imageTag:'" + id.string("imageTag").orElse("null")
                    + "'}' in the repository with name '" + repository.name() + "' in the registry with id '"
                    + accountId + "'");
        }
        ObjectNode response = answer(repository, image.digest(), params);
        ScanResult result = scan.result();
        Duration runs = result.duration();
        boolean over = runs != null && !scan.startedAt().plus(runs).isAfter(clock.instant());
        ObjectNode status = response.putObject("imageScanStatus");
        if (!over) {
            status.put("status", result.runningStatus());
            return response;
        }
        status.put("status", result.endStatus()).put("description", result.description());
        if (result.hasFindings()) {
            findings(response.putObject("imageScanFindings"), scan, image, repository, params, maxResults, response);
        }
        return response;
    }

    /** PutImageScanningConfiguration: whether the repository scans each image pushed. */
    ObjectNode putImageScanningConfiguration(Params params) {
        Repository repository = catalog.require(params.repositoryName());
        Params configuration = params.object("imageScanningConfiguration");
        if (configuration == null) {
            throw EcrError.invalidParameter("imageScanningConfiguration", "Member must not be null");
        }
        repository.scanOnPush(configuration.bool("scanOnPush").orElse(false));
        ObjectNode response = EcrJson.object().put("registryId", accountId).put("repositoryName", repository.name());
        response.putObject("imageScanningConfiguration").put("scanOnPush", repository.scanOnPush());
        return response;
    }

    /** The counts per severity (only those found, as ECR gives them), then one page of the findings. */
    private void findings(ObjectNode node, Scan scan, RepositoryImages.Image image, Repository repository,
                          Params params, int maxResults, ObjectNode response) {
        Instant completed = scan.startedAt().plus(scan.result().duration());
        node.set("imageScanCompletedAt", EcrJson.timestamp(completed));
        node.set("vulnerabilitySourceUpdatedAt", EcrJson.timestamp(completed.minus(Duration.ofHours(3))));
        Map<String, Integer> counts = new LinkedHashMap<>();
        List<ScanResult.Finding> all = scan.result().findings().stream()
                .sorted(Comparator.comparing(f -> SEVERITY_ORDER.indexOf(f.severity()))).toList();
        all.forEach(f -> counts.merge(f.severity(), 1, Integer::sum));
        ObjectNode countNode = node.putObject("findingSeverityCounts");
        counts.forEach(countNode::put);
        boolean enhanced = scan.result().kind() == ScanResult.Kind.ENHANCED;
        ArrayNode list = node.putArray(enhanced ? "enhancedFindings" : "findings");
        for (ScanResult.Finding f : Pagination.page(params, all, maxResults, response)) {
            list.add(enhanced ? enhanced(f, image, repository, completed) : basic(f));
        }
    }

    /** A basic finding: its name, severity and attributes, as ECR's basic scanning writes them. */
    private static ObjectNode basic(ScanResult.Finding f) {
        ObjectNode finding = EcrJson.object().put("name", f.id())
                .put("description", "A vulnerability in " + f.packageName() + " (set by the test).")
                .put("uri", "https://security-tracker.debian.org/tracker/" + f.id())
                .put("severity", f.severity());
        ArrayNode attributes = finding.putArray("attributes");
        attributes.addObject().put("key", "package_version").put("value", f.installedVersion());
        attributes.addObject().put("key", "package_name").put("value", f.packageName());
        return finding;
    }

    /** An enhanced finding, in Amazon Inspector's shape (packageVulnerabilityDetails, resources, …). */
    private ObjectNode enhanced(ScanResult.Finding f, RepositoryImages.Image image, Repository repository,
                                Instant at) {
        ObjectNode finding = EcrJson.object().put("awsAccountId", accountId)
                .put("description", "A vulnerability in " + f.packageName() + " (set by the test).")
                .put("findingArn", "arn:aws:inspector2:" + region + ":" + accountId + ":finding/"
                        + Integer.toHexString((image.digest() + f.id()).hashCode()));
        finding.set("firstObservedAt", EcrJson.timestamp(at));
        finding.set("lastObservedAt", EcrJson.timestamp(at));
        ObjectNode details = finding.putObject("packageVulnerabilityDetails").put("source", "NVD")
                .put("sourceUrl", "https://nvd.nist.gov/vuln/detail/" + f.id()).put("vendorSeverity", f.severity())
                .put("vulnerabilityId", f.id());
        details.putArray("referenceUrls");
        details.putArray("vulnerablePackages").addObject().put("name", f.packageName())
                .put("version", f.installedVersion()).put("packageManager", "OS").put("arch", "X86_64")
                .put("sourceLayerHash", image.digest())
                .put("fixedInVersion", f.fixedVersion() == null ? "NotAvailable" : f.fixedVersion());
        finding.putObject("remediation").putObject("recommendation").put("text", "None Provided");
        ObjectNode resource = finding.putArray("resources").addObject().put("id", "arn:aws:ecr:" + region + ":"
                + accountId + ":repository/" + repository.name() + "/" + image.digest().substring(7))
                .put("type", "AWS_ECR_CONTAINER_IMAGE");
        resource.putObject("details").putObject("awsEcrContainerImage").put("imageHash", image.digest())
                .put("registry", accountId).put("repositoryName", repository.name());
        finding.put("score", 7.5).put("severity", f.severity()).put("status", "ACTIVE")
                .put("title", f.id() + " - " + f.packageName()).put("type", "PACKAGE_VULNERABILITY")
                .put("fixAvailable", f.fixedVersion() == null ? "NO" : "YES").put("exploitAvailable", "NO");
        finding.set("updatedAt", EcrJson.timestamp(at));
        return finding;
    }

    /** The answer's common members: the registry, the repository and the image id as asked. */
    private ObjectNode answer(Repository repository, String digest, Params params) {
        ObjectNode response = EcrJson.object().put("registryId", accountId).put("repositoryName", repository.name());
        response.set("imageId", EcrJson.imageId(digest, params.object("imageId").string("imageTag").orElse(null)));
        return response;
    }

    /** The image the request's imageId names; ImageNotFoundException as ECR words it when there is none. */
    private RepositoryImages.Image image(Repository repository, Params params) {
        Params id = params.object("imageId");
        if (id == null) {
            throw EcrError.invalidParameter("imageId", "Member must not be null");
        }
        String digest = id.string("imageDigest").orElse(null);
        String tag = id.string("imageTag").orElse(null);
        if (digest == null && tag == null) {
            throw new EcrError("InvalidParameterException", "Invalid parameter at 'imageId' failed to satisfy"
                    + " constraint: 'imageDigest or imageTag must be specified'");
        }
        Optional<RepositoryImages.Image> image = images.find(repository, digest, tag);
        return image.orElseThrow(() -> EcrError.imageNotFound(digest, tag, repository.name(), accountId));
    }

    private Map<String, Scan> scansOf(Repository repository) {
        return scans.computeIfAbsent(repository.name(), r -> new ConcurrentHashMap<>());
    }

    private ScanResult resultFor(Repository repository) {
        return results.getOrDefault(repository.name(), ScanResult.clean());
    }
}
