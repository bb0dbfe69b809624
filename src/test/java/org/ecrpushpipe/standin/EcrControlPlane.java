package org.ecrpushpipe.standin;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Dispatches an ECR operation by name, and answers GetAuthorizationToken itself. */
final class EcrControlPlane {
    static final String TARGET_PREFIX = "AmazonEC2ContainerRegistry_V20150921.";

    private final RepositoryOperations repositories;
    private final ImageOperations images;
    private final AuthorizationTokens tokens;
    private final String proxyEndpoint;
    private final CreationTemplates templates;
    private final Denials denials;

    EcrControlPlane(RepositoryOperations repositories, ImageOperations images, AuthorizationTokens tokens,
                    String proxyEndpoint, CreationTemplates templates, Denials denials) {
        this.templates = templates;
        this.denials = denials;
        this.repositories = repositories;
        this.images = images;
        this.tokens = tokens;
        this.proxyEndpoint = proxyEndpoint;
    }

    /** @param principalArn the caller, whose IAM policy may deny the operation ({@link Denials}) */
    ObjectNode handle(String operation, Params params, String principalArn) {
        denials.check(operation, principalArn);
        return switch (operation) {
            case "GetAuthorizationToken" -> getAuthorizationToken(params);
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
            default -> throw new EcrError("UnknownOperationException",
                    "The ECR stand-in does not implement the operation " + operation);
        };
    }

    private ObjectNode getAuthorizationToken(Params params) {
        params.list("registryIds", 0, 10);
        AuthorizationTokens.Issued issued = tokens.issue();
        String token = Base64.getEncoder()
                .encodeToString(("AWS:" + issued.password()).getBytes(StandardCharsets.UTF_8));
        ObjectNode response = EcrJson.object();
        ObjectNode data = response.putArray("authorizationData").addObject().put("authorizationToken", token);
        data.set("expiresAt", EcrJson.timestamp(issued.expiresAt()));
        data.put("proxyEndpoint", proxyEndpoint);
        return response;
    }
}
