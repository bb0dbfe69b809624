package org.ecrpushpipe.docker;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.ecrpushpipe.config.BuildArg;
import org.ecrpushpipe.context.BuildContext;

/**
 * What to build: a build context (its files, as docker build would send them, and the Dockerfile inside it), and
 * the build's options. Always built with the classic builder (no BuildKit, no buildx, no --platform, nothing
 * privileged), which Bitbucket's docker service allows, and with host networking.
 *
 * @param context   the build context
 * @param buildArgs {@code --build-arg}s; one without a value is sent as docker sends a bare {@code KEY} whose
 *                  variable is unset (the Dockerfile's default applies)
 * @param target    {@code --target}
 * @param labels    {@code --label}s, in order
 * @param noCache   {@code --no-cache}
 * @param pull      {@code --pull}
 */
public record BuildRequest(BuildContext context, List<BuildArg> buildArgs, Optional<String> target,
                           Map<String, String> labels, boolean noCache, boolean pull) {
    public BuildRequest {
        buildArgs = List.copyOf(buildArgs);
        labels = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(labels));
    }

    /** A build of {@code context} with no option set. */
    public BuildRequest(BuildContext context) {
        this(context, List.of(), Optional.empty(), Map.of(), false, false);
    }
}
