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
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;

import org.ecrpushpipe.context.BuildContext;
import org.ecrpushpipe.errors.PipeException;
import org.ecrpushpipe.errors.PipeException.Configuration.Problem;

/**
 * Turns an environment map into a {@link PipeConfig}, or into a {@link PipeException.Configuration} that lists
 * <em>every</em> problem found. It never reads the process environment itself: {@code main} hands the map in.
 * An empty value counts as unset, since Bitbucket passes {@code $VAR} of an unset variable as "".
 */
public final class ConfigReader {
    private static final Pattern LIST_INDEX = Pattern.compile("\\d{1,4}");

    private final Map<String, String> env;
    private final Path workingDirectory;
    private final List<Problem> problems = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    /** Variables whose value holds a stray character: that one problem says all there is to say about them. */
    private final Set<Variable> strayCharacters = EnumSet.noneOf(Variable.class);
    /** The host of IMAGE when it is a registry other than ECR (REGISTRY_USERNAME set); null for ECR. */
    private String otherRegistryHost;

    /**
     * The configuration read, warnings the user should see, and notes on defaults taken (neither ever containing
     * values of secrets).
     */
    public record Result(PipeConfig config, List<String> warnings, List<String> notes) {
    }

    private ConfigReader(Map<String, String> env, Path workingDirectory) {
        this.env = env;
        this.workingDirectory = workingDirectory;
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
        ConfigReader reader = new ConfigReader(env, workingDirectory);
        try {
            Result result = reader.read();
            result.warnings().forEach(warnings);
            return result;
        } catch (PipeException.Configuration e) {
            reader.warnings.forEach(warnings);
            throw e;
        }
    }

    /** The repository a configuration names: IMAGE and the region, as the pipe reads them. */
    public record Target(ImageRef image, String region) {
    }

    /**
     * Reads only IMAGE and AWS_REGION, by the same rules as {@link #read}: for what needs the repository but no
     * credentials nor build context (the {@code policy} subcommand).
     *
     * @throws PipeException.Configuration with the problems of these two variables
     */
    public static Target readTarget(Map<String, String> env) {
        ConfigReader reader = new ConfigReader(env, Path.of(""));
        ImageRef image = reader.readImage();
        String region = reader.readRegion(image);
        if (!reader.problems.isEmpty()) {
            throw new PipeException.Configuration(sorted(reader.problems));
        }
        return new Target(image, region);
    }

    /** Whether DEBUG asks for debug output; lenient, so it can be known before the rest is valid. */
    public static boolean debugRequested(Map<String, String> env) {
        return "true".equalsIgnoreCase(Optional.ofNullable(env.get(Variable.DEBUG.name())).orElse("").trim());
    }

    /** Whether colours are wanted: off when NO_COLOR is set to anything non-empty. */
    public static boolean colorRequested(Map<String, String> env) {
        return Optional.ofNullable(env.get(Variable.NO_COLOR.name())).orElse("").isEmpty();
    }

    private Result read() {
        Optional<String> key = value(Variable.AWS_KEY);
        Optional<String> secret = value(Variable.AWS_SECRET);
        Optional<String> sessionToken = value(Variable.AWS_SESSION_TOKEN);
        ImageRef image = readImage();
        CredentialVariables.Read access = new CredentialVariables(this::value, this::problem, warnings::add)
                .read(key.isPresent() || secret.isPresent(), Optional.ofNullable(trimmed("BITBUCKET_BUILD_NUMBER")),
                        Optional.ofNullable(otherRegistryHost));
        if (access.keysRequired() || (otherRegistryHost == null && (key.isPresent() || secret.isPresent()))) {
            requirePresent(Variable.AWS_KEY, key);
            requirePresent(Variable.AWS_SECRET, secret);
        }
        String region = readRegion(image);
        List<Tag> tags = readTags();
        ReleaseVariables releaseVariables = new ReleaseVariables(this::value, this::trimmed, this::problem,
                warnings::add);
        ReleaseSettings release = releaseVariables.read(region);
        // issue 10: build options, or LOCAL_IMAGE instead of a build (then there is no context to read)
        BuildSettings buildSettings = BuildVariables.read(env, this::problem);
        boolean pushOnly = buildSettings.localImage().isPresent();
        // a promotion builds nothing, nor does a push of LOCAL_IMAGE: the clone need not hold a Dockerfile
        Path context = releaseVariables.promotionAsked() || pushOnly ? null : readContext();
        String dockerfile = context == null ? null : readDockerfile(context);
        if (dockerfile != null) {
            BuildVariables.checkTarget(buildSettings, context.resolve(dockerfile),
                    value(Variable.DOCKERFILE).orElse(dockerfile), this::problem);
        }
        BuildContext build = dockerfile == null ? null : scanContext(context, dockerfile);
        String dockerHost = readDockerHost();
        Optional<URI> generic = readEndpoint(Variable.AWS_ENDPOINT_URL);
        Optional<URI> ecr = readEndpoint(Variable.AWS_ENDPOINT_URL_ECR).or(() -> generic);
        Optional<URI> sts = readEndpoint(Variable.AWS_ENDPOINT_URL_STS).or(() -> generic);
        boolean debug = readDebug();
        int retries = readWholeNumber(Variable.RETRIES, 0, 10);
        int retryMaxSeconds = readWholeNumber(Variable.RETRY_MAX_SECONDS, 1, 300);
        RepositorySettings repository = RepositoryVariables.read(this::value, this::problem, workingDirectory);
        CacheSettings cache = new CacheVariables(this::value, this::trimmed, this::problem, workingDirectory).read();
        if (otherRegistryHost != null) {
            // what only ECR's API can do: another registry creates a repository on its first push, and has no
            // lifecycle policies, regions or server-side tagging through the pipe
            for (Variable ecrOnly : List.of(Variable.CREATE_REPOSITORY, Variable.LIFECYCLE_POLICY,
                    Variable.MIRROR_REGIONS, Variable.SOURCE_TAG, Variable.SOURCE_DIGEST)) {
                if (value(ecrOnly).isPresent()) {
                    problem(ecrOnly, "works with Amazon ECR only, but IMAGE is on " + otherRegistryHost
                            + ", another registry; remove " + ecrOnly.name() + " from this step");
                }
            }
        }

        if (!problems.isEmpty()) {
            throw new PipeException.Configuration(sorted(problems));
        }
        Optional<AwsCredentials> credentials = secret.isEmpty() ? Optional.empty()
                : key.map(k -> new AwsCredentials(Secret.of(k), Secret.of(secret.get()), sessionToken.map(Secret::of)));
        return new Result(new PipeConfig(credentials, region, image, tags, build, dockerHost,
                ecr, sts, debug, retries, Duration.ofSeconds(retryMaxSeconds), release, repository,
                buildSettings, cache, access.settings()), List.copyOf(warnings),
                List.copyOf(notes));
    }

    /** The name under which {@code variable} was set, for messages; its own name when it was not set. */
    private String nameSet(Variable variable) {
        return variable.names().stream().filter(n -> trimmed(n) != null).findFirst().orElse(variable.name());
    }

    /** The variable's value under its first name that is set; warns when several names are set and differ. */
    private Optional<String> value(Variable variable) {
        String chosen = null;
        String chosenName = null;
        for (String name : variable.names()) {
            String v = trimmed(name);
            if (v == null) {
                continue;
            }
            if (chosen == null) {
                chosen = v;
                chosenName = name;
            } else if (!chosen.equals(v)) {
                warnings.add("Both " + chosenName + " and " + name + " are set and differ; using " + chosenName + ".");
            }
        }
        if (chosen != null && hasStrayCharacter(variable, chosenName, chosen)) {
            return Optional.empty();
        }
        return Optional.ofNullable(chosen);
    }

    /**
     * Whether a value holds a character that cannot belong in it — a line break, a tab, an escape or another
     * control character, an invisible format character; in a key, secret or token also a space or anything beyond
     * printable ASCII — and if so reports it, once, as the variable's only problem. Such a value is a paste gone
     * wrong (two values, a line ending, a no-break space from a web page); used as it is, it would reach AWS or the
     * engine as a puzzling refusal, or reach the log as a broken line. Inside TAGS, line breaks and tabs separate
     * tags, as spaces do. Values of secrets are never shown.
     */
    private boolean hasStrayCharacter(Variable variable, String name, String value) {
        boolean credential = variable == Variable.AWS_KEY || variable == Variable.AWS_SECRET
                || variable == Variable.AWS_SESSION_TOKEN || variable == Variable.BITBUCKET_STEP_OIDC_TOKEN
                || variable == Variable.REGISTRY_PASSWORD;
        for (int i = 0; i < value.length(); ) {
            int c = value.codePointAt(i);
            i += Character.charCount(c);
            boolean stray = credential ? c <= ' ' || c > '~'
                    : (Character.isISOControl(c) && !((variable == Variable.TAGS || variable == Variable.MIRROR_REGIONS)
                    && Character.isWhitespace(c)))
                    || Character.getType(c) == Character.FORMAT;
            if (stray) {
                if (strayCharacters.add(variable)) {
                    problems.add(new Problem(variable.name(), name + " holds " + describe(c) + " inside its value"
                            + (variable.secret() ? " (not shown); AWS keys and tokens are one word of letters, digits"
                                    + " and + / =: set it again, copied without it"
                                    : " '" + printable(value) + "'; set it again without it")));
                }
                return true;
            }
        }
        return false;
    }

    /** A character, named so that a reader can find it in a value that looks right. */
    private static String describe(int c) {
        String code = String.format(Locale.ROOT, "U+%04X", c);
        return switch (c) {
            case '\n', '\r' -> "a line break";
            case '\t' -> "a tab";
            case ' ' -> "a space";
            case 0xA0 -> "a no-break space (" + code + ")";
            // U+FFFD: what the JVM makes of a byte it cannot decode, e.g. any non-ASCII one without a UTF-8 locale
            case 0xFFFD -> "a character that is not ASCII";
            default -> Character.isISOControl(c) ? "the control character " + code
                    : Character.getType(c) == Character.FORMAT ? "the invisible character " + code
                    : "the character " + code + " (not ASCII)";
        };
    }

    /**
     * {@code text} with control and invisible characters written as escapes (a line break as backslash-n, an escape
     * character as backslash-u001B), so that a value quoted in a message stays on its one line and cannot colour or
     * clear the log.
     */
    static String printable(String text) {
        StringBuilder shown = new StringBuilder(text.length());
        text.codePoints().forEach(c -> {
            if (c == '\n') {
                shown.append("\\n");
            } else if (c == '\r') {
                shown.append("\\r");
            } else if (c == '\t') {
                shown.append("\\t");
            } else if (Character.isISOControl(c) || Character.getType(c) == Character.FORMAT) {
                shown.append(String.format(Locale.ROOT, "\\u%04X", c));
            } else {
                shown.appendCodePoint(c);
            }
        });
        return shown.toString();
    }

    private String trimmed(String name) {
        String v = env.get(name);
        if (v == null) {
            return null;
        }
        v = v.trim();
        return v.isEmpty() ? null : v;
    }

    private void requirePresent(Variable variable, Optional<String> value) {
        if (value.isEmpty()) {
            problem(variable, "required field" + (variable.aliases().isEmpty() ? ""
                    : " (or set " + String.join(" / ", variable.aliases()) + ")"));
        }
    }

    private ImageRef readImage() {
        Optional<String> image = value(Variable.IMAGE);
        requirePresent(Variable.IMAGE, image);
        if (image.isEmpty()) {
            return null;
        }
        try {
            Optional<String> otherHost = ImageRef.nonEcrHost(image.get());
            if (otherHost.isPresent() && (value(Variable.REGISTRY_USERNAME).isPresent()
                    || value(Variable.REGISTRY_PASSWORD).isPresent())) {
                otherRegistryHost = otherHost.get();
                return ImageRef.parseOnOtherRegistry(image.get());
            }
            return ImageRef.parse(image.get());
        } catch (IllegalArgumentException e) {
            problem(Variable.IMAGE, e.getMessage());
            return null;
        }
    }

    private String readRegion(ImageRef image) {
        if (otherRegistryHost != null) {
            return null; // no AWS call: no region
        }
        Optional<String> region = value(Variable.AWS_REGION);
        if (region.isPresent() && !ImageRef.REGION.matcher(region.get()).matches()) {
            problem(Variable.AWS_REGION, nameSet(Variable.AWS_REGION) + " is '" + region.get()
                    + "', not an AWS region name (like ap-southeast-1)");
            return null;
        }
        Optional<String> fromImage = image == null ? Optional.empty() : image.region();
        if (fromImage.isPresent()) {
            if (region.isPresent() && !region.get().equals(fromImage.get())) {
                String name = nameSet(Variable.AWS_REGION);
                problem(Variable.AWS_REGION, name + " is '" + region.get() + "', which contradicts IMAGE, whose"
                        + " registry is in '" + fromImage.get() + "'; set " + name + " to '" + fromImage.get()
                        + "' or leave it empty (it may come from repository or workspace variables)");
            }
            return fromImage.get();
        }
        if (region.isEmpty() && image != null) {
            problem(Variable.AWS_REGION, "required field when IMAGE is a bare repository name"
                    + " (or give IMAGE as <account>.dkr.ecr.<region>.amazonaws.com/" + image.repository() + ")");
        }
        return region.orElse(null);
    }

    private List<Tag> readTags() {
        List<String> written = writtenTags();
        if (written != null) {
            Set<Tag> tags = new LinkedHashSet<>();
            for (String t : written) {
                if (Tag.isValid(t)) {
                    tags.add(new Tag(t));
                } else {
                    problem(Variable.TAGS, Tag.describeProblem(t));
                }
            }
            if (written.isEmpty() && problems.stream().noneMatch(p -> p.variable().equals(Variable.TAGS.name()))) {
                problem(Variable.TAGS, "no tag given");
            }
            return List.copyOf(tags);
        }
        // The git tag, else the branch, names the image. When it cleans up to nothing, 'latest' would let a
        // feature branch move the production tag: ask for TAGS instead.
        for (String contextVariable : List.of("BITBUCKET_TAG", "BITBUCKET_BRANCH")) {
            String ref = trimmed(contextVariable);
            if (ref != null) {
                Tag tag = Tag.fromGitRef(ref);
                if (tag == null) {
                    problem(Variable.TAGS, "not set, and " + contextVariable + " '" + ref + "' leaves no valid Docker"
                            + " tag once cleaned (letters, digits, '_', '.' and '-', not starting with '.' or '-');"
                            + " set TAGS for this build");
                    return List.of();
                }
                return List.of(tag);
            }
        }
        notes.add("No TAGS, and no git tag or branch (BITBUCKET_TAG, BITBUCKET_BRANCH) in the environment:"
                + " pushing the tag latest.");
        return List.of(new Tag("latest"));
    }

    /** Tags the user wrote: Bitbucket's list form (TAGS_COUNT, TAGS_0, …) first, else TAGS / TAG split on spaces. */
    private List<String> writtenTags() {
        String count = trimmed("TAGS_COUNT");
        if (count != null) {
            value(Variable.TAGS).ifPresent(t -> warnings.add(
                    "Both the list TAGS (TAGS_COUNT) and " + nameSet(Variable.TAGS) + " are set; using the list."));
            if (!LIST_INDEX.matcher(count).matches()) {
                problem(Variable.TAGS, "TAGS_COUNT is '" + count + "', not a number of tags (0 to 9999)");
                return List.of();
            }
            int size = Integer.parseInt(count);
            List<String> tags = new ArrayList<>();
            List<String> missing = new ArrayList<>();
            for (int i = 0; i < size; i++) {
                String t = trimmed("TAGS_" + i);
                if (t == null) {
                    missing.add("TAGS_" + i);
                } else {
                    tags.addAll(List.of(t.split("\\s+")));
                }
            }
            if (!missing.isEmpty()) {
                // one problem however many are missing: a TAGS_COUNT of 9999 must not print 9999 lines
                String which;
                if (missing.size() == 1) {
                    which = missing.get(0) + " is not set";
                } else if (missing.size() <= 3) {
                    which = String.join(", ", missing.subList(0, missing.size() - 1)) + " and "
                            + missing.get(missing.size() - 1) + " are not set";
                } else {
                    which = missing.size() + " of TAGS_0 … TAGS_" + (size - 1) + " are not set, the first "
                            + missing.get(0);
                }
                problem(Variable.TAGS, "TAGS_COUNT is " + size + " but " + which);
            }
            return tags;
        }
        return value(Variable.TAGS).map(t -> List.of(t.split("\\s+"))).orElse(null);
    }

    /**
     * BUILD_CONTEXT, symbolic links resolved as the docker CLI resolves them. It must lie inside the working
     * directory (the clone): a context of {@code /} or {@code ../} would send files the repository does not hold.
     */
    private Path readContext() {
        String written = value(Variable.BUILD_CONTEXT).orElse(".");
        Path context;
        try {
            context = workingDirectory.resolve(written).normalize();
        } catch (InvalidPathException e) {
            problem(Variable.BUILD_CONTEXT, "'" + written + "' is not a valid path");
            return null;
        }
        if (!Files.isDirectory(context)) {
            problem(Variable.BUILD_CONTEXT, "'" + written + "' is not a directory (looked at " + context + ")");
            return null;
        }
        Path real;
        Path clone;
        try {
            real = context.toRealPath();
            clone = workingDirectory.toRealPath();
        } catch (IOException e) {
            problem(Variable.BUILD_CONTEXT, "'" + written + "' cannot be read (" + e.getMessage() + ")");
            return null;
        }
        if (!real.startsWith(clone)) {
            problem(Variable.BUILD_CONTEXT, "'" + written + "' is " + real + ", outside the working directory "
                    + clone + " (the clone); the build context must lie inside it. To build files from elsewhere,"
                    + " copy them into the clone in an earlier script line");
            return null;
        }
        if (!Files.isReadable(real) || !Files.isExecutable(real)) {
            problem(Variable.BUILD_CONTEXT, "'" + written + "' cannot be read (permission denied)");
            return null;
        }
        return real;
    }

    /**
     * DOCKERFILE, relative to the build context, resolved as the docker CLI resolves it: {@code Dockerfile}, or
     * {@code dockerfile} when only that exists; symbolic links followed; the result must lie inside the context.
     * Returns its path inside the context, slash-separated, or null after reporting a problem.
     */
    private String readDockerfile(Path context) {
        Optional<String> given = value(Variable.DOCKERFILE);
        String written = given.orElse("Dockerfile");
        Path dockerfile;
        try {
            dockerfile = context.resolve(written).normalize();
        } catch (InvalidPathException e) {
            problem(Variable.DOCKERFILE, "'" + written + "' is not a valid path");
            return null;
        }
        if (given.isEmpty() && !Files.exists(dockerfile, LinkOption.NOFOLLOW_LINKS)
                && Files.exists(context.resolve("dockerfile"), LinkOption.NOFOLLOW_LINKS)) {
            written = "dockerfile";
            dockerfile = context.resolve(written);
        }
        if (!dockerfile.startsWith(context)) {
            problem(Variable.DOCKERFILE, "'" + written + "' lies outside BUILD_CONTEXT (" + context
                    + "); the Dockerfile must be inside the build context");
            return null;
        }
        if (!Files.exists(dockerfile)) {
            problem(Variable.DOCKERFILE, "'" + written + "' does not exist (looked at " + dockerfile + ")"
                    + (Files.exists(dockerfile, LinkOption.NOFOLLOW_LINKS) ? ": it is a symbolic link to nothing"
                    : isEmpty(workingDirectory) ? "; the working directory " + workingDirectory + " is empty: the pipe"
                    + " runs in the clone, which Bitbucket mounts there; by hand, add -v \"$PWD:$PWD\" -w \"$PWD\""
                    + " to docker run" : ""));
            return null;
        }
        Path real;
        try {
            real = dockerfile.toRealPath();
        } catch (IOException e) {
            problem(Variable.DOCKERFILE, "'" + written + "' cannot be read (" + e.getMessage() + ")");
            return null;
        }
        if (!real.startsWith(context)) {
            problem(Variable.DOCKERFILE, "'" + written + "' is a symbolic link to " + real + ", outside BUILD_CONTEXT ("
                    + context + "); the Dockerfile must be inside the build context");
            return null;
        }
        if (!Files.isRegularFile(real) || !Files.isReadable(real)) {
            problem(Variable.DOCKERFILE, "'" + written + "' is not a readable file");
            return null;
        }
        String noInstruction = withoutInstruction(real);
        if (noInstruction != null) {
            problem(Variable.DOCKERFILE, "'" + written + "' " + noInstruction);
            return null;
        }
        return context.relativize(real).toString();
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

    /** What docker build would send, checked: every file it would send must be readable. */
    private BuildContext scanContext(Path context, String dockerfile) {
        try {
            BuildContext build = BuildContext.scan(context, dockerfile);
            build.warnings().forEach(w -> warnings.add("Build context: " + printable(w) + "."));
            return build;
        } catch (BuildContext.Unusable e) {
            e.problems().forEach(p -> problem(Variable.BUILD_CONTEXT, p));
            return null;
        }
    }

    private String readDockerHost() {
        String host = value(Variable.DOCKER_HOST).orElse("unix:///var/run/docker.sock");
        URI uri;
        try {
            uri = URI.create(host);
        } catch (IllegalArgumentException e) {
            problem(Variable.DOCKER_HOST, "'" + host + "' is not an address (like tcp://localhost:2375)");
            return null;
        }
        String scheme = Optional.ofNullable(uri.getScheme()).orElse("").toLowerCase(Locale.ROOT);
        if (scheme.equals("tcp") && uri.getHost() != null && uri.getPort() != -1 && !isPort(uri.getPort())) {
            problem(Variable.DOCKER_HOST, "'" + host + "' names the port " + uri.getPort() + ", outside 1 to 65535");
            return null;
        }
        boolean ok = switch (scheme) {
            case "unix" -> uri.getPath() != null && !uri.getPath().isEmpty();
            case "tcp" -> uri.getHost() != null && uri.getPort() > 0;
            default -> false;
        };
        if (!ok) {
            problem(Variable.DOCKER_HOST, "'" + host + "' is not a Docker address; use unix:///path/to/docker.sock"
                    + " or tcp://host:port");
            return null;
        }
        return host;
    }

    private Optional<URI> readEndpoint(Variable variable) {
        Optional<String> value = value(variable);
        if (value.isEmpty()) {
            return Optional.empty();
        }
        try {
            URI uri = URI.create(value.get());
            String scheme = Optional.ofNullable(uri.getScheme()).orElse("");
            if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null) {
                if (uri.getPort() != -1 && !isPort(uri.getPort())) {
                    problem(variable, "'" + value.get() + "' names the port " + uri.getPort() + ", outside 1 to 65535");
                    return Optional.empty();
                }
                return Optional.of(uri);
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        problem(variable, "'" + value.get() + "' is not an http(s) URL");
        return Optional.empty();
    }

    private static boolean isPort(int port) {
        return port >= 1 && port <= 65535;
    }

    private boolean readDebug() {
        Optional<String> debug = value(Variable.DEBUG);
        if (debug.isEmpty()) {
            return false;
        }
        String v = debug.get().toLowerCase(Locale.ROOT);
        if (!v.equals("true") && !v.equals("false")) {
            problem(Variable.DEBUG, "'" + debug.get() + "' is neither true nor false");
        }
        return v.equals("true");
    }

    /**
     * A whole number from {@code min} to {@code max}; the variable's documented default when unset, or after
     * reporting a problem.
     */
    private int readWholeNumber(Variable variable, int min, int max) {
        int fallback = Integer.parseInt(variable.defaultValue());
        Optional<String> value = value(variable);
        if (value.isEmpty()) {
            return fallback;
        }
        String written = value.get();
        if (written.matches("[0-9]{1,9}")) {
            int number = Integer.parseInt(written);
            if (number >= min && number <= max) {
                return number;
            }
        }
        problem(variable, "'" + written + "' is not a whole number from " + min + " to " + max);
        return fallback;
    }

    /**
     * Records a problem, its quoted values made printable. A variable whose value holds a stray character has
     * that problem alone: what else is wrong with it follows from it.
     */
    private void problem(Variable variable, String message) {
        if (!strayCharacters.contains(variable)) {
            problems.add(new Problem(variable.name(), printable(message)));
        }
    }

    private static List<Problem> sorted(List<Problem> problems) {
        List<Problem> copy = new ArrayList<>(problems);
        copy.sort(java.util.Comparator.comparingInt(p -> Variable.valueOf(p.variable()).ordinal()));
        return copy;
    }
}
