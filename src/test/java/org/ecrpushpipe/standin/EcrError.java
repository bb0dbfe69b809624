package org.ecrpushpipe.standin;

/**
 * An ECR API error as it goes on the wire: {@code {"__type":code,"message":message}} with this HTTP status
 * (400, or 500 for {@code ServerException}). The messages are real ECR's.
 */
final class EcrError extends RuntimeException {
    private final String code;
    private final int status;

    EcrError(String code, String message) {
        this(code, message, 400);
    }

    EcrError(String code, String message, int status) {
        super(message, null, false, false);
        this.code = code;
        this.status = status;
    }

    String code() {
        return code;
    }

    int status() {
        return status;
    }

    static EcrError invalidParameter(String field, String constraint) {
        return new EcrError("InvalidParameterException",
                "Invalid parameter at '" + field + "' failed to satisfy constraint: '" + constraint + "'");
    }

    static EcrError repositoryNotFound(String name, String registryId) {
        return new EcrError("RepositoryNotFoundException",
                "The repository with name '" + name + "' does not exist in the registry with id '" + registryId + "'");
    }

    static EcrError repositoryAlreadyExists(String name, String registryId) {
        return new EcrError("RepositoryAlreadyExistsException",
                "The repository with name '" + name + "' already exists in the registry with id '" + registryId + "'");
    }

    static EcrError imageNotFound(String digest, String tag, String repository, String registryId) {
        return new EcrError("ImageNotFoundException", "The image with imageId {imageDigest:'" + digest
                + "', imageTag:'" + tag + "'} does not exist within the repository with name '" + repository
                + "' in the registry with id '" + registryId + "'");
    }

    static EcrError tagAlreadyExists(String tag, String repository) {
        return new EcrError("ImageTagAlreadyExistsException", immutableTagMessage(tag, repository));
    }

    static String immutableTagMessage(String tag, String repository) {
        return "The image tag '" + tag + "' already exists in the '" + repository
                + "' repository and cannot be overwritten because the repository is immutable.";
    }

    static EcrError server(String message) {
        return new EcrError("ServerException", message, 500);
    }
}
