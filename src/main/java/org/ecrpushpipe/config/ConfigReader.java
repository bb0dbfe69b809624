package org.ecrpushpipe.config;

import java.io.BufferedReader;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

import org.ecrpushpipe.context.BuildContext;
import org.ecrpushpipe.errors.PipeException;
import org.ecrpushpipe.errors.PipeException.Configuration.Problem;

/**
 * Turns an environment map into a {@link PipeConfig}, or into a {@link PipeException.Configuration} that lists
 * <em>every</em> problem found. It never reads the process environment itself: {@code main} hands the map in, and
 * every variable is read through one {@link VariableReader}, by the same rules.
 */
public final class ConfigReader {
    private final VariableReader reader;
    private final List<String> notes = new ArrayList<>();

    /**
     * The configuration read, warnings the user should see, and notes on defaults taken (neither ever containing
     * values of secrets).
     */
    public record Result(PipeConfig config, List<String> warnings, List<String> notes) {
    }

    private ConfigReader(Map<String, String> env, Path workingDirectory) {
        this.reader = new VariableReader(env, workingDirectory);
    }

    /**
     * Reads the configuration.
     *
     * @throws PipeException.Configuration with all problems, when any variable is missing or invalid
     */
    public static Result read(Map<String, String> env, Path workingDirectory) {
        return new ConfigReader(env, workingDirectory).read();
    }

    /**
     * Reads the configuration and hands its warnings to {@code warnings} — also when it then fails: a warning such
     * as "both TAGS and TAG are set and differ" may be just what explains the problem listed. The result's own
     * {@link Result#warnings()} are the same ones, already handed over.
     *
     * @throws PipeException.Configuration with all problems, when any variable is missing or invalid
     */
    public static Result read(Map<String, String> env, Path workingDirectory, Consumer<String> warnings) {
        ConfigReader configReader = new ConfigReader(env, workingDirectory);
        try {
            Result result = configReader.read();
            result.warnings().forEach(warnings);
            return result;
        } catch (PipeException.Configuration e) {
            configReader.reader.warnings().forEach(warnings);
            throw e;
        }
    }

    /** Whether DEBUG asks for debug output; lenient, so it can be known before the rest is valid. */
    public static boolean debugRequested(Map<String, String> env) {
        return new VariableReader(env, Path.of("")).flag(Variable.DEBUG);
    }

    /**
     * The Code Insights report's settings, read on their own so that a run whose other variables fail still reports
     * that on its commit; {@link ReportSettings#NONE} when REPORT or REPORT_PROXY has a problem (which
     * {@link #read} lists with the others).
     */
    public static ReportSettings report(Map<String, String> env, Path workingDirectory) {
        VariableReader reader = new VariableReader(env, workingDirectory);
        ReportSettings settings = new ReportVariables(reader).read();
        return reader.problems(Set.of(Variable.REPORT, Variable.REPORT_PROXY)).isEmpty() ? settings
                : ReportSettings.NONE;
    }

    /** Whether colours are wanted: off when NO_COLOR is set to anything (blanks alone count as unset). */
    public static boolean colorRequested(Map<String, String> env) {
        return new VariableReader(env, Path.of("")).value(Variable.NO_COLOR).isEmpty();
    }

    private Result read() {
        Optional<String> key = reader.value(Variable.AWS_KEY);
        Optional<String> secret = reader.value(Variable.AWS_SECRET);
        Optional<String> sessionToken = reader.value(Variable.AWS_SESSION_TOKEN);
        ImageVariables target = new ImageVariables(reader);
        ImageRef image = target.image();
        Optional<String> otherRegistryHost = target.otherRegistryHost();
        CredentialVariables.Read access = readAccess(key.isPresent() || secret.isPresent(), otherRegistryHost);
        String region = target.region(image);
        List<Tag> tags = readTags();
        ReleaseVariables releaseVariables = new ReleaseVariables(reader);
        ReleaseSettings release = releaseVariables.read(region, tags);
        ReadBuild build = readBuild(releaseVariables.buildsNothing());
        String dockerHost = readDockerHost();
        Optional<URI> generic = readEndpoint(Variable.AWS_ENDPOINT_URL);
        Optional<URI> ecr = readEndpoint(Variable.AWS_ENDPOINT_URL_ECR).or(() -> generic);
        Optional<URI> sts = readEndpoint(Variable.AWS_ENDPOINT_URL_STS).or(() -> generic);
        EndpointVariants variants = endpointVariants(image);
        boolean debug = reader.flag(Variable.DEBUG);
        int retries = reader.wholeNumber(Variable.RETRIES, 0, 10);
        int retryMaxSeconds = reader.wholeNumber(Variable.RETRY_MAX_SECONDS, 1, 300);
        RepositorySettings repository = new RepositoryVariables(reader).read();
        CacheSettings cache = new CacheVariables(reader).read();
        ResultSettings results = new ResultVariables(reader).read();
        Optional<ScanSettings> scan = new ScanVariables(reader).read(otherRegistryHost);
        new ReportVariables(reader).read(); // checked with the rest; the run takes its settings from report(env)
        otherRegistryHost.ifPresent(this::checkEcrOnly);

        List<Problem> problems = reader.problems();
        if (!problems.isEmpty()) {
            throw new PipeException.Configuration(problems);
        }
        Optional<AwsCredentials> credentials = secret.isEmpty() ? Optional.empty()
                : key.map(k -> new AwsCredentials(Secret.of(k), Secret.of(secret.get()), sessionToken.map(Secret::of)));
        return new Result(new PipeConfig(credentials, region, image, tags, build.context(), dockerHost,
                ecr, sts, variants, debug, retries, Duration.ofSeconds(retryMaxSeconds), release, repository,
                build.settings(), cache, access.settings(), results, scan), reader.warnings(), List.copyOf(notes));
    }

    /**
     * How the run authenticates; AWS_KEY and AWS_SECRET go together, and are required unless OIDC or another
     * registry's login stands in for them.
     */
    private CredentialVariables.Read readAccess(boolean keysGiven, Optional<String> otherRegistryHost) {
        CredentialVariables.Read access = new CredentialVariables(reader).read(keysGiven, otherRegistryHost);
        if (access.keysRequired() || (otherRegistryHost.isEmpty() && keysGiven)) {
            reader.require(Variable.AWS_KEY);
            reader.require(Variable.AWS_SECRET);
        }
        return access;
    }

    /**
     * The build's options, and the context it sends: none for a run that builds nothing (a promotion, a combination
     * of platforms) or pushes LOCAL_IMAGE instead, whose clone need not hold a Dockerfile.
     */
    private ReadBuild readBuild(boolean buildsNothing) {
        BuildVariables buildVariables = new BuildVariables(reader);
        BuildSettings settings = buildVariables.read();
        boolean pushOnly = settings.localImage().isPresent();
        Path context = buildsNothing || pushOnly ? null : readContext();
        Located dockerfile = context == null ? null : readDockerfile(context);
        if (dockerfile != null) {
            buildVariables.checkTarget(settings, context.resolve(dockerfile.relative()),
                    reader.value(Variable.DOCKERFILE).orElse(dockerfile.relative()));
        }
        return new ReadBuild(settings, dockerfile == null ? null : scanContext(context, dockerfile,
                settings.secrets()));
    }

    /** The build's options, and its context (null when nothing is built). */
    private record ReadBuild(BuildSettings settings, BuildContext context) {
    }

    /**
     * AWS's FIPS and dual-stack endpoints: asked for with the AWS SDK's standard variables, or implied by an IMAGE on
     * such a registry host (its API is the matching endpoint).
     */
    private EndpointVariants endpointVariants(ImageRef image) {
        ImageRef.EndpointVariant host = image == null ? ImageRef.EndpointVariant.STANDARD
                : image.registry().map(ImageRef.EcrRegistryHost::variant).orElse(ImageRef.EndpointVariant.STANDARD);
        return new EndpointVariants(reader.flag(Variable.AWS_USE_FIPS_ENDPOINT) || host == ImageRef.EndpointVariant.FIPS,
                reader.flag(Variable.AWS_USE_DUALSTACK_ENDPOINT) || host == ImageRef.EndpointVariant.DUAL_STACK);
    }

    /**
     * What only ECR's API can do: another registry creates a repository on its first push, and has no lifecycle
     * policies, regions or server-side tagging through the pipe.
     */
    private void checkEcrOnly(String otherRegistryHost) {
        for (Variable ecrOnly : List.of(Variable.CREATE_REPOSITORY, Variable.LIFECYCLE_POLICY,
                Variable.MIRROR_REGIONS, Variable.SOURCE_TAG, Variable.SOURCE_DIGEST)) {
            if (reader.value(ecrOnly).isPresent()) {
                reader.problem(ecrOnly, "works with Amazon ECR only, but IMAGE is on " + otherRegistryHost
                        + ", another registry; remove " + ecrOnly.name() + " from this step");
            }
        }
    }

    private List<Tag> readTags() {
        Optional<List<String>> written = reader.list(Variable.TAGS);
        if (written.isPresent()) {
            Set<Tag> tags = new LinkedHashSet<>();
            for (String t : written.get()) {
                if (Tag.isValid(t)) {
                    tags.add(new Tag(t));
                } else {
                    reader.problem(Variable.TAGS, Tag.describeProblem(t));
                }
            }
            if (written.get().isEmpty() && reader.problems(Set.of(Variable.TAGS)).isEmpty()) {
                reader.problem(Variable.TAGS, "no tag given");
            }
            return List.copyOf(tags);
        }
        return tagsFromGitContext();
    }

    /** Without TAGS: the git tag, else the branch, else the commit names the image; latest only without any. */
    private List<Tag> tagsFromGitContext() {
        // The git tag, else the branch, names the image. When it cleans up to nothing, 'latest' would let a
        // feature branch move the production tag: ask for TAGS instead.
        for (VariableReader.Context contextVariable : List.of(VariableReader.Context.BITBUCKET_TAG,
                VariableReader.Context.BITBUCKET_BRANCH)) {
            Optional<String> ref = reader.bitbucket(contextVariable);
            if (ref.isPresent()) {
                Tag tag = Tag.fromGitRef(ref.get());
                if (tag == null) {
                    reader.problem(Variable.TAGS, "not set, and " + contextVariable + " '" + ref.get() + "' leaves no"
                            + " valid Docker tag once cleaned (letters, digits, '_', '.' and '-', not starting with"
                            + " '.' or '-'); set TAGS for this build");
                    return List.of();
                }
                return List.of(tag);
            }
        }
        // A commit without a branch or tag (a custom pipeline run on a commit) is still git context: never latest.
        // The commit itself names the image, as a later step names it with $BITBUCKET_COMMIT.
        Optional<String> commit = reader.bitbucket(VariableReader.Context.BITBUCKET_COMMIT);
        if (commit.isPresent()) {
            if (!Tag.isValid(commit.get())) {
                reader.problem(Variable.TAGS, "not set, and BITBUCKET_COMMIT '" + commit.get() + "' is not a valid"
                        + " Docker tag; set TAGS for this build");
                return List.of();
            }
            notes.add("No TAGS, and no git tag or branch, but the commit " + commit.get() + " (BITBUCKET_COMMIT):"
                    + " pushing the tag " + commit.get() + ", never latest; set TAGS to name it otherwise.");
            return List.of(new Tag(commit.get()));
        }
        notes.add("No TAGS, and no git context (BITBUCKET_TAG, BITBUCKET_BRANCH, BITBUCKET_COMMIT) in the"
                + " environment: pushing the tag latest.");
        return List.of(new Tag("latest"));
    }

    /**
     * BUILD_CONTEXT, symbolic links resolved as the docker CLI resolves them. It must lie inside the working
     * directory (the clone): a context of {@code /} or {@code ../} would send files the repository does not hold.
     */
    private Path readContext() {
        VariableReader.WrittenPath given = reader.path(Variable.BUILD_CONTEXT, ".").orElse(null);
        if (given == null) {
            return null;
        }
        String written = given.written();
        Path context = given.path();
        if (!Files.isDirectory(context)) {
            reader.problem(Variable.BUILD_CONTEXT, "'" + written + "' is not a directory (looked at " + context + ")");
            return null;
        }
        Path real = realPath(Variable.BUILD_CONTEXT, written, context);
        Path clone = real == null ? null : realPath(Variable.BUILD_CONTEXT, written, reader.workingDirectory());
        if (clone == null) {
            return null;
        }
        if (!real.startsWith(clone)) {
            reader.problem(Variable.BUILD_CONTEXT, "'" + written + "' is " + real + ", outside the working directory "
                    + clone + " (the clone); the build context must lie inside it. To build files from elsewhere,"
                    + " copy them into the clone in an earlier script line");
            return null;
        }
        if (!Files.isReadable(real) || !Files.isExecutable(real)) {
            reader.problem(Variable.BUILD_CONTEXT, "'" + written + "' cannot be read (permission denied)");
            return null;
        }
        return real;
    }

    /**
     * The Dockerfile found: its path relative to the build context, symbolic links resolved (it may lead out of the
     * context, {@code ../docker/api.Dockerfile}), and where BuildKit looks for its own ignore file: beside it as
     * DOCKERFILE names it, links not resolved, as the docker CLI names the file to BuildKit.
     */
    private record Located(String relative, Path ownIgnoreFile) {
    }

    /**
     * DOCKERFILE, relative to the build context, resolved as the docker CLI resolves it: {@code Dockerfile}, or
     * {@code dockerfile} when only that exists; symbolic links followed. It may lie outside the context (the CLI
     * then sends it under a name of its own), but, like the context, inside the clone. Returns null after
     * reporting a problem.
     */
    private Located readDockerfile(Path context) {
        Optional<String> given = reader.value(Variable.DOCKERFILE);
        String written = given.orElse("Dockerfile");
        Path dockerfile;
        try {
            dockerfile = context.resolve(written).normalize();
        } catch (InvalidPathException e) {
            reader.problem(Variable.DOCKERFILE, "'" + written + "' is not a valid path");
            return null;
        }
        if (given.isEmpty() && !Files.exists(dockerfile, LinkOption.NOFOLLOW_LINKS)
                && Files.exists(context.resolve("dockerfile"), LinkOption.NOFOLLOW_LINKS)) {
            written = "dockerfile";
            dockerfile = context.resolve(written);
        }
        Path clone = realPath(Variable.DOCKERFILE, written, reader.workingDirectory());
        if (clone == null) {
            return null;
        }
        if (!dockerfile.startsWith(clone)) {
            reader.problem(Variable.DOCKERFILE, "'" + written + "' lies outside the working directory " + clone
                    + " (the clone); the Dockerfile must lie inside it. To build one from elsewhere, copy it into"
                    + " the clone in an earlier script line");
            return null;
        }
        Path real = existingDockerfile(written, dockerfile, clone);
        String relative = real == null ? null : relativeName(written, context, real);
        return relative == null ? null : new Located(relative, context.resolve(written + ".dockerignore").normalize());
    }

    /** The Dockerfile with its links resolved, when it exists, lies in the clone and holds an instruction. */
    private Path existingDockerfile(String written, Path dockerfile, Path clone) {
        if (!Files.exists(dockerfile)) {
            reader.problem(Variable.DOCKERFILE, "'" + written + "' does not exist (looked at " + dockerfile + ")"
                    + (Files.exists(dockerfile, LinkOption.NOFOLLOW_LINKS) ? ": it is a symbolic link to nothing"
                    : isEmpty(reader.workingDirectory()) ? "; the working directory " + reader.workingDirectory()
                    + " is empty: the pipe runs in the clone, which Bitbucket mounts there; by hand, add"
                    + " -v \"$PWD:$PWD\" -w \"$PWD\" to docker run" : ""));
            return null;
        }
        Path real = realPath(Variable.DOCKERFILE, written, dockerfile);
        if (real == null) {
            return null;
        }
        if (!real.startsWith(clone)) {
            reader.problem(Variable.DOCKERFILE, "'" + written + "' is a symbolic link to " + real
                    + ", outside the working directory " + clone + " (the clone); the Dockerfile must lie inside it");
            return null;
        }
        if (!Files.isRegularFile(real) || !Files.isReadable(real)) {
            reader.problem(Variable.DOCKERFILE, "'" + written + "' is not a readable file");
            return null;
        }
        String noInstruction = withoutInstruction(real);
        if (noInstruction != null) {
            reader.problem(Variable.DOCKERFILE, "'" + written + "' " + noInstruction);
            return null;
        }
        return real;
    }

    /**
     * The Dockerfile's path relative to the context, as text. The engine is told the Dockerfile by this name, so a
     * path that text cannot hold (bytes that are not UTF-8, met through a symbolic link; DOCKERFILE itself is text)
     * is refused, naming it.
     */
    private String relativeName(String written, Path context, Path real) {
        String relative = context.relativize(real).toString();
        try {
            if (Files.isSameFile(context.resolve(relative), real)) {
                return relative;
            }
        } catch (IOException | InvalidPathException e) {
            // not the same file: reported below
        }
        reader.problem(Variable.DOCKERFILE, "'" + written + "' leads to " + VariableReader.printable(real.toString())
                + ", whose name cannot be read as UTF-8 text (it holds other bytes, or the pipe runs without a UTF-8"
                + " locale); the engine is told the Dockerfile by its name: rename it");
        return null;
    }

    /** {@code path} with its symbolic links resolved; null after reporting why it cannot be read. */
    private Path realPath(Variable variable, String written, Path path) {
        try {
            return path.toRealPath();
        } catch (IOException e) {
            reader.problem(variable, "'" + written + "' cannot be read (" + e.getMessage() + ")");
            return null;
        }
    }

    /**
     * Why a Dockerfile holds no instruction (it is empty, or only blank lines and comments), or null when it holds
     * one. The engine refuses such a file too, but only after the context was sent, and in words that do not name
     * the file. Reads up to the first instruction; bytes are read as ISO-8859-1, so any encoding will do.
     */
    private static String withoutInstruction(Path dockerfile) {
        try (BufferedReader lines = Files.newBufferedReader(dockerfile, StandardCharsets.ISO_8859_1)) {
            boolean empty = true;
            for (String line; (line = lines.readLine()) != null; ) {
                empty = false;
                String text = line.strip();
                if (!text.isEmpty() && !text.startsWith("#")) {
                    return null;
                }
            }
            return empty ? "is empty: docker build needs at least a FROM line"
                    : "holds no instruction, only comments and blank lines: docker build needs at least a FROM line";
        } catch (IOException e) {
            return "cannot be read (" + e.getMessage() + ")";
        }
    }

    /** Whether a directory holds nothing at all (or only what a container's root holds: it is "/"). */
    private static boolean isEmpty(Path directory) {
        if (directory.getParent() == null) {
            return true;
        }
        try (var entries = Files.list(directory)) {
            return entries.findAny().isEmpty();
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * What docker build would send, checked: every file it would send must be readable, and a build secret's file
     * should not be among them.
     */
    private BuildContext scanContext(Path context, Located dockerfile, List<BuildSecret> secrets) {
        try {
            BuildContext build = BuildContext.scan(context, dockerfile.relative(), dockerfile.ownIgnoreFile());
            build.warnings().forEach(w -> reader.warning("Build context: " + VariableReader.printable(w) + "."));
            SecretVariables.warnIfSent(secrets, build, reader);
            return build;
        } catch (BuildContext.Unusable e) {
            e.problems().forEach(p -> reader.problem(Variable.BUILD_CONTEXT, p));
            return null;
        }
    }

    private String readDockerHost() {
        String host = reader.value(Variable.DOCKER_HOST).orElse("unix:///var/run/docker.sock");
        URI uri;
        try {
            uri = URI.create(host);
        } catch (IllegalArgumentException e) {
            reader.problem(Variable.DOCKER_HOST, "'" + host + "' is not an address (like tcp://localhost:2375)");
            return null;
        }
        String scheme = Optional.ofNullable(uri.getScheme()).orElse("").toLowerCase(Locale.ROOT);
        if (scheme.equals("tcp") && uri.getHost() != null && uri.getPort() != -1 && !isPort(uri.getPort())) {
            reader.problem(Variable.DOCKER_HOST, "'" + host + "' names the port " + uri.getPort()
                    + ", outside 1 to 65535");
            return null;
        }
        boolean ok = switch (scheme) {
            case "unix" -> uri.getPath() != null && !uri.getPath().isEmpty();
            case "tcp" -> uri.getHost() != null && uri.getPort() > 0;
            default -> false;
        };
        if (!ok) {
            reader.problem(Variable.DOCKER_HOST, "'" + host + "' is not a Docker address; use"
                    + " unix:///path/to/docker.sock or tcp://host:port");
            return null;
        }
        return host;
    }

    private Optional<URI> readEndpoint(Variable variable) {
        Optional<String> value = reader.value(variable);
        if (value.isEmpty()) {
            return Optional.empty();
        }
        try {
            URI uri = URI.create(value.get());
            String scheme = Optional.ofNullable(uri.getScheme()).orElse("");
            if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null) {
                if (uri.getPort() != -1 && !isPort(uri.getPort())) {
                    reader.problem(variable, "'" + value.get() + "' names the port " + uri.getPort()
                            + ", outside 1 to 65535");
                    return Optional.empty();
                }
                return Optional.of(uri);
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        reader.problem(variable, "'" + value.get() + "' is not an http(s) URL");
        return Optional.empty();
    }

    private static boolean isPort(int port) {
        return port >= 1 && port <= 65535;
    }
}
