package org.ecrpushpipe.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What to build with, or which image to push instead of building: BUILD_ARGS, TARGET, LABELS, NO_CACHE, PULL,
 * LOCAL_IMAGE, and the commit the step runs for (Bitbucket's variables), for the image's OCI labels.
 *
 * @param localImage an image already in the engine to push without building (LOCAL_IMAGE)
 * @param buildArgs  build arguments, in the order given (a later one of the same name wins, as in docker)
 * @param target     the Dockerfile stage to build
 * @param labels     the user's labels, in the order given
 * @param noCache    build without the engine's layer cache
 * @param pull       pull newer versions of the base images
 * @param commit     the commit the step runs for
 * @param builder    the engine's builder to use (BUILDER)
 * @param network    the network of the build's RUN steps (BUILD_NETWORK): default, host or none
 * @param secrets    the build's secrets (BUILD_SECRETS), in the order given
 */
public record BuildSettings(Optional<String> localImage, List<BuildArg> buildArgs, Optional<String> target,
                            Map<String, String> labels, boolean noCache, boolean pull, Commit commit,
                            Builder builder, String network, List<BuildSecret> secrets) {
    /** The values of BUILD_NETWORK, as {@code docker build --network} takes them. */
    public static final List<String> NETWORKS = List.of("default", "host", "none");

    /** No option set, no commit known: a plain build on the engine's default network. */
    public static final BuildSettings NONE = new BuildSettings(Optional.empty(), List.of(), Optional.empty(),
            Map.of(), false, false, Commit.NONE);

    /** The values of BUILDER. */
    public enum Builder {
        /** BuildKit when the engine has it, else the classic builder. */
        AUTO,
        BUILDKIT,
        CLASSIC
    }

    /** Settings with the default builder and network. */
    public BuildSettings(Optional<String> localImage, List<BuildArg> buildArgs, Optional<String> target,
                         Map<String, String> labels, boolean noCache, boolean pull, Commit commit) {
        this(localImage, buildArgs, target, labels, noCache, pull, commit, Builder.AUTO, NETWORKS.get(0));
    }

    /** Settings without build secrets. */
    public BuildSettings(Optional<String> localImage, List<BuildArg> buildArgs, Optional<String> target,
                         Map<String, String> labels, boolean noCache, boolean pull, Commit commit,
                         Builder builder, String network) {
        this(localImage, buildArgs, target, labels, noCache, pull, commit, builder, network, List.of());
    }

    public BuildSettings {
        buildArgs = List.copyOf(buildArgs);
        secrets = List.copyOf(secrets);
        labels = Collections.unmodifiableMap(new LinkedHashMap<>(labels));
    }

    /**
     * The commit a Bitbucket step runs for.
     *
     * @param revision  BITBUCKET_COMMIT
     * @param source    BITBUCKET_GIT_HTTP_ORIGIN
     * @param refName   BITBUCKET_TAG, else BITBUCKET_BRANCH
     */
    public record Commit(Optional<String> revision, Optional<String> source, Optional<String> refName) {
        public static final Commit NONE = new Commit(Optional.empty(), Optional.empty(), Optional.empty());
    }
}
