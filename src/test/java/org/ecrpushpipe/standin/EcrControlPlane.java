package org.ecrpushpipe.standin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/** Dispatches an ECR operation by name, and answers GetAuthorizationToken itself. */
final class EcrControlPlane {
    static final String TARGET_PREFIX = "AmazonEC2ContainerRegistry_V20150921.";

    private final RepositoryOperations repositories;
    private final ImageOperations images;
    private final AuthorizationTokens tokens;
    private final String proxyEndpoint;
    private final CreationTemplates templates;
    private final Denials denials;
    private final String accountId;
    private final String region;
    private final ImageScanning scanning;

    EcrControlPlane(RepositoryOperations repositories, ImageOperations images, AuthorizationTokens tokens,
                    String proxyEndpoint, CreationTemplates templates, Denials denials, String accountId,
                    String region, ImageScanning scanning) {
        this.accountId = accountId;
        this.region = region;
        this.scanning = scanning;
        this.templates = templates;
        this.denials = denials;
        this.repositories = repositories;
        this.images = images;
        this.tokens = tokens;
        this.proxyEndpoint = proxyEndpoint;
    }

    /**
     * @param principalArn the caller, whose IAM policy may deny the operation ({@link Denials})
     * @param apiHost      the API host name the call was sent to (its {@code Host} header, without a port)
     */
    ObjectNode handle(String operation, Params params, String principalArn, String apiHost) {
        denials.check(operation, principalArn);
        return switch (operation) {
            case "GetAuthorizationToken" -> getAuthorizationToken(params, principalArn, apiHost);
            case "CreateRepository" -> repositories.createRepository(params);
            case "DescribeRepositories" -> repositories.describeRepositories(params);
            case "PutLifecyclePolicy" -> repositories.putLifecyclePolicy(params);
            case "GetLifecyclePolicy" -> repositories.getLifecyclePolicy(params);
            case "PutImageTagMutability" -> repositories.putImageTagMutability(params);
            case "TagResource" -> repositories.tagResource(params);
            case "ListTagsForResource" -> repositories.listTagsForResource(params);
            case "DescribeImages" -> images.describeImages(params);
            case "BatchGetImage" -> images.batchGetImage(params);
            case "GetDownloadUrlForLayer" -> images.getDownloadUrlForLayer(params);
            case "PutImage" -> images.putImage(params);
            case "BatchDeleteImage" -> images.batchDeleteImage(params);
            case "UpdateImageStorageClass" -> images.updateImageStorageClass(params);
            case "DescribeRepositoryCreationTemplates" -> templates.describe(params);
            case "StartImageScan" -> scanning.startImageScan(params);
            case "DescribeImageScanFindings" -> scanning.describeImageScanFindings(params);
            case "PutImageScanningConfiguration" -> scanning.putImageScanningConfiguration(params);
            default -> throw new EcrError("UnknownOperationException",
                    "The ECR stand-in does not implement the operation " + operation);
        };
    }

    /**
     * One authorization per registry asked for ({@code registryIds}, else the caller's own, this one), each with the
     * proxyEndpoint of that registry, as ECR answers; the password is the same for all (it opens every registry the
     * caller may use). The proxyEndpoint names the registry in the API endpoint's variant: reached at its FIPS
     * endpoint ({@code api.ecr-fips.…}), ECR names the FIPS registry host ({@code <account>.dkr.ecr-fips.…}), as
     * docker logins through AWS_USE_FIPS_ENDPOINT expect; at its dual-stack endpoint ({@code ecr.<region>.api.aws}),
     * the dual-stack host ({@code <account>.dkr-ecr.<region>.on.aws}). Reached at another name (an endpoint
     * override on loopback), its own registry's proxyEndpoint is the one configured.
     */
    private ObjectNode getAuthorizationToken(Params params, String principalArn, String apiHost) {
        List<String> registries = new ArrayList<>();
        for (JsonNode id : params.list("registryIds", 0, 10)) {
            registries.add(id.asText());
        }
        if (registries.isEmpty()) {
            registries.add(accountId);
        }
        AuthorizationTokens.Issued issued = tokens.issue(principalArn);
        String token = Base64.getEncoder()
                .encodeToString(("AWS:" + issued.password()).getBytes(StandardCharsets.UTF_8));
        ObjectNode response = EcrJson.object();
        ArrayNode authorizations = response.putArray("authorizationData");
        for (String registry : registries) {
            ObjectNode data = authorizations.addObject().put("authorizationToken", token);
            data.set("expiresAt", EcrJson.timestamp(issued.expiresAt()));
            data.put("proxyEndpoint", proxyEndpoint(registry, apiHost));
        }
        return response;
    }

    private String proxyEndpoint(String registry, String apiHost) {
        String host = apiHost.toLowerCase(Locale.ROOT);
        boolean fips = host.startsWith("api.ecr-fips.") || host.startsWith("ecr-fips.");
        boolean dualStack = host.endsWith(".api.aws");
        boolean awsName = host.startsWith("api.ecr.") || host.startsWith("ecr.") || fips;
        if (!awsName && registry.equals(accountId)) {
            return proxyEndpoint;
        }
        if (fips) {
            return "https://" + registry + ".dkr.ecr-fips." + region + ".amazonaws.com";
        }
        if (dualStack) {
            return "https://" + registry + ".dkr-ecr." + region + ".on.aws";
        }
        return "https://" + EcrStandIn.ecrRegistryHost(registry, region);
    }
}
