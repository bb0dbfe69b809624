package org.ecrpushpipe.docker;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.ecrpushpipe.config.BuildArg;
import org.ecrpushpipe.config.BuildSecret;
import org.ecrpushpipe.context.BuildContext;

/**
 * What to build: a build context (its files, as docker build would send them, and the Dockerfile inside it), the
 * build's options, and the registry cache.
 *
 * @param context   the build context
 * @param buildArgs {@code --build-arg}s; one without a value is sent as docker sends a bare {@code KEY} whose
 *                  variable is unset (the Dockerfile's default applies)
 * @param target    {@code --target}
 * @param labels    {@code --label}s, in order
 * @param noCache   {@code --no-cache}
 * @param pull      {@code --pull}
 * @param network   {@code --network}: {@code default} (the engine's), {@code host} or {@code none}
 * @param cache     images to take unchanged steps from, and the stage to stop at for a stage's cache image (it
 *                  stands over {@code target}); {@link BuildCache#NONE}: neither
 * @param access    the images the Dockerfile pulls and the logins to pull them with
 * @param secrets   {@code --secret}s: what the build's {@code RUN --mount=type=secret} steps may read, never
 *                  part of the image
 */
public record BuildRequest(BuildContext context, List<BuildArg> buildArgs, Optional<String> target,
                           Map<String, String> labels, boolean noCache, boolean pull, String network,
                           BuildCache cache, PullAccess access, List<BuildSecret> secrets) {
    public BuildRequest {
        buildArgs = List.copyOf(buildArgs);
        secrets = List.copyOf(secrets);
        labels = Collections.unmodifiableMap(new LinkedHashMap<>(labels));
    }

    /** The network of a test bed's engine, which has no bridge: the host's. */
    public static final String HOST_NETWORK = "host";

    /** A build without secrets. */
    public BuildRequest(BuildContext context, List<BuildArg> buildArgs, Optional<String> target,
                        Map<String, String> labels, boolean noCache, boolean pull, String network, BuildCache cache,
                        PullAccess access) {
        this(context, buildArgs, target, labels, noCache, pull, network, cache, access, List.of());
    }

    /** A build of {@code context} with no option set, on the host's network. */
    public BuildRequest(BuildContext context) {
        this(context, List.of(), Optional.empty(), Map.of(), false, false, HOST_NETWORK, BuildCache.NONE,
                PullAccess.NONE);
    }

    /** The same build with another cache (a stage's cache image: the same arguments, so its steps match). */
    public BuildRequest withCache(BuildCache other) {
        return new BuildRequest(context, buildArgs, target, labels, noCache, pull, network, other, access, secrets);
    }

    /** The stage the build stops at: a stage's cache image, else TARGET. */
    public Optional<String> stage() {
        return cache.stage().or(() -> target);
    }
}
