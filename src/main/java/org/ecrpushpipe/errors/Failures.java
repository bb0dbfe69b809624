package org.ecrpushpipe.errors;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Every failure the pipe reports, worded once: the sentence that says what went wrong and the hint that says what
 * to do, with the exit code of its class (as Jib's {@code HelpfulSuggestions} owns its "…, perhaps you should …"
 * lines). Adapters classify what their library said and pick the failure here; the use case decides on the
 * classification and picks the failure here; nothing else writes a user-facing failure sentence (configuration
 * problems are worded per variable by the configuration reader).
 */
public final class Failures {
    private static final String DEBUG_HINT = "rerun with DEBUG=true for details";
    private static final String NEW_TAG_HINT =
            "give this build a new tag (e.g. the commit), or make the repository's tags mutable";
    private static final String MEMORY_HINT = "raise the docker service's memory (definitions.services.docker.memory"
            + " in bitbucket-pipelines.yml; the step's size: 2x gives it more)";

    private Failures() {
    }

    // ---- the Docker engine -------------------------------------------------------------------------------------

    /** How the engine could not be reached, as far as the failure says. */
    public sealed interface EngineAccess {
        /** The engine's host name does not resolve. */
        record UnknownHost(String host) implements EngineAccess {
        }

        /** The socket exists, but the pipe's user may not use it. */
        record SocketDenied(String path, Optional<Integer> group) implements EngineAccess {
        }

        /** There is no socket at the path. */
        record NoSocket(String path) implements EngineAccess {
        }

        /** Anything else: refused, timed out. */
        record Other() implements EngineAccess {
        }
    }

    public static PipeException engineUnreachable(String address, String detail, EngineAccess access, Throwable origin) {
        String hint;
        if (access instanceof EngineAccess.UnknownHost h) {
            hint = "in Bitbucket, add 'services: [docker]' to the step; by hand, " + h.host() + " must resolve"
                    + " inside the pipe's container: add --add-host " + h.host() + ":host-gateway, or use --network"
                    + " host with DOCKER_HOST=tcp://127.0.0.1:<port>, or mount the socket"
                    + " (-v /var/run/docker.sock:/var/run/docker.sock)";
        } else if (access instanceof EngineAccess.SocketDenied s) {
            hint = "the pipe's user may not use " + s.path() + ": run it as root (Bitbucket runs pipes as root), or"
                    + " give it the socket's group (docker run --group-add "
                    + s.group().map(String::valueOf).orElse("<the socket's group id>") + ")";
        } else if (access instanceof EngineAccess.NoSocket n) {
            hint = "no engine socket at " + n.path() + ": in Bitbucket, add 'services: [docker]' to the step; by"
                    + " hand, mount it (-v /var/run/docker.sock:/var/run/docker.sock) or set DOCKER_HOST";
        } else {
            hint = "in Bitbucket, add 'services: [docker]' to the step; elsewhere, set DOCKER_HOST to a running engine";
        }
        return new PipeException.DockerEngine("Cannot reach the Docker engine at " + address + ": " + detail, hint,
                origin);
    }

    /** The engine went away, or failed, while it was building. */
    public static PipeException engineFailedDuringBuild(String address, String detail, Throwable origin) {
        return new PipeException.DockerEngine("The Docker engine at " + address + " stopped answering during the"
                + " build: " + detail,
                "the docker service may have run out of memory or been stopped: " + MEMORY_HINT
                        + ", and run the step again", origin);
    }

    /** The engine answered the build request with a server error before building. */
    public static PipeException engineRefusedBuild(String address, String detail) {
        return new PipeException.DockerEngine("The Docker engine at " + address + " refused the build: " + detail,
                DEBUG_HINT, null);
    }

    /** Something answers at the address, but not as a Docker engine does. */
    public static PipeException notAnEngine(String address, String detail) {
        return new PipeException.DockerEngine("The address " + address + " is not a Docker engine: " + detail + ".", "check DOCKER_HOST: it must name the Docker engine (in Bitbucket, the step's docker service,"
                + " tcp://host.docker.internal:2375)", null);
    }

    public static PipeException engineNamedNoImage(String address) {
        return new PipeException.DockerEngine("The Docker engine at " + address
                + " ended the build without naming the image it built.",
                "check that DOCKER_HOST is a Docker engine (API 1.30 or later)", null);
    }

    public static PipeException engineCouldNotTag(String reference, String detail, Throwable origin) {
        return new PipeException.DockerEngine("The Docker engine could not tag " + reference + ": " + detail,
                DEBUG_HINT, origin);
    }

    // ---- the build ---------------------------------------------------------------------------------------------

    /**
     * A build that failed, as the builder classified it: a step's command that failed or was killed shows that
     * step's last lines; anything else names the step, when known.
     *
     * @param step the build's step that failed as the builder names it ({@code Step 2/5 : RUN make}), if known
     */
    public static PipeException buildFailed(BuildProblem problem, String detail, Optional<String> step,
                                            List<String> lastLines) {
        return problem == BuildProblem.STEP_FAILED || problem == BuildProblem.STEP_KILLED
                ? stepFailed(problem, detail, step, lastLines, null)
                : buildFailedAt(problem, detail, step, null);
    }

    /** A build that failed, naming the step it failed at, when known. */
    private static PipeException buildFailedAt(BuildProblem problem, String detail, Optional<String> step,
                                               Throwable origin) {
        PipeException failure = buildFailed(problem, detail, origin);
        return step.<PipeException>map(s -> new PipeException.Build("The image build failed at " + s + ": " + detail,
                failure.hint(), origin)).orElse(failure);
    }

    public static PipeException buildFailed(BuildProblem problem, String detail, Throwable origin) {
        String hint = switch (problem) {
            case DOCKERFILE -> "fix the Dockerfile (DOCKERFILE) so that docker build accepts it";
            case BASE_IMAGE -> "check the FROM lines: the image must exist, and a private one must be in a"
                    + " registry the pipe logs in to (IMAGE's, the ECR registries of its partition, REGISTRY_USERNAME's)";
            case STEP_FAILED -> "fix the Dockerfile step shown in the build output above";
            case STEP_KILLED -> "the step was killed (exit code 137), most often because the docker service ran out"
                    + " of memory: " + MEMORY_HINT;
            case CONTEXT_FILE -> "the file must be in the build context (BUILD_CONTEXT) and not excluded by"
                    + " .dockerignore";
            case FRONTEND_TOO_OLD -> "this engine's own Dockerfile frontend is too old for that syntax: here-documents"
                    + " and COPY --link need Docker 23 or later (on Bitbucket, runtime v3 with a current docker"
                    + " service), or a '# syntax=docker/dockerfile:1' first line, with which BuildKit pulls a current"
                    + " frontend from Docker Hub; else rewrite those lines";
            case SESSION_NEEDED -> "RUN --mount=type=secret needs the build's secrets (BUILD_SECRETS), and"
                    + " --mount=type=ssh an SSH agent the pipe does not forward; give the secret, or remove the mount";
            case SECRET_MISSING -> "the step mounts a secret with required=true whose id BUILD_SECRETS does not"
                    + " give: add it (id=ID,env=VARIABLE or id=ID,src=FILE), or make the mount optional";
            case NETWORK_UNAVAILABLE -> "the Docker engine has no network of that kind for the build's steps (an"
                    + " engine started without a bridge network has no default one): set BUILD_NETWORK: host";
            case OTHER -> "see the build output above; " + DEBUG_HINT;
        };
        return new PipeException.Build("The image build failed: " + detail, hint, origin);
    }

    /**
     * An image the Dockerfile names could not be pulled: which registry it is in, and whether the run held a login
     * for it, decide what would give access.
     *
     * @param loggedIn whether the pull went with the run's login to {@code registryHost}
     */
    public static PipeException baseImageUnavailable(String image, String registryHost, boolean loggedIn,
                                                     RegistryKind kind, String detail, Optional<String> step) {
        String hint;
        if (loggedIn && kind == RegistryKind.ECR) {
            hint = "the run's login to " + registryHost + " did not give " + image + ": check that it exists there,"
                    + " and that the IAM policy allows ecr:BatchGetImage and ecr:GetDownloadUrlForLayer on its"
                    + " repository (the pipe's policy subcommand prints them)";
        } else if (loggedIn) {
            hint = "REGISTRY_USERNAME's login to " + registryHost + " did not give " + image + ": check that it"
                    + " exists and that the user may pull it";
        } else {
            hint = image + " is in " + registryHost + ", a registry the pipe holds no login for (it logs in to"
                    + " IMAGE's registry" + (kind == RegistryKind.ECR ? " and to the ECR registries of its AWS"
                    + " partition" : "") + "): check the name, make the image public there, or copy it into "
                    + (kind == RegistryKind.ECR ? "an ECR repository the step's AWS credentials can read"
                    : "IMAGE's registry");
        }
        return new PipeException.Build("The image build failed" + step.map(s -> " at " + s).orElse("")
                + ": could not pull " + image + " (" + detail + ")", hint, null);
    }

    /** BUILDER is buildkit, and the engine has no BuildKit builder. */
    public static PipeException engineLacksBuildKit(String engine) {
        return new PipeException.DockerEngine("BUILDER is buildkit, but the Docker engine (" + engine + ") has no"
                + " BuildKit builder.", "use a Linux engine of Docker 18.09 or later, or set BUILDER: auto (or"
                + " classic) to build with the classic builder", null);
    }

    /** The classic builder would build the Dockerfile, but it holds syntax only BuildKit knows. */
    public static PipeException needsBuildKit(List<String> syntax, boolean askedForClassic, boolean engineHasBuildKit,
                                              String engine) {
        String hint = askedForClassic && engineHasBuildKit
                ? "set BUILDER: auto (or buildkit): the engine has BuildKit, and BUILDER: classic keeps it out"
                : "this engine (" + engine + ") has no BuildKit builder: build on one that has (Docker 18.09 or"
                + " later on Linux), or rewrite those lines for the classic builder";
        return new PipeException.Build("The Dockerfile needs BuildKit (" + String.join(", ", syntax)
                + "), but the build would run on the classic builder; nothing was built.", hint, null);
    }

    /**
     * A {@code RUN --mount=type=secret} and no BUILD_SECRETS: the mount would find nothing (the docker CLI without
     * {@code --secret} skips it, and the step then fails on the missing file, or worse, goes on without it).
     */
    public static PipeException secretMountWithoutSecrets() {
        return new PipeException.Build("The Dockerfile has RUN --mount=type=secret, but BUILD_SECRETS gives the"
                + " build no secret; nothing was built.", "give what the mount's id names in BUILD_SECRETS (e.g."
                + " id=npm,env=NPM_TOKEN, or id=netrc,src=.netrc for a file in the clone), or remove the mount", null);
    }

    /**
     * A {@code RUN --mount=type=ssh}: the pipe forwards no SSH agent. Bitbucket's runtime v2 disables SSH mounts in
     * builds, and no agent reaches a pipe's container (Bitbucket mounts the step's key as a file); the key itself can
     * go in as a build secret on every runtime.
     */
    public static PipeException sshMountUnsupported() {
        return new PipeException.Build("The Dockerfile has RUN --mount=type=ssh, which needs an SSH agent forwarded"
                + " into the build; the pipe forwards none (Bitbucket's runtime v2 disables SSH mounts in builds, and"
                + " no agent reaches a pipe's container); nothing was built.", "mount the key as a build secret"
                + " instead: BUILD_SECRETS: 'id=ssh_key,env=SSH_KEY' and RUN --mount=type=secret,id=ssh_key with"
                + " GIT_SSH_COMMAND='ssh -i /run/secrets/ssh_key'; or fetch it in an earlier script line into the clone",
                null);
    }

    /**
     * BUILD_SECRETS on an engine without BuildKit (known once the engine answered the ping): a configuration
     * problem, found before anything is built.
     */
    public static PipeException secretsNeedBuildKit(String engine) {
        return new PipeException.Configuration(List.of(new PipeException.Configuration.Problem("BUILD_SECRETS",
                "build secrets need BuildKit, which the Docker engine (" + engine + ") does not have; build on a"
                        + " Linux engine of Docker 18.09 or later, or remove BUILD_SECRETS")));
    }

    /** The engine did not take the build session that BUILD_SECRETS needs. */
    public static PipeException engineRefusedSession(String address, String engine, String detail) {
        return new PipeException.DockerEngine("The Docker engine at " + address + " (" + engine + ") refused the"
                + " build session that build secrets need: " + detail,
                "build secrets need an engine that takes BuildKit sessions (Docker 18.09 or later on Linux, as"
                        + " Bitbucket's docker service is): check DOCKER_HOST, or remove BUILD_SECRETS", null);
    }

    // ---- logging in and the repository -------------------------------------------------------------------------

    public static PipeException keyUnknown(String detail, Throwable origin) {
        return new PipeException.Authentication("AWS does not recognise the access key: " + detail,
                "check AWS_KEY (AWS_ACCESS_KEY_ID): the key may be deleted or inactive; if AWS_SESSION_TOKEN is"
                        + " set, it must belong to this key (leave it empty for a long-lived key)", origin);
    }

    public static PipeException signatureMismatch(Throwable origin) {
        return new PipeException.Authentication(
                "AWS rejected the request signature: the secret key does not belong to the access key.",
                "check AWS_SECRET (AWS_SECRET_ACCESS_KEY); it must be the secret of AWS_KEY", origin);
    }

    public static PipeException sessionExpired(String detail, Throwable origin) {
        return new PipeException.Authentication("The AWS session credentials have expired: " + detail,
                "issue fresh temporary credentials (AWS_KEY, AWS_SECRET and AWS_SESSION_TOKEN together)", origin);
    }

    public static PipeException repositoryPolicyDenies(String action, String detail, Throwable origin) {
        return new PipeException.Authentication("The repository's policy does not allow " + action
                + " for this principal: " + detail,
                "cross-account access: assume a role of the repository's account (AWS_ROLE_ARN), or let the repository"
                        + " policy in that account allow " + action + " for this user or role", origin);
    }

    public static PipeException throttled(String action, String detail, Throwable origin) {
        return new PipeException.Push("ECR kept throttling " + action + " (" + detail + ").",
                "many jobs are calling ECR at once; run the step again in a minute", origin);
    }

    public static PipeException quotaFull(String detail, Throwable origin) {
        return new PipeException.Push("An ECR quota is full: " + detail,
                "add a lifecycle policy to expire old images, or ask AWS for a higher quota", origin);
    }

    public static PipeException kmsFailed(String detail, Throwable origin) {
        return new PipeException.Push("ECR could not use the repository's KMS key: " + detail,
                "allow this principal to use the repository's KMS key", origin);
    }

    public static PipeException ecrRefusedParameter(String action, String detail, Throwable origin) {
        return new PipeException.Push("ECR refused " + action + ": " + detail, refusedParameterHint(action), origin);
    }

    /** The endpoint answered without an AWS error code: it is not the ECR API. */
    public static PipeException notEcr(String action, int status, String detail, Optional<String> endpoint,
                                       Throwable origin) {
        return new PipeException.Push("The endpoint" + endpoint.map(e -> " " + e).orElse("") + " does not answer "
                + action + " as the ECR API does (HTTP " + status + ": " + detail + ").",
                endpoint.isPresent() ? "check AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_ECR: it must be the ECR API's address"
                        : "check AWS_REGION and the step's network (a proxy may be answering)", origin);
    }

    /** AWS refused the request's signature for its region (the credential scope names a region it does not serve). */
    public static PipeException regionRefused(String detail, Throwable origin) {
        return new PipeException.Authentication("AWS refused the request for its region: " + detail,
                "check AWS_REGION (AWS_DEFAULT_REGION): it must be the region of the repository and of the endpoint",
                origin);
    }

    public static PipeException ecrFailed(String action, String code, int status, String detail, Throwable origin) {
        return new PipeException.Push("ECR failed " + action + " (" + code + ", HTTP " + status + "): " + detail,
                status >= 500 ? "ECR had a server error; run the step again" : DEBUG_HINT, origin);
    }

    public static PipeException ecrUnreachable(String region, String detail, Optional<String> endpointOverride,
                                               Throwable origin) {
        return new PipeException.Push("Cannot reach the ECR API in " + region + ": " + detail,
                endpointOverride.map(e -> "check AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_ECR (" + e + ")")
                        .orElse("check AWS_REGION and the step's network access to AWS"), origin);
    }

    public static PipeException ecrCallFailed(String action, String detail, Throwable origin) {
        return new PipeException.Push("The ECR call " + action + " failed: " + detail,
                "run the step again; " + DEBUG_HINT, origin);
    }

    public static PipeException noAuthorizationData() {
        return new PipeException.Push("ECR returned no authorization data.",
                "run the step again; if it persists, check the ECR service health", null);
    }

    /** The token itself never goes into the message. */
    public static PipeException unknownAuthorizationForm() {
        return new PipeException.Push("ECR returned authorization data of an unknown form.",
                "run the step again; check AWS_ENDPOINT_URL if it is set", null);
    }

    /** The one wording of a missing repository, before the build, during the push, or after it. */
    public static PipeException repositoryMissing(String repository, String registry, String region,
                                                  Throwable origin) {
        return new PipeException.Push("The repository '" + repository + "' does not exist in " + registry + ".",
                "create it in ECR (region " + region + ") or set CREATE_REPOSITORY: 'true', and check that IMAGE"
                        + " names it", origin);
    }

    // ---- pushing and verifying ---------------------------------------------------------------------------------

    /** A push that failed for good, after {@code attempts} attempts. */
    public static PipeException pushFailed(PushProblem problem, String reference, String registryHost,
                                           RegistryKind kind,
                                           String detail, Optional<String> deniedAction,
                                           Optional<String> deniedResource, int attempts) {
        boolean ecr = kind == RegistryKind.ECR;
        return switch (problem) {
            case LOGIN_EXPIRED, LOGIN_REFUSED -> pushLoginFailed(problem == PushProblem.LOGIN_EXPIRED, reference,
                    registryHost, ecr, detail);
            case DENIED -> deniedAction.<PipeException>map(action -> missingPermission(action, deniedResource,
                            detail, null))
                    .orElseGet(() -> new PipeException.Authentication("Pushing " + reference + " was denied: "
                            + detail, ecr ? "allow the ECR push actions on the repository in the IAM policy of the"
                            + " pushing user or role" : "give REGISTRY_USERNAME write (push) access to the repository"
                            + " in the registry", null));
            case DENIED_BY_REPOSITORY_POLICY -> new PipeException.Authentication("Pushing " + reference
                    + " was denied: " + detail,
                    "cross-account push: assume a role of the repository's account (AWS_ROLE_ARN), or let the repository"
                            + " policy in that account allow this principal", null);
            case LAYER_TOO_LARGE -> new PipeException.Push("Pushing " + reference + " failed: a layer is larger"
                    + " than the registry accepts (" + detail + ").",
                    "make the layer smaller (split a large COPY or RUN), or use a .dockerignore", null);
            case ENGINE_UNREACHABLE -> new PipeException.DockerEngine("The Docker engine stopped answering while"
                    + " pushing " + reference + ": " + detail,
                    "the docker service may have run out of memory or been stopped; run the step again", null);
            case TRANSIENT -> new PipeException.Push("Pushing " + reference + " kept failing after " + attempts
                    + (attempts == 1 ? " attempt: " : " attempts: ") + detail,
                    "the registry or the network failed repeatedly; run the step again (uploaded layers are reused),"
                            + " or raise RETRIES", null);
            case CANCELLED -> cancelled("pushing " + reference);
            case TAG_IMMUTABLE, REPOSITORY_MISSING, OTHER -> new PipeException.Push("Pushing " + reference
                    + " failed: " + detail, "rerun with DEBUG=true to see the push progress", null);
        };
    }

    private static PipeException pushLoginFailed(boolean expired, String reference, String registryHost,
                                                 boolean ecr, String detail) {
        if (expired) {
            return new PipeException.Authentication("The registry " + registryHost
                    + " said the login expired again, right after a fresh one, pushing " + reference + ": " + detail,
                    ecr ? "ECR's logins last 12 hours: check that the step's clock is right, and run the step again"
                            : "check that the step's clock is right and that the registry's token service works, and"
                            + " run the step again", null);
        }
        return new PipeException.Authentication("The registry " + registryHost
                + " refused the login for " + reference + ": " + detail,
                ecr ? "the login is for another registry: check the account and region in IMAGE"
                        : "check REGISTRY_USERNAME and REGISTRY_PASSWORD: the registry did not accept them for"
                        + " pushing", null);
    }

    /** Immutable tags that already name other images, found before anything was pushed. */
    public static PipeException immutableTagsHeld(List<String> tagsWithDigests, String repositoryUri, String imageId) {
        boolean one = tagsWithDigests.size() == 1;
        return new PipeException.Push("The immutable tag" + (one ? " " : "s ") + String.join(", ", tagsWithDigests)
                + " of " + repositoryUri + " already hold" + (one ? "s" : "") + " another image than this build ("
                + imageId + "); nothing was pushed.", NEW_TAG_HINT, null);
    }

    /** An immutable tag that another run gave another image while this run was pushing. */
    public static PipeException immutableTagHeld(String reference, String heldDigest, String imageId) {
        return new PipeException.Push("The immutable tag " + reference + " already holds another image ("
                + heldDigest + ") than this build (" + imageId + ").", NEW_TAG_HINT, null);
    }

    public static PipeException imageGone(String digest, String reference) {
        return new PipeException.Push("The registry holds no image " + digest + " for " + reference + " any more.",
                "another job may have deleted it; run the step again", null);
    }

    public static PipeException tagGone(String reference, String digest) {
        return new PipeException.Push("The registry reports no image for " + reference + " right after the push of "
                + digest + ".", "another job may have deleted it; run the step again", null);
    }

    public static PipeException enginePushedAnotherImage(String reference, String imageId, String digest,
                                                         String otherImage) {
        return new PipeException.Push("The Docker engine kept pushing another image than this build (" + imageId
                + ") as " + reference + "; the registry holds " + digest + " (image " + otherImage
                + ") from another run.", "runs on one Docker engine must not push the same tag at once: give each"
                + " build its own tag (e.g. $BITBUCKET_BUILD_NUMBER)", null);
    }

    public static PipeException tagMovedByAnotherRun(String reference, String heldDigest, String heldImage,
                                                     String digest, String imageId) {
        return new PipeException.Push("The registry holds " + heldDigest + " (image " + heldImage + ") for "
                + reference + ", not this build's " + digest + " (image " + imageId + "): another run pushed the same"
                + " tag after this one.", "give each build a unique tag, or run such steps one after the other", null);
    }

    // ---- the run -----------------------------------------------------------------------------------------------

    /** The run was stopped from outside (SIGTERM: Bitbucket stopping the step, or Ctrl-C) while {@code doing}. */
    public static PipeException cancelled(String doing) {
        return new PipeException.Cancelled("Cancelled while " + doing + ".",
                "the step was stopped; tags already pushed stay, none points at a partial image", null);
    }

    public static PipeException interrupted(String doing, Throwable origin) {
        return new PipeException.Cancelled("Interrupted while " + doing + ".", "", origin);
    }

    // ---- promotion and mirroring ---------------------------

    /**
     * The image to promote is not in the repository: a configuration problem (exit 2), found after asking ECR but
     * before anything is tagged.
     */
    public static PipeException promotionSourceMissing(String variable, String source, String repositoryUri) {
        return new PipeException.Configuration(List.of(new PipeException.Configuration.Problem(variable,
                "'" + source + "' is not in " + repositoryUri + ": only an image already in the repository can be"
                        + " promoted; check the tag or digest (the step that pushed it), or build it (unset "
                        + variable + ")")));
    }

    /**
     * The image to promote is in ECR's archive storage class: it cannot be read, so not tagged, until it is restored
     *. A problem of the registry's state rather than of the step: exit 6, before anything is tagged.
     */
    public static PipeException promotionSourceArchived(String variable, String source, String repositoryUri,
                                                        String digest) {
        return new PipeException.Push("The image to promote, " + variable + " '" + source + "' (" + digest + ") of "
                + repositoryUri + ", is archived (ECR's archive storage class) and must be restored first; no tag"
                + " was added.", "restore it with ECR's UpdateImageStorageClass to STANDARD (aws ecr"
                + " update-image-storage-class --target-storage-class STANDARD) and wait until it is ACTIVE, or push"
                + " the same image again; then promote again", null);
    }

    /** Immutable tags that already name another image than the one being promoted; no tag was added. */
    public static PipeException promotionTagsHeld(List<String> tagsWithDigests, String repositoryUri, String digest) {
        boolean one = tagsWithDigests.size() == 1;
        return new PipeException.Push("The immutable tag" + (one ? " " : "s ") + String.join(", ", tagsWithDigests)
                + " of " + repositoryUri + " already hold" + (one ? "s" : "") + " another image than the one promoted ("
                + digest + "); no tag was added.", "promote to a new tag, or make the repository's tags mutable",
                null);
    }

    /** Mirror regions whose repository of the same name does not exist; nothing was built or pushed. */
    public static PipeException mirrorRepositoriesMissing(String repository, List<String> regions) {
        boolean one = regions.size() == 1;
        return new PipeException.Push("The repository '" + repository + "' does not exist in the mirror region"
                + (one ? " " : "s ") + String.join(", ", regions) + "; nothing was built or pushed.",
                "create '" + repository + "' in " + (one ? "that region" : "each of those regions")
                        + " (the same name), or let a build create it (CREATE_REPOSITORY: true), or remove "
                        + (one ? "it" : "them") + " from MIRROR_REGIONS", null);
    }

    /** The engine's push to a mirror region gave another digest than the push to the image's own region. */
    public static PipeException mirrorDigestDiffers(String region, String reference, String digest,
                                                    String expected) {
        return new PipeException.Push("The mirror region " + region + " holds " + digest + " for " + reference
                + ", not the digest " + expected + " of the image's own region.",
                "the engine compressed the layers differently for this registry; run the step again, or report it",
                null);
    }

    /**
     * A promotion into a mirror region that does not hold the image: promotion never uploads layers, so the image
     * must have been mirrored when it was pushed.
     */
    public static PipeException mirrorLacksImage(String region, String repositoryUri, String digest) {
        return new PipeException.Push("The mirror region " + region + " has no image " + digest + " in "
                + repositoryUri + " to promote: promotion uploads no layers.",
                "push the image with MIRROR_REGIONS including " + region + " first (a re-run of the step that built"
                        + " it mirrors it), then promote again", null);
    }

    /** A promotion with MIRROR_REGIONS into a region that holds the image archived: it cannot be read there. */
    public static PipeException mirrorImageArchived(String region, String repositoryUri, String digest) {
        return new PipeException.Push("The mirror region " + region + " holds the image " + digest + " of "
                + repositoryUri + " archived (ECR's archive storage class): it must be restored there first to be"
                + " promoted.", "restore it in " + region + " with ECR's UpdateImageStorageClass to STANDARD and wait"
                + " until it is ACTIVE, or push the same image again with MIRROR_REGIONS including " + region
                + "; then promote again (the regions already done stay done)", null);
    }

    // ---- the scan gate (SCAN_FAIL_ON) ---------------------------------------------------------------

    /** How many blocking findings the ✖ line names; the run lists the worst findings above it. */
    private static final int NAMED_FINDINGS = 5;

    /**
     * The scan found what SCAN_FAIL_ON does not let through; no tag of TAGS was added.
     *
     * @param image     the image scanned, {@code <repository uri>@sha256:…}
     * @param blocking  the findings that stop it, worst first, each {@code ID (SEVERITY in package)}
     * @param candidate the candidate tag that still names the image (a built image), for inspection
     */
    public static PipeException scanGateStopped(String image, String failOn, List<String> blocking,
                                                Optional<String> candidate) {
        int n = blocking.size();
        String named = String.join(", ", blocking.subList(0, Math.min(n, NAMED_FINDINGS)))
                + (n > NAMED_FINDINGS ? " and " + (n - NAMED_FINDINGS) + " more" : "");
        return new PipeException.ScanGate("The scan gate stopped the release: " + n + " finding" + (n == 1 ? "" : "s")
                + " at or above " + failOn + " in " + image + ": " + named + "; no tag of TAGS was added.",
                stays(candidate) + "update the packages listed above (to the fixed versions where ECR names them) and"
                        + " run the step again, or accept a finding you have assessed by adding its id to SCAN_IGNORE");
    }

    /**
     * ECR's scan ended without findings (FAILED, UNSUPPORTED_IMAGE, FINDINGS_UNAVAILABLE, …), or ECR refused to
     * scan the image at all (UnsupportedImageTypeException); no tag of TAGS was added.
     */
    public static PipeException scanFailed(String image, String status, String description,
                                           Optional<String> candidate) {
        String hint = switch (status) {
            case "UNSUPPORTED_IMAGE" -> "ECR's basic scanning reads the packages of common Linux distributions only:"
                    + " an image FROM scratch, or distroless, has none it can read; turn on enhanced scanning (Amazon"
                    + " Inspector) for the registry, or remove SCAN_FAIL_ON for this image";
            case "IMAGE_ARCHIVED" -> "the image is in ECR's archive storage class: restore it, then run the step again";
            default -> "run the step again later; ECR starts one basic scan of an image per 24 hours, so a re-run of"
                    + " the same image within a day reads this result again, while a new build is scanned afresh";
        };
        return new PipeException.ScanIncomplete("ECR's scan of " + image + " ended " + status
                + (description.isBlank() ? "" : " (" + description.strip() + ")") + ", with no findings to decide on;"
                + " no tag of TAGS was added.", stays(candidate) + hint, null);
    }

    /**
     * The scan did not finish within SCAN_TIMEOUT_SECONDS, or ECR never reported one; no tag of TAGS was added.
     *
     * @param lastStatus the scan's status when the time was up; empty when ECR reported no scan of the image
     * @param notStarted why ECR started no scan on request, when it refused
     */
    public static PipeException scanTimedOut(String image, long seconds, Optional<String> lastStatus,
                                             Optional<String> notStarted, Optional<String> candidate) {
        String state = lastStatus.map(s -> "it was still " + s)
                .orElse("ECR reported no scan of it" + notStarted.map(d -> "; StartImageScan said: " + d).orElse(""));
        String hint = lastStatus.isPresent()
                ? "raise SCAN_TIMEOUT_SECONDS, or run the step again: the scan goes on in ECR, and a re-run of the same"
                + " image reads its result"
                : "check the registry's scanning configuration (ECR console, Private registry, Scanning): it must scan"
                + " this repository, on push or on request";
        return new PipeException.ScanIncomplete("The scan of " + image + " did not finish within " + seconds + " s"
                + " (SCAN_TIMEOUT_SECONDS; " + state + "); no tag of TAGS was added.", stays(candidate) + hint, null);
    }

    /** The hint's first words when a candidate tag still names the image. */
    private static String stays(Optional<String> candidate) {
        return candidate.map(c -> "the image stays as " + c + " for inspection; ").orElse("");
    }

    // ---- multi-platform images (PLATFORM_TAGS) ------------------------------------------------------

    /** A source the repository does not hold: a configuration problem, found before anything is written. */
    public static PipeException.Configuration.Problem platformSourceMissing(String tag, String repositoryUri) {
        return new PipeException.Configuration.Problem("PLATFORM_TAGS", "'" + tag + "' is not in " + repositoryUri
                + ": PLATFORM_TAGS names images earlier steps pushed to this repository; check the tag (the step"
                + " that pushed it, and that it ran first)");
    }

    /** A source in ECR's archive storage class: it cannot be read, so not combined, until it is restored. */
    public static PipeException.Configuration.Problem platformSourceArchived(String tag, String repositoryUri,
                                                                             String digest) {
        return new PipeException.Configuration.Problem("PLATFORM_TAGS", "'" + tag + "' (" + digest + ") of "
                + repositoryUri + " is archived (ECR's archive storage class) and cannot be read; restore it with"
                + " UpdateImageStorageClass to STANDARD, or push it again");
    }

    /** A source that is neither an image manifest nor an index of them (a schema 1 manifest, an artifact). */
    public static PipeException.Configuration.Problem platformSourceNotAnImage(String tag, String digest,
                                                                               String mediaType) {
        return new PipeException.Configuration.Problem("PLATFORM_TAGS", "'" + tag + "' (" + digest + ") is a "
                + mediaType + " manifest, not an image or an index the pipe can combine (Docker v2 schema 2 or"
                + " OCI); push it again with a current Docker");
    }

    /** A source whose configuration names no operating system or architecture. */
    public static PipeException.Configuration.Problem platformSourceWithoutPlatform(String tag, String digest,
                                                                                    String why) {
        return new PipeException.Configuration.Problem("PLATFORM_TAGS", "'" + tag + "' (" + digest + ") names no"
                + " platform: " + why + "; a multi-platform image needs each image's os and architecture");
    }

    /** Two sources (or entries of sources) of one platform: an engine could not choose between them. */
    public static PipeException.Configuration.Problem platformTwice(String tag, String platform, String otherTag) {
        return new PipeException.Configuration.Problem("PLATFORM_TAGS", "'" + tag + "' is " + platform
                + ", as '" + otherTag + "' is: a multi-platform image holds one image per platform; keep one of"
                + " them");
    }

    /** The sources' problems, all of them, before anything is written. */
    public static PipeException platformSourcesRefused(List<PipeException.Configuration.Problem> problems) {
        return new PipeException.Configuration(problems);
    }

    /** A mirror region lacks manifests the multi-platform image names; nothing was written anywhere. */
    public static PipeException mirrorLacksPlatformImages(String region, String repositoryUri,
                                                          List<String> sources) {
        return new PipeException.Push("The mirror region " + region + " lacks " + String.join(", ", sources)
                + " in " + repositoryUri + ", which the multi-platform image names; nothing was written.",
                "push those images with MIRROR_REGIONS including " + region + " first (a re-run of the steps that"
                        + " pushed them mirrors them), then run this step again", null);
    }

    /** Immutable tags that already name another image than the multi-platform image; no tag was written. */
    public static PipeException platformTagsHeld(List<String> tagsWithDigests, String repositoryUri,
                                                 String digest) {
        boolean one = tagsWithDigests.size() == 1;
        return new PipeException.Push("The immutable tag" + (one ? " " : "s ") + String.join(", ", tagsWithDigests)
                + " of " + repositoryUri + " already hold" + (one ? "s" : "") + " another image than the"
                + " multi-platform image (" + digest + "); no tag was added.", "give the multi-platform image a new"
                + " tag, or make the repository's tags mutable", null);
    }

    /** The registry refused the index: an image it names is gone since the run read it. */
    public static PipeException indexEntriesGone(String reference, String detail, Throwable origin) {
        return new PipeException.Push("The registry refused the multi-platform image " + reference + ": it names"
                + " an image the repository no longer holds (" + detail + ").", "another job may have deleted a"
                + " source image since the run read it; push it again, then run the step again", origin);
    }

    /** A small blob (an image's configuration) could not be read whole. */
    public static PipeException blobUnreadable(String digest, String repository, String detail, Throwable origin) {
        return new PipeException.Push("Could not read the blob " + digest + " of " + repository + ": " + detail
                + ".", "run the step again; if it keeps failing, check the step's network access to the registry"
                + " (ECR serves blobs from S3)", origin);
    }

    // ---- shaping the repository ----------------------------------------------------------------------

    /** What to check when ECR refuses a parameter, by the call it refused. */
    private static String refusedParameterHint(String action) {
        return switch (action) {
            case "ecr:CreateRepository" -> "check CREATE_REPOSITORY's settings: IMAGE_TAG_MUTABILITY,"
                    + " IMAGE_TAG_MUTABILITY_EXCLUSIONS, ENCRYPTION, KMS_KEY and REPOSITORY_TAGS";
            case "ecr:PutLifecyclePolicy" -> "check the file LIFECYCLE_POLICY names against ECR's lifecycle policy rules";
            default -> "check IMAGE and TAGS";
        };
    }

    // ---- build options and push-only ---------------------------------------------------------------

    /**
     * A build step's command failed or was killed: the step, the engine's words (with the exit code), and the
     * step's last lines of output, shown before the {@code ✖} line under a line that says what they are.
     */
    public static PipeException stepFailed(BuildProblem problem, String detail, Optional<String> step,
                                           List<String> lastLines, Throwable origin) {
        PipeException failure = buildFailedAt(problem, detail, step, origin);
        String hint = problem == BuildProblem.STEP_KILLED ? "the step was killed (exit code 137): the docker"
                + " service most likely ran out of memory (the classic builder says only 'killed'); "
                + MEMORY_HINT : failure.hint();
        List<String> shown = new ArrayList<>();
        if (!lastLines.isEmpty()) {
            shown.add("Last " + (lastLines.size() == 1 ? "line" : lastLines.size() + " lines") + " of output of "
                    + step.orElse("the failed step") + ":");
            lastLines.forEach(l -> shown.add("  " + l));
        }
        return new PipeException.Build(failure.getMessage(), hint, shown, origin);
    }

    /** LOCAL_IMAGE names no image the engine holds; nothing was pushed. */
    public static PipeException localImageMissing(String image, String address) {
        return new PipeException.Configuration(List.of(new PipeException.Configuration.Problem(
                "LOCAL_IMAGE", "'" + image + "' is not an image in the Docker engine at " + address + "; build it"
                + " earlier in the same step (docker build -t " + image + " .), or check its name and tag")));
    }

    /** The engine could not say whether it holds an image. */
    public static PipeException engineCouldNotInspect(String image, String detail, Throwable origin) {
        return new PipeException.DockerEngine("The Docker engine could not look up the image " + image + ": "
                + detail + ".", DEBUG_HINT, origin);
    }

    // ---- results for later steps (OUTPUT_FILE) ----------------------------------------------------------------

    /** OUTPUT_FILE could be written when the variables were read, and no longer after the push. */
    public static PipeException resultsNotWritten(String file, String reason) {
        return new PipeException.Configuration(List.of(new PipeException.Configuration.Problem("OUTPUT_FILE",
                "the image was pushed, but the results could not be written to '" + file + "' (" + reason + ")")));
    }

    // ---- credentials: OIDC, assumed roles -----------------------------------------------------------

    private static final String OIDC_PROVIDER_HINT = "the role's account needs the IAM identity provider"
            + " https://api.bitbucket.org/2.0/workspaces/<workspace>/pipelines-config/identity/oidc with the audience"
            + " ari:cloud:bitbucket::workspace/<workspace-uuid> (docs/authentication.md)";

    public static PipeException oidcTokenRefused(String roleArn, String detail, Throwable origin) {
        return new PipeException.Authentication("STS refused the step's OIDC token for " + roleArn + ": " + detail,
                OIDC_PROVIDER_HINT, origin);
    }

    public static PipeException oidcTokenExpired(String detail, Throwable origin) {
        return new PipeException.Authentication("The step's OIDC token has expired: " + detail,
                "run the step again: Bitbucket issues a fresh token for every step run", origin);
    }

    public static PipeException roleTrustRefuses(String action, String roleArn, String detail, Throwable origin) {
        return new PipeException.Authentication("STS refused " + action + " on " + roleArn + ": " + detail,
                action.equals("sts:AssumeRoleWithWebIdentity")
                        ? "the role's trust policy must allow sts:AssumeRoleWithWebIdentity for the Bitbucket"
                                + " identity provider (docs/authentication.md); " + OIDC_PROVIDER_HINT
                        : "the role's trust policy must allow sts:AssumeRole for the source user or role (and name"
                                + " AWS_ROLE_EXTERNAL_ID when it asks for sts:ExternalId), and the source's IAM policy"
                                + " must allow sts:AssumeRole on the role", origin);
    }

    public static PipeException stsFailed(String action, String code, String detail, Throwable origin) {
        return new PipeException.Authentication("STS refused " + action + " (" + code + "): " + detail,
                DEBUG_HINT, origin);
    }

    public static PipeException stsUnreachable(String detail, Optional<String> endpointOverride, Throwable origin) {
        return new PipeException.Authentication("The STS API could not be reached: " + detail,
                endpointOverride.map(e -> "check AWS_ENDPOINT_URL_STS / AWS_ENDPOINT_URL (" + e + ")")
                        .orElse("check the step's network access to AWS, then run the step again"), origin);
    }

    // ---- credentials: other registries --------------------------------------------------------------

    public static PipeException otherRegistryCredentialsRefused(String host, String detail) {
        return new PipeException.Authentication("The registry " + host + " refused REGISTRY_USERNAME and"
                + " REGISTRY_PASSWORD: " + detail,
                "check both; for Docker Hub and GHCR use an access token as REGISTRY_PASSWORD, with push rights", null);
    }

    /** The token service took the login, but the registry refused the token it granted: no right on the repository. */
    public static PipeException otherRegistryAccessDenied(String host, String doing, String detail) {
        return new PipeException.Authentication("The registry " + host + " gave REGISTRY_USERNAME no access for "
                + doing + ": " + detail, "the login is right, but the user may not use this repository: check its"
                + " namespace in IMAGE (on Docker Hub, your user or an organization you belong to) and that the access"
                + " token in REGISTRY_PASSWORD may read and write", null);
    }

    public static PipeException otherRegistryRefused(String host, String doing, int status, String detail) {
        return new PipeException.Push("The registry " + host + " failed " + doing + " (HTTP " + status + "): "
                + detail, DEBUG_HINT, null);
    }

    public static PipeException otherRegistryUnreachable(String host, String detail, Throwable origin) {
        return new PipeException.Push("The registry " + host + " could not be reached: " + detail,
                "check the host and port in IMAGE, and the step's network access to it", origin);
    }

    // ---- IAM policy (the policy subcommand and its proof) -------------------------------------------------------

    /**
     * The IAM policy lacks one action. {@code action} is {@code ecr:X}, or {@code ecr:X on <resource>} when the
     * denial named the resource; {@code resource} is given when known separately.
     */
    public static PipeException missingPermission(String action, Optional<String> resource, String detail,
                                                  Throwable origin) {
        String what = action + resource.map(r -> " on " + r).orElse("");
        return new PipeException.Authentication("Missing permission " + what + ": the IAM policy of the user or"
                + " role does not allow it (AWS said: " + detail + ")",
                "allow it in that IAM policy; the pipe's policy subcommand prints the whole policy these variables"
                        + " need (docker run … -e IMAGE … org/ecr-push-pipe policy)", origin);
    }
}
