package org.ecrpushpipe.packaged;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.ecrpushpipe.scenarios.Builder;
import org.ecrpushpipe.scenarios.JarLauncher;
import org.ecrpushpipe.scenarios.Launcher;
import org.ecrpushpipe.standin.CodeInsightsStandIn;
import org.ecrpushpipe.testbed.DoctoredEngine;
import org.ecrpushpipe.testbed.EcrBed;
import org.ecrpushpipe.testbed.EcrBedExtension;
import org.ecrpushpipe.testbed.PlatformImages;
import org.ecrpushpipe.testbed.SilentServer;
import org.ecrpushpipe.testbed.TestImages;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every bad input answered: one table of bad inputs across every variable the pipe has, each run through
 * the packaged pipe ({@code java -jar}) on the bed — the real engine, the ECR stand-in and the registry behind it,
 * shared by all rows. A row is a change to a run that would otherwise succeed (a clone holding {@code FROM scratch}
 * + {@code COPY hello.txt /}, IMAGE the full URI of a repository of the row's own), the documented exit code it
 * must end with, and what its one {@code ✖} line must say (for exit 2, the problem listed under the variable).
 * Every row is held to the same standard: that exit code; exactly one {@code ✖} line naming the cause, then a
 * hint; for exit 2 nothing but {@code VARIABLE:} / {@code - problem} lines in between; no stack trace without
 * DEBUG; no secret (keys, secrets, session tokens, registry passwords), in whole or in part; no blank line (but
 * those parting BuildKit's progress blocks), control character or {@code null} in the output; nothing pushed, to
 * that repository or any other. Rows that fail in the variables never reach the engine; the others build only a tiny
 * context, mostly from the engine's cache.
 *
 * <p>The feature issues add their rows here.
 */
@ExtendWith(EcrBedExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadInputTableIT {
    private static final List<String> AS_NOBODY = List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups");
    /**
     * How long a run may take when the ECR endpoint or the engine accepts connections but never answers (
     * "the run must fail within a bounded, documented time, not hang"): docs/errors.md's "Time limits" gives an ECR call
     * about 60 s (the first such call ends the run) and the engine's ping 20 s; the rest is the JVM's start and the
     * margin of a busy machine.
     */
    private static final Duration NO_ANSWER_BOUND = Duration.ofSeconds(75);
    private static final Pattern COLOUR = Pattern.compile("\u001b\\[[0-9;]*m");
    /** A line of BuildKit's plain progress: {@code #3 [2/2] COPY hello.txt /}. */
    private static final Pattern BUILDKIT_BLOCK = Pattern.compile("#\\d+ ");
    /** A stack trace's lines, or a Java exception named as Java names it ({@code java.io.IOException}, {@code Foo: …}). */
    private static final Pattern STACK_TRACE = Pattern.compile("\tat |\\bat [\\w$.]+\\(|Caused by:|\\.java:\\d+\\)"
            + "|\\b(?:[a-z][a-z0-9_]*\\.)+[A-Z]\\w*(?:Exception|Error)\\b|\\b[A-Z]\\w*(?:Exception|Error):");
    /** A lifecycle policy ECR takes, for rows that break it one way at a time. */
    private static final String LIFECYCLE = "{\"rules\": [{\"rulePriority\": 1, \"description\": \"Expire untagged"
            + " images after 14 days\", \"selection\": {\"tagStatus\": \"untagged\", \"countType\":"
            + " \"sinceImagePushed\", \"countUnit\": \"days\", \"countNumber\": 14}, \"action\": {\"type\":"
            + " \"expire\"}}]}";
    private static final List<String> SECRET_VARIABLES = List.of("AWS_KEY", "AWS_ACCESS_KEY_ID", "AWS_SECRET",
            "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "BITBUCKET_STEP_OIDC_TOKEN", "REGISTRY_PASSWORD", "NPM_TOKEN");
    /** The value of the build secret's variable in the BUILD_SECRETS rows: never to be shown. */
    private static final String NPM_TOKEN = "npm_BadInputTableToken0123456789";

    private final EcrBed bed;
    /** Where every row's clone lies: world-readable, so that rows can run the pipe as nobody. */
    private Path root;
    private Path readableJar;
    private int rows;

    BadInputTableIT(EcrBed bed) {
        this.bed = bed;
    }

    @BeforeAll
    void createRoot() throws IOException {
        root = Files.createTempDirectory(Path.of("/tmp"), "bad-input-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
    }

    @AfterAll
    void removeRoot() throws IOException {
        if (root != null) {
            try (Stream<Path> files = Files.walk(root)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // The table
    // ---------------------------------------------------------------------------------------------------------

    static Stream<Row> table() {
        return Stream.of(Stream.of(
                // AWS_KEY / AWS_ACCESS_KEY_ID
                row("AWS_KEY not set", r -> r.remove("AWS_KEY"))
                        .config("AWS_KEY", "required field (or set AWS_ACCESS_KEY_ID)"),
                row("AWS_KEY empty, as Bitbucket passes an unset $AWS_KEY", r -> r.set("AWS_KEY", ""))
                        .config("AWS_KEY", "required field"),
                row("AWS_KEY only blanks", r -> r.set("AWS_KEY", " \t "))
                        .config("AWS_KEY", "required field"),
                row("AWS_KEY unknown to AWS", r -> r.set("AWS_KEY", "AKIABADINPUTUNKNOWN1"))
                        .fails(3, "AWS does not recognise the access key"),
                row("AWS_KEY with a line break inside", r -> r.set("AWS_KEY", EcrBed.ACCESS_KEY.substring(0, 10) + "\n"
                        + EcrBed.ACCESS_KEY.substring(10)))
                        .config("AWS_KEY", "AWS_KEY holds a line break inside its value (not shown)"),
                row("AWS_KEY and AWS_ACCESS_KEY_ID differ, the winning AWS_KEY unknown",
                        r -> r.set("AWS_KEY", "AKIABADINPUTUNKNOWN2").set("AWS_ACCESS_KEY_ID", EcrBed.ACCESS_KEY))
                        .fails(3, "AWS does not recognise the access key")
                        .warning("Both AWS_KEY and AWS_ACCESS_KEY_ID are set and differ; using AWS_KEY."),
                row("AWS_ACCESS_KEY_ID alone, unknown to AWS",
                        r -> r.remove("AWS_KEY").set("AWS_ACCESS_KEY_ID", "AKIABADINPUTUNKNOWN3"))
                        .fails(3, "AWS does not recognise the access key"),

                // AWS_SECRET / AWS_SECRET_ACCESS_KEY
                row("AWS_SECRET not set", r -> r.remove("AWS_SECRET"))
                        .config("AWS_SECRET", "required field (or set AWS_SECRET_ACCESS_KEY)"),
                row("AWS_SECRET wrong", r -> r.set("AWS_SECRET", "WrongSecretOfTheBadInputTable/0123456789+"))
                        .fails(3, "AWS rejected the request signature"),
                row("AWS_SECRET two values pasted on two lines",
                        r -> r.set("AWS_SECRET", r.bed().secretKey() + "\nSecondPastedSecretValue/0123456789"))
                        .config("AWS_SECRET", "AWS_SECRET holds a line break inside its value (not shown)"),
                row("AWS_SECRET with a no-break space copied from a web page",
                        r -> r.set("AWS_SECRET", r.bed().secretKey() + "\u00a0").set("LANG", "C.UTF-8"))
                        .config("AWS_SECRET", "AWS_SECRET holds a no-break space (U+00A0) inside its value"),
                row("AWS_SECRET and AWS_SECRET_ACCESS_KEY differ, the winning AWS_SECRET wrong",
                        r -> r.set("AWS_SECRET", "WrongSecretOfTheBadInputTable/AliasWins0")
                                .set("AWS_SECRET_ACCESS_KEY", r.bed().secretKey()))
                        .fails(3, "AWS rejected the request signature")
                        .warning("Both AWS_SECRET and AWS_SECRET_ACCESS_KEY are set and differ; using AWS_SECRET."),
                row("DEBUG=true with a wrong secret: details, but no secret",
                        r -> r.set("DEBUG", "true").set("AWS_SECRET", "WrongSecretOfTheBadInputTable/WithDebug1"))
                        .fails(3, "AWS rejected the request signature"),

                // AWS_SESSION_TOKEN
                row("AWS_SESSION_TOKEN with a long-lived key",
                        r -> r.set("AWS_SESSION_TOKEN", "FwoGZXIvYXdzEStaleSessionTokenOfTheBadInputTable"))
                        .fails(3, "AWS does not recognise the access key").hint("AWS_SESSION_TOKEN"),
                row("session credentials expired", r -> {
                    String key = "ASIABADINPUTEXPIRED1";
                    String secret = "ExpiredSessionSecretOfTheBadInputTable/01";
                    String token = "FwoGZXIvYXdzEExpiredSessionTokenOfTheBadInputTable";
                    r.bed().standIn().addSessionCredentials(key, secret, token, Instant.now().minus(Duration.ofHours(1)));
                    r.set("AWS_KEY", key).set("AWS_SECRET", secret).set("AWS_SESSION_TOKEN", token);
                }).fails(3, "have expired"),
                row("AWS_SESSION_TOKEN with a line break inside",
                        r -> r.set("AWS_SESSION_TOKEN", "FwoGZXIvYXdzEFirstLineOfAToken\nSecondLineOfAToken"))
                        .config("AWS_SESSION_TOKEN", "AWS_SESSION_TOKEN holds a line break inside its value (not shown)"),

                // AWS_REGION / AWS_DEFAULT_REGION
                row("AWS_REGION not a region name, IMAGE a bare name",
                        r -> r.set("IMAGE", r.repository()).set("AWS_REGION", "Sydney"))
                        .config("AWS_REGION", "AWS_REGION is 'Sydney', not an AWS region name"),
                row("AWS_REGION contradicts the region in IMAGE", r -> r.set("AWS_REGION", "us-east-1"))
                        .config("AWS_REGION", "AWS_REGION is 'us-east-1', which contradicts IMAGE"),
                row("AWS_DEFAULT_REGION from repository variables contradicts IMAGE",
                        r -> r.remove("AWS_REGION").set("AWS_DEFAULT_REGION", "eu-west-1"))
                        .config("AWS_REGION", "AWS_DEFAULT_REGION is 'eu-west-1', which contradicts IMAGE"),
                row("IMAGE a bare name, no region", r -> r.set("IMAGE", r.repository()).remove("AWS_REGION"))
                        .config("AWS_REGION", "required field when IMAGE is a bare repository name"),
                row("AWS_REGION a region the ECR endpoint does not serve, IMAGE a bare name",
                        r -> r.set("IMAGE", r.repository()).set("AWS_REGION", "eu-west-1"))
                        .fails(3, "eu-west-1"),
                row("AWS_REGION with an escape sequence inside", r -> r.set("AWS_REGION", "ap-southeast-1\u001b[2Jx"))
                        .config("AWS_REGION", "AWS_REGION holds the control character U+001B inside its value"
                                + " 'ap-southeast-1\\u001B[2Jx'"),

                // IMAGE / IMAGE_NAME
                row("IMAGE not set", r -> r.remove("IMAGE"))
                        .config("IMAGE", "required field (or set IMAGE_NAME)"),
                row("IMAGE with a tag", r -> r.set("IMAGE", r.bed().repositoryUri(r.repository()) + ":1.0"))
                        .config("IMAGE", "holds the tag '1.0'; IMAGE names the repository only, put tags in TAGS"),
                row("IMAGE with a digest", r -> r.set("IMAGE", r.bed().repositoryUri(r.repository()) + "@sha256:"
                        + "0".repeat(64)))
                        .config("IMAGE", "holds a digest"),
                row("IMAGE with a URL scheme", r -> r.set("IMAGE", "https://" + r.bed().repositoryUri(r.repository())))
                        .config("IMAGE", "has a URL scheme"),
                row("IMAGE in upper case", r -> r.set("IMAGE", EcrBed.ECR_REGISTRY_HOST + "/Bad/Input"))
                        .config("IMAGE", "is not a valid ECR repository name (names are lower case)"),
                row("IMAGE account id that lost its leading zero",
                        r -> r.set("IMAGE", "12345678901.dkr.ecr.ap-southeast-1.amazonaws.com/bad/input"))
                        .config("IMAGE", "has 11 digits, not 12; a leading zero was probably lost"),
                row("IMAGE on Docker Hub", r -> r.set("IMAGE", "docker.io/library/bad-input"))
                        .config("IMAGE", "is not an ECR registry host"),
                row("IMAGE on ECR Public", r -> r.set("IMAGE", "public.ecr.aws/bad/input"))
                        .config("IMAGE", "is ECR Public"),
                row("IMAGE mixes a China host with another partition's region",
                        r -> r.set("IMAGE", "123456789012.dkr.ecr.eu-west-1.amazonaws.com.cn/bad/input")
                                .remove("AWS_REGION"))
                        .config("IMAGE", "mixes partitions"),
                row("IMAGE repository name longer than 256",
                        r -> r.set("IMAGE", EcrBed.ECR_REGISTRY_HOST + "/" + "a".repeat(257)))
                        .config("IMAGE", "is 257 characters long; ECR allows 2 to 256"),
                row("IMAGE with a line break inside", r -> r.set("IMAGE", "bad/input\nlatest"))
                        .config("IMAGE", "IMAGE holds a line break inside its value 'bad/input\\nlatest'"),
                row("IMAGE names a repository that does not exist",
                        r -> r.set("IMAGE", r.bed().repositoryUri("bad/never-created")))
                        .fails(6, "The repository 'bad/never-created' does not exist"),
                row("IMAGE and IMAGE_NAME differ, the winning IMAGE missing in ECR",
                        r -> r.set("IMAGE", r.bed().repositoryUri("bad/also-never-created"))
                                .set("IMAGE_NAME", r.bed().repositoryUri(r.repository())))
                        .fails(6, "The repository 'bad/also-never-created' does not exist")
                        .warning("Both IMAGE and IMAGE_NAME are set and differ; using IMAGE."),

                // TAGS / TAG / TAGS_COUNT, and the default from the git context
                row("TAGS with a slash", r -> r.set("TAGS", "feature/login"))
                        .config("TAGS", "'feature/login' contains '/'"),
                row("TAGS starting with a dash", r -> r.set("TAGS", "-rc1"))
                        .config("TAGS", "'-rc1' starts with '-'"),
                row("TAGS longer than 128 characters", r -> r.set("TAGS", "t".repeat(129)))
                        .config("TAGS", "is 129 characters long; a tag has at most 128"),
                row("TAGS with an escape sequence inside", r -> r.set("TAGS", "v1\u001b[31m"))
                        .config("TAGS", "TAGS holds the control character U+001B inside its value 'v1\\u001B[31m'"),
                row("TAGS_COUNT not a number", r -> r.set("TAGS_COUNT", "two").set("TAGS_0", "a"))
                        .config("TAGS", "TAGS_COUNT is 'two', not a number of tags"),
                row("TAGS_COUNT more than the items given", r -> r.set("TAGS_COUNT", "3").set("TAGS_0", "a"))
                        .config("TAGS", "TAGS_COUNT is 3 but TAGS_1 and TAGS_2 are not set"),
                row("TAGS_COUNT out of all proportion", r -> r.set("TAGS_COUNT", "9999").set("TAGS_0", "a"))
                        .config("TAGS", "TAGS_COUNT is 9999 but 9998 of TAGS_0 … TAGS_9998 are not set"),
                row("TAGS_COUNT zero", r -> r.set("TAGS_COUNT", "0"))
                        .config("TAGS", "no tag given"),
                row("TAGS and TAG differ, the winning TAGS invalid",
                        r -> r.set("TAGS", "release/1").set("TAG", "release-1"))
                        .config("TAGS", "'release/1' contains '/'")
                        .warning("Both TAGS and TAG are set and differ; using TAGS."),
                row("no TAGS, and BITBUCKET_BRANCH cleans to nothing", r -> r.set("BITBUCKET_BRANCH", "///"))
                        .config("TAGS", "not set, and BITBUCKET_BRANCH '///' leaves no valid Docker tag"),
                row("no TAGS, and BITBUCKET_TAG holds only slashes and an escape character",
                        r -> r.set("BITBUCKET_TAG", "/\u001b[/"))
                        .config("TAGS", "not set, and BITBUCKET_TAG '/\\u001B[/' leaves no valid Docker tag"),

                // DOCKERFILE
                row("DOCKERFILE does not exist", r -> r.set("DOCKERFILE", "Dockerfile.prod"))
                        .config("DOCKERFILE", "'Dockerfile.prod' does not exist"),
                // a Dockerfile outside BUILD_CONTEXT but inside the clone is built, as docker build -f builds it
                row("DOCKERFILE outside the clone", r -> r.set("DOCKERFILE", "../Dockerfile"))
                        .config("DOCKERFILE", "'../Dockerfile' lies outside the working directory"),
                row("DOCKERFILE outside the clone, from a BUILD_CONTEXT below it", r -> {
                    r.outside("Dockerfile", "FROM scratch\nCOPY hello.txt /hello.txt\n");
                    r.file("service/hello.txt", "hello\n").set("BUILD_CONTEXT", "service")
                            .set("DOCKERFILE", "../../outside/Dockerfile");
                }).config("DOCKERFILE", "'../../outside/Dockerfile' lies outside the working directory"),
                row("DOCKERFILE a symbolic link out of the clone", r -> {
                    Path outside = r.outside("Dockerfile", "FROM scratch\nCOPY hello.txt /hello.txt\n");
                    r.link("Dockerfile.linked", outside).set("DOCKERFILE", "Dockerfile.linked");
                }).config("DOCKERFILE", "'Dockerfile.linked' is a symbolic link to "),
                row("the default Dockerfile a symbolic link out of the clone", r -> {
                    r.busybox();
                    Path outside = r.outside("Dockerfile", "FROM scratch\nCOPY busybox /bin/busybox\n");
                    r.delete("Dockerfile").link("Dockerfile", outside);
                }).config("DOCKERFILE", "'Dockerfile' is a symbolic link to "),
                row("DOCKERFILE through a directory symlink leaving the clone", r -> {
                    Path outside = r.outside("docker/Dockerfile", "FROM scratch\nCOPY hello.txt /hello.txt\n");
                    r.link("docker", outside.getParent()).set("DOCKERFILE", "docker/Dockerfile");
                }).config("DOCKERFILE", "'docker/Dockerfile' is a symbolic link to "),
                row("DOCKERFILE a dangling symbolic link",
                        r -> r.link("Dockerfile.dangling", Path.of("nowhere")).set("DOCKERFILE", "Dockerfile.dangling"))
                        .config("DOCKERFILE", "it is a symbolic link to nothing"),
                row("DOCKERFILE a directory", r -> r.file("docker/Dockerfile", "FROM scratch\n").set("DOCKERFILE", "docker"))
                        .config("DOCKERFILE", "'docker' is not a readable file"),
                row("DOCKERFILE unreadable to the pipe's user", r -> r.asNobody().chmod("Dockerfile", "rw-------"))
                        .config("DOCKERFILE", "'Dockerfile' is not a readable file"),
                row("Dockerfile empty", r -> r.busybox().dockerfile(""))
                        .config("DOCKERFILE", "'Dockerfile' is empty"),
                row("Dockerfile only comments", r -> r.busybox().dockerfile("# FROM scratch\n\n# to do\n"))
                        .config("DOCKERFILE", "'Dockerfile' holds no instruction")
            ),
            // the Dockerfile's own problems, which the build meets: under BuildKit (the default) and the classic
            // builder, each in its own words
            dockerfileRows(Builder.BUILDKIT),
            dockerfileRows(Builder.CLASSIC),
            Stream.of(
                // BUILD_CONTEXT and the files it holds
                row("BUILD_CONTEXT does not exist", r -> r.set("BUILD_CONTEXT", "service"))
                        .config("BUILD_CONTEXT", "'service' is not a directory"),
                row("BUILD_CONTEXT a file", r -> r.set("BUILD_CONTEXT", "hello.txt"))
                        .config("BUILD_CONTEXT", "'hello.txt' is not a directory"),
                row("BUILD_CONTEXT outside the clone", r -> r.set("BUILD_CONTEXT", "../"))
                        .config("BUILD_CONTEXT", "outside the working directory"),
                row("BUILD_CONTEXT a symbolic link to a directory outside the clone", r -> {
                    Path outside = r.outside("service/Dockerfile", "FROM scratch\n");
                    r.link("service", outside.getParent()).set("BUILD_CONTEXT", "service");
                }).config("BUILD_CONTEXT", "outside the working directory"),
                row("BUILD_CONTEXT unreadable to the pipe's user", r -> r.asNobody()
                        .file("service/Dockerfile", "FROM scratch\n").chmod("service", "rwx------")
                        .set("BUILD_CONTEXT", "service"))
                        .config("BUILD_CONTEXT", "'service' cannot be read (permission denied)"),
                row("a file in the context unreadable to the pipe's user", r -> r.asNobody()
                        .file("secret.txt", "only root reads this\n").chmod("secret.txt", "rw-------"))
                        .config("BUILD_CONTEXT", "cannot read 'secret.txt' (permission denied)"),
                row("a directory in the context unreadable to the pipe's user", r -> r.asNobody()
                        .file("private/inner.txt", "only root reads this\n").chmod("private", "rwx------"))
                        .config("BUILD_CONTEXT", "cannot read the directory 'private' (permission denied)"),
                row(".dockerignore unreadable to the pipe's user", r -> r.asNobody()
                        .file(".dockerignore", "secret.txt\n").chmod(".dockerignore", "rw-------"))
                        .config("BUILD_CONTEXT", ".dockerignore cannot be read (permission denied)"),
                row(".dockerignore a directory", r -> r.file(".dockerignore/x", "x\n"))
                        .config("BUILD_CONTEXT", ".dockerignore cannot be read"),
                row(".dockerignore with a malformed pattern", r -> r.file(".dockerignore", "ok\n[\n"))
                        .config("BUILD_CONTEXT", ".dockerignore holds the pattern '[', which is malformed"),
                row("the clone not mounted: an empty working directory", Setup::emptyClone)
                        .config("DOCKERFILE", "is empty: the pipe runs in the clone"),

                // RETRIES, RETRY_MAX_SECONDS
                row("RETRIES not a number", r -> r.set("RETRIES", "three"))
                        .config("RETRIES", "'three' is not a whole number from 0 to 10"),
                row("RETRIES out of range", r -> r.set("RETRIES", "11"))
                        .config("RETRIES", "'11' is not a whole number from 0 to 10"),
                row("RETRIES negative", r -> r.set("RETRIES", "-1"))
                        .config("RETRIES", "'-1' is not a whole number from 0 to 10"),
                row("RETRY_MAX_SECONDS zero", r -> r.set("RETRY_MAX_SECONDS", "0"))
                        .config("RETRY_MAX_SECONDS", "'0' is not a whole number from 1 to 300"),
                row("RETRY_MAX_SECONDS with a unit", r -> r.set("RETRY_MAX_SECONDS", "30s"))
                        .config("RETRY_MAX_SECONDS", "'30s' is not a whole number from 1 to 300"),
                row("RETRY_MAX_SECONDS out of range", r -> r.set("RETRY_MAX_SECONDS", "3600"))
                        .config("RETRY_MAX_SECONDS", "'3600' is not a whole number from 1 to 300"),

                // CREATE_REPOSITORY and the settings of a created repository, LIFECYCLE_POLICY
                row("CREATE_REPOSITORY neither true nor false", r -> r.set("CREATE_REPOSITORY", "yes"))
                        .config("CREATE_REPOSITORY", "'yes' is neither true nor false"),
                row("a repository setting without CREATE_REPOSITORY", r -> r.set("IMAGE_TAG_MUTABILITY", "IMMUTABLE"))
                        .config("CREATE_REPOSITORY", "IMAGE_TAG_MUTABILITY is set, but CREATE_REPOSITORY is not true"),
                row("IMAGE_TAG_MUTABILITY unknown",
                        r -> r.set("CREATE_REPOSITORY", "true").set("IMAGE_TAG_MUTABILITY", "READONLY"))
                        .config("IMAGE_TAG_MUTABILITY", "'READONLY' is not a tag mutability"),
                row("IMAGE_TAG_MUTABILITY_EXCLUSIONS without a *_WITH_EXCLUSION kind", r -> r.set("CREATE_REPOSITORY",
                        "true").set("IMAGE_TAG_MUTABILITY", "IMMUTABLE").set("IMAGE_TAG_MUTABILITY_EXCLUSIONS", "latest"))
                        .config("IMAGE_TAG_MUTABILITY_EXCLUSIONS", "is set, but IMAGE_TAG_MUTABILITY is IMMUTABLE"),
                row("a *_WITH_EXCLUSION kind without IMAGE_TAG_MUTABILITY_EXCLUSIONS", r -> r.set("CREATE_REPOSITORY",
                        "true").set("IMAGE_TAG_MUTABILITY", "MUTABLE_WITH_EXCLUSION"))
                        .config("IMAGE_TAG_MUTABILITY_EXCLUSIONS", "not set, but IMAGE_TAG_MUTABILITY is"
                                + " MUTABLE_WITH_EXCLUSION, which needs 1 to 5 filters"),
                row("IMAGE_TAG_MUTABILITY_EXCLUSIONS more than 5", r -> r.set("CREATE_REPOSITORY", "true")
                        .set("IMAGE_TAG_MUTABILITY", "IMMUTABLE_WITH_EXCLUSION")
                        .set("IMAGE_TAG_MUTABILITY_EXCLUSIONS", "latest main dev-* feature-* fix-* rc-*"))
                        .config("IMAGE_TAG_MUTABILITY_EXCLUSIONS", "6 filters given; ECR allows at most 5"),
                row("KMS_KEY without ENCRYPTION KMS", r -> r.set("CREATE_REPOSITORY", "true").set("KMS_KEY", "alias/ecr"))
                        .config("KMS_KEY", "is set, but ENCRYPTION is not KMS"),
                row("REPOSITORY_TAGS item not key=value",
                        r -> r.set("CREATE_REPOSITORY", "true").set("REPOSITORY_TAGS", "team=payments production"))
                        .config("REPOSITORY_TAGS", "the item 'production' is not key=value"),
                row("LIFECYCLE_POLICY file missing", r -> r.set("LIFECYCLE_POLICY", "ecr/lifecycle.json"))
                        .config("LIFECYCLE_POLICY", "'ecr/lifecycle.json' does not exist"),
                row("LIFECYCLE_POLICY file unreadable to the pipe's user", r -> r.asNobody()
                        .file(".dockerignore", "lifecycle.json\n") // not sent with the build: only the pipe reads it
                        .file("lifecycle.json", LIFECYCLE).chmod("lifecycle.json", "rw-------")
                        .set("LIFECYCLE_POLICY", "lifecycle.json"))
                        .config("LIFECYCLE_POLICY", "'lifecycle.json' is not a readable file"),
                row("LIFECYCLE_POLICY file not JSON", r -> r.file("lifecycle.json", LIFECYCLE.replace("]}", "]"))
                        .set("LIFECYCLE_POLICY", "lifecycle.json"))
                        .config("LIFECYCLE_POLICY", "'lifecycle.json' is not JSON"),
                row("LIFECYCLE_POLICY file not ECR's rule shape",
                        r -> r.file("lifecycle.json", LIFECYCLE.replace("\"expire\"", "\"delete\""))
                                .set("LIFECYCLE_POLICY", "lifecycle.json"))
                        .config("LIFECYCLE_POLICY", "is not an ECR lifecycle policy: rule 1: the action's 'type' must"
                                + " be 'expire'"),
                row("LIFECYCLE_POLICY file shorter than ECR takes",
                        r -> r.file("lifecycle.json", "{\"rules\": []}").set("LIFECYCLE_POLICY", "lifecycle.json"))
                        .config("LIFECYCLE_POLICY", "holds 13 characters; ECR takes a lifecycle policy of 100 to 30720"),
                row("CREATE_REPOSITORY refused by the IAM policy", r -> {
                    r.bed().standIn().deny("CreateRepository");
                    r.onClose(() -> r.bed().standIn().allow("CreateRepository"));
                    r.set("IMAGE", r.bed().repositoryUri("bad/create-denied")).set("CREATE_REPOSITORY", "true");
                }).fails(3, "Missing permission ecr:CreateRepository on arn:aws:ecr:").hint("policy subcommand"),
                row("CREATE_REPOSITORY with a KMS key KMS cannot find", r -> r.set("IMAGE",
                        r.bed().repositoryUri("bad/create-kms")).set("CREATE_REPOSITORY", "true")
                        .set("ENCRYPTION", "KMS").set("KMS_KEY", "alias/never-created"))
                        .fails(6, "ECR could not use the repository's KMS key"),
                // BUILD_ARGS, TARGET, LABELS, NO_CACHE, PULL, LOCAL_IMAGE
                row("BUILD_ARGS item without a name", r -> r.set("BUILD_ARGS", "VERSION=1 =hidden-value"))
                        .config("BUILD_ARGS", "item 2 is not KEY=VALUE or KEY: its name is empty"),
                row("BUILD_ARGS name starting with a digit", r -> r.set("BUILD_ARGS", "1VERSION=hidden-value"))
                        .config("BUILD_ARGS", "its name '1VERSION' is not a build argument name"),
                row("BUILD_ARGS list item whose value holds a line break",
                        r -> r.set("BUILD_ARGS_COUNT", "1").set("BUILD_ARGS_0", "TOKEN=first-line\nsecond-line"))
                        .config("BUILD_ARGS", "the value of TOKEN holds a line break or control character (value not"
                                + " shown)"),
                row("BUILD_ARGS with a control character inside", r -> r.set("BUILD_ARGS", "VERSION=1\u0007hidden"))
                        .config("BUILD_ARGS", "BUILD_ARGS holds the control character U+0007 inside its value (not"
                                + " shown)"),
                // BUILD_SECRETS
                row("BUILD_SECRETS item of another form", r -> r.set("BUILD_SECRETS", "npm=NPM_TOKEN"))
                        .config("BUILD_SECRETS", "'npm=NPM_TOKEN' is not id=ID,env=VARIABLE or id=ID,src=FILE"),
                row("BUILD_SECRETS item naming both env and src", r -> r.set("BUILD_SECRETS",
                        "id=npm,env=NPM_TOKEN,src=.npmrc").set("NPM_TOKEN", NPM_TOKEN))
                        .config("BUILD_SECRETS", "it names both env and src"),
                row("BUILD_SECRETS id given twice", r -> r.set("BUILD_SECRETS", "id=npm,env=NPM_TOKEN id=npm,src=hello.txt")
                        .set("NPM_TOKEN", NPM_TOKEN))
                        .config("BUILD_SECRETS", "the id 'npm' is given twice"),
                row("BUILD_SECRETS env naming a variable not passed to the pipe",
                        r -> r.set("BUILD_SECRETS", "id=npm,env=NPM_TOKEN"))
                        .config("BUILD_SECRETS", "id=npm: the variable NPM_TOKEN is not set; pass it to the pipe"),
                row("BUILD_SECRETS env naming an empty variable, as Bitbucket passes an unset $NPM_TOKEN",
                        r -> r.set("BUILD_SECRETS", "id=npm,env=NPM_TOKEN").set("NPM_TOKEN", ""))
                        .config("BUILD_SECRETS", "id=npm: the variable NPM_TOKEN is empty"),
                row("BUILD_SECRETS src missing", r -> r.set("BUILD_SECRETS", "id=netrc,src=.netrc"))
                        .config("BUILD_SECRETS", "id=netrc: the file '.netrc' does not exist"),
                row("BUILD_SECRETS src a directory", r -> r.file("keys/readme.txt", "x\n")
                        .set("BUILD_SECRETS", "id=keys,src=keys"))
                        .config("BUILD_SECRETS", "id=keys: the file 'keys' is a directory; name a file"),
                row("BUILD_SECRETS src outside the clone", r -> r.set("BUILD_SECRETS",
                        "id=netrc,src=" + r.outside(".netrc", "machine x password " + NPM_TOKEN + "\n")))
                        .config("BUILD_SECRETS", "lies outside the working directory (the clone)"),
                row("BUILD_SECRETS src the pipe's user cannot read", r -> r.asNobody().file(".dockerignore", ".netrc\n")
                        .file(".netrc", "machine x password " + NPM_TOKEN + "\n").chmod(".netrc", "---------")
                        .set("BUILD_SECRETS", "id=netrc,src=.netrc"))
                        .config("BUILD_SECRETS", "id=netrc: the file '.netrc' cannot be read (permission denied)"),
                row("BUILD_SECRETS with BUILDER classic", r -> r.set("BUILD_SECRETS", "id=npm,env=NPM_TOKEN")
                        .set("NPM_TOKEN", NPM_TOKEN).set("BUILDER", "classic"))
                        .config("BUILD_SECRETS", "build secrets need BuildKit, but BUILDER is classic"),
                row("BUILD_SECRETS on an engine without BuildKit (known after the ping)", r -> {
                    DoctoredEngine engine = DoctoredEngine.start(r.bed().dockerHost(), DoctoredEngine.Doctoring.NO_BUILDKIT);
                    r.onClose(engine).set("DOCKER_HOST", engine.dockerHost())
                            .set("BUILD_SECRETS", "id=npm,env=NPM_TOKEN").set("NPM_TOKEN", NPM_TOKEN);
                }).config("BUILD_SECRETS", "build secrets need BuildKit, which the Docker engine (Docker 18.03.1-ce"
                        + " (API 1.37, linux)) does not have"),
                row("BUILD_SECRETS and an engine that refuses the session", r -> {
                    DoctoredEngine engine = DoctoredEngine.start(r.bed().dockerHost(), DoctoredEngine.Doctoring.NO_SESSIONS);
                    r.onClose(engine).set("DOCKER_HOST", engine.dockerHost())
                            .set("BUILD_SECRETS", "id=npm,env=NPM_TOKEN").set("NPM_TOKEN", NPM_TOKEN);
                }).fails(4, "refused the build session that build secrets need: HTTP/1.1 400 Bad Request: session not"
                        + " supported by this engine").hint("Docker 18.09 or later"),
                row("RUN --mount=type=secret without BUILD_SECRETS",
                        r -> r.dockerfile("FROM scratch\nRUN --mount=type=secret,id=npm cat /run/secrets/npm\n"))
                        .fails(5, "The Dockerfile has RUN --mount=type=secret, but BUILD_SECRETS gives the build no"
                                + " secret").hint("BUILD_SECRETS"),
                row("RUN --mount=type=ssh", r -> r.dockerfile("FROM scratch\nRUN --mount=type=ssh ssh-add -l\n"))
                        .fails(5, "The Dockerfile has RUN --mount=type=ssh, which needs an SSH agent forwarded into the"
                                + " build").hint("mount the key as a build secret"),
                row("a required secret mount whose id BUILD_SECRETS does not give", r -> r.busybox(
                        "RUN --mount=type=secret,id=missing,required cat /run/secrets/missing")
                        .set("BUILD_SECRETS", "id=npm,env=NPM_TOKEN").set("NPM_TOKEN", NPM_TOKEN))
                        .fails(5, "id=missing,required").hint("BUILD_SECRETS does not give"),
                row("LABELS item without '='", r -> r.set("LABELS", "team=payments maintainer"))
                        .config("LABELS", "'maintainer' is not key=value"),
                row("LABELS item with an empty key", r -> r.set("LABELS", "=payments"))
                        .config("LABELS", "'=payments' is not key=value (the key is empty)"),
                row("TARGET not a stage of the Dockerfile", r -> r.set("TARGET", "test")
                        .dockerfile("FROM scratch AS base\nCOPY hello.txt /hello.txt\nFROM base AS release\n"))
                        .config("TARGET", "'test' is not a stage of Dockerfile, which has the stages base, release"),
                row("TARGET with a Dockerfile that names no stage", r -> r.set("TARGET", "release"))
                        .config("TARGET", "'release' is not a stage of Dockerfile, which names no stage"),
                row("NO_CACHE neither true nor false", r -> r.set("NO_CACHE", "yes"))
                        .config("NO_CACHE", "'yes' is neither true nor false"),
                row("PULL neither true nor false", r -> r.set("PULL", "always"))
                        .config("PULL", "'always' is neither true nor false"),
                row("LOCAL_IMAGE with build variables", r -> r.set("LOCAL_IMAGE", "my-app").set("DOCKERFILE", "Dockerfile")
                        .set("NO_CACHE", "true"))
                        .config("LOCAL_IMAGE", "LOCAL_IMAGE pushes an image already built, so DOCKERFILE, NO_CACHE have"
                                + " nothing to build"),
                row("LOCAL_IMAGE not in the engine, and no Dockerfile in the clone",
                        r -> r.set("LOCAL_IMAGE", "bad-input-never-built:1").delete("Dockerfile"))
                        .config("LOCAL_IMAGE", "'bad-input-never-built:1' is not an image in the Docker engine at"),
                // CACHE, CACHE_FROM, OUTPUT_FILE
                row("CACHE neither true, false nor stages", r -> r.set("CACHE", "yes"))
                        .config("CACHE", "'yes' is not one of true, false, stages"),
                row("CACHE_FROM a digest instead of a tag", r -> r.set("CACHE_FROM", "team/base@sha256:abc"))
                        .config("CACHE_FROM", "'team/base@sha256:abc' is not an image reference"),
                row("CACHE_FROM with upper-case letters in the repository", r -> r.set("CACHE_FROM", "Team/Base:1"))
                        .config("CACHE_FROM", "'Team/Base:1' is not an image reference"),
                row("CACHE_FROM list with an item missing",
                        r -> r.set("CACHE_FROM_COUNT", "2").set("CACHE_FROM_0", "team/base:main"))
                        .config("CACHE_FROM", "CACHE_FROM_COUNT is 2 but CACHE_FROM_1 is not set"),
                row("OUTPUT_FILE in a directory that does not exist", r -> r.set("OUTPUT_FILE", "out/results.env"))
                        .config("OUTPUT_FILE", "the directory of 'out/results.env' does not exist"),
                row("OUTPUT_FILE a directory", r -> r.file("out/keep.txt", "x\n").set("OUTPUT_FILE", "out"))
                        .config("OUTPUT_FILE", "'out' is a directory; name a file in it"),
                row("OUTPUT_FILE in a directory the pipe's user cannot write", r -> r.asNobody()
                        .file("out/keep.txt", "x\n").chmod("out", "r-xr-xr-x").set("OUTPUT_FILE", "out/results.env"))
                        .config("OUTPUT_FILE", "cannot create a file in the directory of 'out/results.env'"),

                // REPORT, REPORT_PROXY: the Code Insights report on the commit
                row("REPORT neither true nor false", r -> r.inPipeline().set("REPORT", "yes"))
                        .config("REPORT", "'yes' is neither true nor false"),
                row("REPORT true outside a pipeline", r -> r.set("REPORT", "true"))
                        .config("REPORT", "true, but the run is not in a Bitbucket pipeline (BITBUCKET_REPO_FULL_NAME"
                                + " and BITBUCKET_COMMIT are not set)"),
                row("REPORT true with a commit but no repository", r -> r.set("REPORT", "true")
                        .set("BITBUCKET_COMMIT", REPORT_COMMIT).set("TAGS", "latest"))
                        .config("REPORT", "true, but BITBUCKET_REPO_FULL_NAME is not set"),
                row("REPORT_PROXY without a scheme", r -> r.inPipeline().set("REPORT_PROXY", "host.docker.internal:29418"))
                        .config("REPORT_PROXY", "'host.docker.internal:29418' is not the address of an HTTP proxy"),
                row("REPORT_PROXY https", r -> r.inPipeline().set("REPORT_PROXY", "https://localhost:29418"))
                        .config("REPORT_PROXY", "is not the address of an HTTP proxy"),
                row("REPORT_PROXY port out of range", r -> r.inPipeline().set("REPORT_PROXY", "http://localhost:70000"))
                        .config("REPORT_PROXY", "names the port 70000, outside 1 to 65535"),
                row("a failed run in a pipeline reports, and still ends with its failure",
                        r -> r.inPipeline().set("IMAGE", r.bed().repositoryUri("bad/report-never-created")))
                        .fails(6, "does not exist"),
                row("a bad variable in a pipeline whose proxy cannot be reached: one warning, the same answer",
                        r -> r.inPipeline().set("REPORT_PROXY", "http://no-such-proxy.invalid:29418")
                                .set("RETRIES", "many"))
                        .config("RETRIES", "'many' is not a whole number from 0 to 10")
                        .warning("The Code Insights report on commit " + REPORT_COMMIT.substring(0, 12) + " was not"
                                + " sent: the pipeline's proxy http://no-such-proxy.invalid:29418 cannot be reached:"
                                + " the name no-such-proxy.invalid does not resolve here. The run's outcome does not"
                                + " depend on it."),

                // DEBUG, NO_COLOR
                row("DEBUG neither true nor false", r -> r.set("DEBUG", "yes"))
                        .config("DEBUG", "'yes' is neither true nor false"),
                row("NO_COLOR unset: the answer in red, still one ✖ line",
                        r -> r.remove("NO_COLOR").set("IMAGE", r.bed().repositoryUri("bad/never-created-either")))
                        .fails(6, "does not exist"),

                // DOCKER_HOST
                row("DOCKER_HOST without a scheme", r -> r.set("DOCKER_HOST", "host.docker.internal:2375"))
                        .config("DOCKER_HOST", "is not a Docker address"),
                row("DOCKER_HOST tcp without a port", r -> r.set("DOCKER_HOST", "tcp://127.0.0.1"))
                        .config("DOCKER_HOST", "is not a Docker address"),
                row("DOCKER_HOST port out of range", r -> r.set("DOCKER_HOST", "tcp://127.0.0.1:70000"))
                        .config("DOCKER_HOST", "names the port 70000, outside 1 to 65535"),
                row("DOCKER_HOST with a line break inside", r -> r.set("DOCKER_HOST", r.bed().dockerHost() + "\nx"))
                        .config("DOCKER_HOST", "DOCKER_HOST holds a line break inside its value"),
                row("DOCKER_HOST where nothing listens", r -> r.set("DOCKER_HOST", "tcp://127.0.0.1:" + r.closedPort()))
                        .fails(4, "Cannot reach the Docker engine at tcp://127.0.0.1:").hint("services: [docker]"),
                row("DOCKER_HOST a socket that does not exist",
                        r -> r.set("DOCKER_HOST", "unix://" + r.dir().resolve("none.sock")))
                        .fails(4, "Cannot reach the Docker engine at unix://").hint("mount it"),
                row("DOCKER_HOST something that is not a Docker engine (the ECR API)",
                        r -> r.set("DOCKER_HOST", r.bed().standIn().apiEndpoint().replace("http://", "tcp://")))
                        .fails(4, "not a Docker engine").hint("DOCKER_HOST"),
                row("DOCKER_HOST accepts connections but never answers",
                        r -> r.set("DOCKER_HOST", r.silentServer().tcpAddress()))
                        .fails(4, "Docker engine").hint("DOCKER_HOST").within(NO_ANSWER_BOUND),

                // AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_ECR, AWS_ENDPOINT_URL_STS
                row("AWS_ENDPOINT_URL without a scheme", r -> r.set("AWS_ENDPOINT_URL", "127.0.0.1:4566"))
                        .config("AWS_ENDPOINT_URL", "'127.0.0.1:4566' is not an http(s) URL"),
                row("AWS_ENDPOINT_URL of another scheme", r -> r.set("AWS_ENDPOINT_URL", "ftp://127.0.0.1:21"))
                        .config("AWS_ENDPOINT_URL", "is not an http(s) URL"),
                row("AWS_ENDPOINT_URL port out of range", r -> r.set("AWS_ENDPOINT_URL", "http://127.0.0.1:99999"))
                        .config("AWS_ENDPOINT_URL", "names the port 99999, outside 1 to 65535"),
                row("AWS_ENDPOINT_URL with a line break inside",
                        r -> r.set("AWS_ENDPOINT_URL", r.bed().standIn().apiEndpoint() + "\n" + "http://127.0.0.1:1"))
                        .config("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL holds a line break inside its value"),
                row("AWS_ENDPOINT_URL where nothing listens",
                        r -> r.set("AWS_ENDPOINT_URL", "http://127.0.0.1:" + r.closedPort()))
                        .fails(6, "ECR API").hint("AWS_ENDPOINT_URL"),
                row("AWS_ENDPOINT_URL accepts connections but never answers",
                        r -> r.set("AWS_ENDPOINT_URL", r.silentServer().httpUrl()))
                        .fails(6, "ECR API").hint("AWS_ENDPOINT_URL").within(NO_ANSWER_BOUND),
                row("AWS_ENDPOINT_URL https to an endpoint that speaks http",
                        r -> r.set("AWS_ENDPOINT_URL", r.bed().standIn().apiEndpoint().replace("http://", "https://")))
                        .fails(6, "ECR API").hint("AWS_ENDPOINT_URL").within(NO_ANSWER_BOUND),
                row("AWS_ENDPOINT_URL something that is not the ECR API (the Docker engine)",
                        r -> r.set("AWS_ENDPOINT_URL", r.bed().dockerHost().replace("tcp://", "http://")))
                        .fails(6, "ECR").hint("AWS_ENDPOINT_URL"),
                row("AWS_ENDPOINT_URL_ECR malformed", r -> r.set("AWS_ENDPOINT_URL_ECR", "localhost"))
                        .config("AWS_ENDPOINT_URL_ECR", "'localhost' is not an http(s) URL"),
                row("AWS_ENDPOINT_URL_ECR where nothing listens, AWS_ENDPOINT_URL right",
                        r -> r.set("AWS_ENDPOINT_URL_ECR", "http://127.0.0.1:" + r.closedPort()))
                        .fails(6, "ECR API").hint("AWS_ENDPOINT_URL_ECR"),
                row("AWS_ENDPOINT_URL_STS malformed", r -> r.set("AWS_ENDPOINT_URL_STS", "sts.amazonaws.com"))
                        .config("AWS_ENDPOINT_URL_STS", "'sts.amazonaws.com' is not an http(s) URL"),

                // SOURCE_TAG, SOURCE_DIGEST, MIRROR_REGIONS: promotion and mirroring
                row("SOURCE_TAG not a valid tag", r -> r.set("SOURCE_TAG", "build/42"))
                        .config("SOURCE_TAG", "'build/42' contains '/'"),
                row("SOURCE_DIGEST not a digest", r -> r.set("SOURCE_DIGEST", "sha256:1234"))
                        .config("SOURCE_DIGEST", "'sha256:1234' is not a manifest digest"),
                row("SOURCE_TAG and SOURCE_DIGEST both", r -> r.set("SOURCE_TAG", "build-42")
                        .set("SOURCE_DIGEST", "sha256:" + "0".repeat(64)))
                        .config("SOURCE_DIGEST", "set together with SOURCE_TAG"),
                row("SOURCE_TAG with DOCKERFILE", r -> r.set("SOURCE_TAG", "build-42").set("DOCKERFILE", "Dockerfile"))
                        .config("SOURCE_TAG", "set together with DOCKERFILE: SOURCE_TAG promotes an image already in"
                                + " the repository and builds nothing"),
                row("SOURCE_DIGEST with BUILD_CONTEXT",
                        r -> r.set("SOURCE_DIGEST", "sha256:" + "0".repeat(64)).set("BUILD_CONTEXT", "."))
                        .config("SOURCE_DIGEST", "set together with BUILD_CONTEXT"),
                row("SOURCE_TAG with LOCAL_IMAGE and BUILD_ARGS",
                        r -> r.set("SOURCE_TAG", "build-42").set("LOCAL_IMAGE", "my-app").set("BUILD_ARGS", "A=1"))
                        .config("SOURCE_TAG", "set together with BUILD_ARGS and LOCAL_IMAGE: SOURCE_TAG promotes"),
                row("SOURCE_DIGEST with CREATE_REPOSITORY", r -> r.set("SOURCE_DIGEST", "sha256:" + "0".repeat(64))
                        .set("CREATE_REPOSITORY", "true").set("IMAGE_TAG_MUTABILITY", "IMMUTABLE"))
                        .config("SOURCE_DIGEST", "set together with CREATE_REPOSITORY: true, but SOURCE_DIGEST promotes"
                                + " an image already in the repository"),
                row("SOURCE_TAG not in the repository", r -> r.set("SOURCE_TAG", "never-pushed"))
                        .config("SOURCE_TAG", "'never-pushed' is not in"),
                row("MIRROR_REGIONS not a region name", r -> r.set("MIRROR_REGIONS", "eu-west-1 Ireland"))
                        .config("MIRROR_REGIONS", "'Ireland' is not an AWS region name"),
                row("MIRROR_REGIONS naming the image's own region", r -> r.set("MIRROR_REGIONS", EcrBed.REGION))
                        .config("MIRROR_REGIONS", "'" + EcrBed.REGION + "' is the region of IMAGE itself"),
                row("MIRROR_REGIONS in another partition", r -> r.set("MIRROR_REGIONS", "cn-north-1"))
                        .config("MIRROR_REGIONS", "'cn-north-1' is in another AWS partition"),
                row("MIRROR_REGIONS list with an item missing",
                        r -> r.set("MIRROR_REGIONS_COUNT", "2").set("MIRROR_REGIONS_0", "eu-west-1"))
                        .config("MIRROR_REGIONS", "MIRROR_REGIONS_COUNT is 2 but MIRROR_REGIONS_1 is not set"),
                // PLATFORM_TAGS: multi-platform images combined in the registry
                row("PLATFORM_TAGS with a tag that is not valid", r -> r.set("PLATFORM_TAGS", "1.4-amd64 1.4/arm64"))
                        .config("PLATFORM_TAGS", "'1.4/arm64' contains '/'"),
                row("PLATFORM_TAGS one tag", r -> r.set("PLATFORM_TAGS", "1.4-amd64"))
                        .config("PLATFORM_TAGS", "one tag given ('1.4-amd64')"),
                row("PLATFORM_TAGS_COUNT zero", r -> r.set("PLATFORM_TAGS_COUNT", "0"))
                        .config("PLATFORM_TAGS", "no tag given"),
                row("PLATFORM_TAGS naming a tag of TAGS",
                        r -> r.set("PLATFORM_TAGS", "1.4-amd64 1.4-arm64").set("TAGS", "1.4-arm64 latest"))
                        .config("PLATFORM_TAGS", "'1.4-arm64' is also in TAGS"),
                row("PLATFORM_TAGS with a build's DOCKERFILE",
                        r -> r.set("PLATFORM_TAGS", "1.4-amd64 1.4-arm64").set("DOCKERFILE", "Dockerfile"))
                        .config("PLATFORM_TAGS", "set together with DOCKERFILE: PLATFORM_TAGS combines images already"
                                + " in the repository and builds nothing"),
                row("PLATFORM_TAGS with SOURCE_TAG",
                        r -> r.set("PLATFORM_TAGS", "1.4-amd64 1.4-arm64").set("SOURCE_TAG", "build-42"))
                        .config("PLATFORM_TAGS", "set together with SOURCE_TAG: PLATFORM_TAGS makes a new"
                                + " multi-platform image"),
                row("PLATFORM_TAGS with LOCAL_IMAGE",
                        r -> r.set("PLATFORM_TAGS", "1.4-amd64 1.4-arm64").set("LOCAL_IMAGE", "my-app"))
                        .config("PLATFORM_TAGS", "set together with LOCAL_IMAGE: PLATFORM_TAGS combines images"),
                row("PLATFORM_TAGS with CREATE_REPOSITORY",
                        r -> r.set("PLATFORM_TAGS", "1.4-amd64 1.4-arm64").set("CREATE_REPOSITORY", "true"))
                        .config("PLATFORM_TAGS", "set together with CREATE_REPOSITORY: true, but PLATFORM_TAGS"),
                row("PLATFORM_TAGS with SCAN_FAIL_ON",
                        r -> r.set("PLATFORM_TAGS", "1.4-amd64 1.4-arm64").set("SCAN_FAIL_ON", "HIGH"))
                        .config("SCAN_FAIL_ON", "set together with PLATFORM_TAGS, but ECR scans each platform's image"),
                row("PLATFORM_TAGS a source not in the repository", r -> r.image("1.4-amd64", "linux/amd64")
                        .set("PLATFORM_TAGS", "1.4-amd64 1.4-arm64"))
                        .config("PLATFORM_TAGS", "'1.4-arm64' is not in"),
                row("PLATFORM_TAGS two sources of one platform (arm64 and arm64/v8)",
                        r -> r.image("1.4-arm64", "linux/arm64").image("1.4-arm64-v8", "linux/arm64/v8")
                                .set("PLATFORM_TAGS", "1.4-arm64 1.4-arm64-v8"))
                        .config("PLATFORM_TAGS", "'1.4-arm64-v8' is linux/arm64/v8, as '1.4-arm64' is"),
                row("PLATFORM_TAGS a source whose configuration names no platform",
                        r -> r.image("1.4-amd64", "linux/amd64").image("1.4-other", null)
                                .set("PLATFORM_TAGS", "1.4-amd64 1.4-other"))
                        .config("PLATFORM_TAGS", "names no platform: its configuration"),
                row("PLATFORM_TAGS a source archived",
                        r -> r.image("1.4-amd64", "linux/amd64").image("1.4-arm64", "linux/arm64").archive("1.4-arm64")
                                .set("PLATFORM_TAGS", "1.4-amd64 1.4-arm64"))
                        .config("PLATFORM_TAGS", "is archived (ECR's archive storage class)"),
                // credentials: OIDC and assumed roles
                row("AWS_OIDC_ROLE_ARN not a role ARN", r -> r.oidc("arn:aws:iam::123456789012:user/ci"))
                        .config("AWS_OIDC_ROLE_ARN", "not an IAM role ARN"),
                row("AWS_OIDC_ROLE_ARN set, no OIDC token, no keys",
                        r -> r.remove("AWS_KEY").remove("AWS_SECRET").set("AWS_OIDC_ROLE_ARN", OIDC_ROLE))
                        .config("BITBUCKET_STEP_OIDC_TOKEN", "the step has no OIDC token and no AWS_KEY / AWS_SECRET"
                                + " are set; add 'oidc: true' to the step"),
                row("BITBUCKET_STEP_OIDC_TOKEN not a JWT", r -> r.oidc(OIDC_ROLE)
                        .set("BITBUCKET_STEP_OIDC_TOKEN", "not-a-json-web-token-of-the-bad-input-table"))
                        .config("BITBUCKET_STEP_OIDC_TOKEN", "is not an OpenID Connect token"),
                row("BITBUCKET_STEP_OIDC_TOKEN a JWT that STS does not trust", r -> r.oidc(OIDC_ROLE)
                        .set("BITBUCKET_STEP_OIDC_TOKEN", "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJiYWQtaW5wdXQifQ.c2lnbmF0dXJl"))
                        .fails(3, "STS refused the step's OIDC token").hint("identity provider"),
                row("BITBUCKET_STEP_OIDC_TOKEN expired", r -> r.oidc(OIDC_ROLE)
                        .set("BITBUCKET_STEP_OIDC_TOKEN", r.bed().standIn().issueExpiredWebIdentityToken("bad-input")))
                        .fails(3, "The step's OIDC token has expired"),
                row("AWS_OIDC_ROLE_ARN a role whose trust policy refuses the token",
                        r -> r.oidc("arn:aws:iam::123456789012:role/not-trusting-bitbucket"))
                        .fails(3, "STS refused sts:AssumeRoleWithWebIdentity").hint("trust policy"),
                row("keys and OIDC both set: OIDC wins (its token refused here, though the keys work)",
                        r -> r.oidc(OIDC_ROLE).set("AWS_KEY", EcrBed.ACCESS_KEY).set("AWS_SECRET", r.bed().secretKey())
                                .set("BITBUCKET_STEP_OIDC_TOKEN", "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJrZXlzIn0.c2lnbmF0dXJl"))
                        .fails(3, "STS refused the step's OIDC token")
                        .warning("Both AWS_OIDC_ROLE_ARN (with the step's OIDC token) and AWS_KEY are set; using OIDC,"
                                + " as Bitbucket's official pipes do: a short-lived session beats a stored key."
                                + " Remove the keys from the step."),
                row("AWS_OIDC_ROLE_ARN without the step's token: keys used, and they are wrong",
                        r -> r.set("AWS_OIDC_ROLE_ARN", OIDC_ROLE).set("AWS_KEY", "AKIABADINPUTUNKNOWN4"))
                        .fails(3, "AWS does not recognise the access key")
                        .warning("AWS_OIDC_ROLE_ARN is set, but the step has no OIDC token: add 'oidc: true' to the"
                                + " step. Using AWS_KEY and AWS_SECRET instead."),
                row("AWS_ROLE_ARN malformed", r -> r.set("AWS_ROLE_ARN", "role/pusher"))
                        .config("AWS_ROLE_ARN", "not an IAM role ARN"),
                row("AWS_ROLE_ARN a role whose trust policy refuses the user",
                        r -> r.set("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/not-trusting-ci"))
                        .fails(3, "STS refused sts:AssumeRole on").hint("trust policy"),
                row("AWS_ROLE_EXTERNAL_ID not the one the role's trust policy asks for", r -> {
                    r.bed().standIn().trustRole(ROLE_WITH_EXTERNAL_ID, r.bed().standIn().userArn("ci"),
                            Optional.of("the-right-external-id"));
                    r.set("AWS_ROLE_ARN", ROLE_WITH_EXTERNAL_ID).set("AWS_ROLE_EXTERNAL_ID", "a-wrong-external-id");
                }).fails(3, "STS refused sts:AssumeRole on").hint("AWS_ROLE_EXTERNAL_ID"),
                row("AWS_ROLE_SESSION_NAME too long for STS",
                        r -> r.set("AWS_ROLE_ARN", ROLE_WITH_EXTERNAL_ID).set("AWS_ROLE_SESSION_NAME", "s".repeat(65)))
                        .config("AWS_ROLE_SESSION_NAME", "STS allows 2 to 64"),
                row("REGISTRY_PASSWORD without REGISTRY_USERNAME",
                        r -> r.set("REGISTRY_PASSWORD", "PasswordWithoutAUserOfTheBadInputTable"))
                        .config("REGISTRY_PASSWORD", "REGISTRY_PASSWORD is set without REGISTRY_USERNAME"),
                row("IMAGE on another registry, its password wrong, AWS keys given (unused)",
                        r -> r.set("IMAGE", r.bed().registry().host() + "/" + r.repository())
                                .set("REGISTRY_USERNAME", r.bed().registry().username())
                                .set("REGISTRY_PASSWORD", "WrongPasswordOfTheBadInputTable01"))
                        .fails(3, "refused REGISTRY_USERNAME and REGISTRY_PASSWORD")
                        .hint("access token"),
                row("MIRROR_REGIONS with an IMAGE on another registry",
                        r -> r.set("IMAGE", r.bed().registry().host() + "/" + r.repository())
                                .set("REGISTRY_USERNAME", r.bed().registry().username())
                                .set("REGISTRY_PASSWORD", r.bed().registry().password())
                                .set("MIRROR_REGIONS", "eu-west-1"))
                        .config("MIRROR_REGIONS", "works with Amazon ECR only, but IMAGE is on"),
                // the scan gate: SCAN_FAIL_ON, SCAN_IGNORE, SCAN_TIMEOUT_SECONDS
                row("SCAN_FAIL_ON not a severity", r -> r.set("SCAN_FAIL_ON", "SEVERE"))
                        .config("SCAN_FAIL_ON", "'SEVERE' is not a severity; use one of CRITICAL, HIGH, MEDIUM, LOW,"
                                + " INFORMATIONAL"),
                row("SCAN_FAIL_ON a CVSS score instead of a severity", r -> r.set("SCAN_FAIL_ON", "7.0"))
                        .config("SCAN_FAIL_ON", "'7.0' is not a severity"),
                row("SCAN_IGNORE a package name, not a finding id",
                        r -> r.set("SCAN_FAIL_ON", "HIGH").set("SCAN_IGNORE", "CVE-2024-12345 openssl"))
                        .config("SCAN_IGNORE", "'openssl' is not a finding id"),
                row("SCAN_IGNORE ids joined by commas",
                        r -> r.set("SCAN_FAIL_ON", "HIGH").set("SCAN_IGNORE", "CVE-2024-12345,CVE-2024-54321"))
                        .config("SCAN_IGNORE", "'CVE-2024-12345,CVE-2024-54321' is not a finding id"),
                row("SCAN_IGNORE a CVE id cut short", r -> r.set("SCAN_FAIL_ON", "HIGH").set("SCAN_IGNORE", "CVE-2024-12"))
                        .config("SCAN_IGNORE", "'CVE-2024-12' is not a finding id"),
                row("SCAN_IGNORE without SCAN_FAIL_ON", r -> r.set("SCAN_IGNORE", "CVE-2024-12345"))
                        .config("SCAN_IGNORE", "is set, but SCAN_FAIL_ON is not"),
                row("SCAN_TIMEOUT_SECONDS with a unit", r -> r.set("SCAN_FAIL_ON", "HIGH").set("SCAN_TIMEOUT_SECONDS", "5m"))
                        .config("SCAN_TIMEOUT_SECONDS", "'5m' is not a whole number from 1 to 3600"),
                row("SCAN_TIMEOUT_SECONDS zero", r -> r.set("SCAN_FAIL_ON", "HIGH").set("SCAN_TIMEOUT_SECONDS", "0"))
                        .config("SCAN_TIMEOUT_SECONDS", "'0' is not a whole number from 1 to 3600"),
                row("SCAN_TIMEOUT_SECONDS beyond an hour",
                        r -> r.set("SCAN_FAIL_ON", "HIGH").set("SCAN_TIMEOUT_SECONDS", "7200"))
                        .config("SCAN_TIMEOUT_SECONDS", "'7200' is not a whole number from 1 to 3600"),
                row("SCAN_TIMEOUT_SECONDS without SCAN_FAIL_ON", r -> r.set("SCAN_TIMEOUT_SECONDS", "60"))
                        .config("SCAN_TIMEOUT_SECONDS", "is set, but SCAN_FAIL_ON is not"),
                row("SCAN_FAIL_ON with an IMAGE on another registry",
                        r -> r.set("IMAGE", r.bed().registry().host() + "/" + r.repository())
                                .set("REGISTRY_USERNAME", r.bed().registry().username())
                                .set("REGISTRY_PASSWORD", r.bed().registry().password())
                                .set("SCAN_FAIL_ON", "CRITICAL"))
                        .config("SCAN_FAIL_ON", "works with Amazon ECR only, but IMAGE is on"))).flatMap(rows -> rows);
    }

    /** The commit of the rows run in a pipeline. */
    private static final String REPORT_COMMIT = "bad0123456789abcdef0123456789abcdef01234";

    /** The role the table's OIDC rows name; the stand-in lets web identities assume it. */
    private static final String OIDC_ROLE = "arn:aws:iam::123456789012:role/bad-input-oidc";
    private static final String ROLE_WITH_EXTERNAL_ID = "arn:aws:iam::123456789012:role/bad-input-external-id";

    // ---------------------------------------------------------------------------------------------------------
    // Running a row
    // ---------------------------------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void everyBadInputIsAnsweredWithItsExitCodeOneCauseAndAHint(Row row) throws Exception {
        Path dir = Files.createDirectories(root.resolve("row-" + (++rows)));
        Setup setup = new Setup(bed, dir, "bad/input-" + rows);
        Launcher.PipeRun run;
        List<String> registryBefore;
        List<String> tagsBefore;
        try {
            row.change.apply(setup);
            setup.finish();
            // taken after the set-up, which may write the images a row needs into the row's repository
            registryBefore = registryCatalog();
            tagsBefore = registryTags(setup.repository);
            JarLauncher launcher = setup.asNobody ? new JarLauncher(AS_NOBODY, readableJar(), List.of())
                    : new JarLauncher();
            if (row.within != null) {
                launcher = launcher.withTimeout(row.within);
            }
            try {
                run = launcher.run(setup.env, Map.of(), setup.clone);
            } catch (IllegalStateException e) {
                if (row.within == null) {
                    throw e;
                }
                fail("the run must end within " + row.within.toSeconds() + " s, and did not: " + e.getMessage());
                return;
            }
        } finally {
            setup.closeResources();
        }
        check(row, setup, run);
        assertEquals(registryBefore, registryCatalog(), "nothing was pushed, not even a layer\n" + run.output());
        assertEquals(tagsBefore, registryTags(setup.repository), "no tag was written\n" + run.output());
    }

    /** The repositories the real registry holds anything of. */
    private List<String> registryCatalog() {
        return given().header("Authorization", bed.registry().basicAuthorization())
                .when().get(bed.registry().url() + "/v2/_catalog?n=1000")
                .then().statusCode(200).extract().jsonPath().getList("repositories", String.class);
    }

    /** The tags the real registry holds in a repository; none when it holds nothing of it. */
    private List<String> registryTags(String repository) {
        var response = given().header("Authorization", bed.registry().basicAuthorization())
                .when().get(bed.registry().url() + "/v2/" + repository + "/tags/list");
        if (response.statusCode() == 404) {
            return List.of();
        }
        List<String> tags = response.then().statusCode(200).extract().jsonPath().getList("tags", String.class);
        return tags == null ? List.of() : tags.stream().sorted().toList();
    }

    private void check(Row row, Setup setup, Launcher.PipeRun run) {
        String raw = run.output();
        String shown = "\n--- the output of '" + row + "' ---\n" + raw + "--- end ---";
        assertEquals(row.exitCode, run.exitCode(), "the documented exit code" + shown);

        boolean debug = "true".equals(setup.env.get("DEBUG"));
        boolean colour = setup.env.getOrDefault("NO_COLOR", "").isEmpty();
        if (!colour) {
            // the pipe's own colours; what the build prints (the engine colours a step's stderr) is shown as it is
            assertFalse(raw.contains("\u001b[0;3") || raw.contains("\u001b[0;9"), "NO_COLOR is set: no colours" + shown);
        }
        String plain = COLOUR.matcher(raw).replaceAll("");
        assertFalse(plain.contains("\r"), "no carriage returns" + shown);
        List<String> lines = plain.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            // BuildKit's plain progress (what docker build --progress=plain prints) parts its blocks with a blank
            // line; no other blank line is allowed
            boolean betweenProgressBlocks = i > 0 && i + 1 < lines.size()
                    && BUILDKIT_BLOCK.matcher(lines.get(i - 1)).lookingAt()
                    && BUILDKIT_BLOCK.matcher(lines.get(i + 1)).lookingAt();
            assertFalse(line.isEmpty() && !betweenProgressBlocks || !line.isEmpty() && line.isBlank(),
                    "no blank lines" + shown);
            assertTrue(line.chars().allMatch(c -> c >= 0x20 && c != 0x7f || c == '\t' && debug),
                    "no control characters (but colours) in the line '" + line + "'" + shown);
        }

        List<Integer> failures = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith("✖")) {
                failures.add(i);
            }
        }
        assertEquals(1, failures.size(), "exactly one ✖ line" + shown);
        int at = failures.get(0);
        String failure = lines.get(at);
        if (colour) {
            assertTrue(raw.contains("\u001b[0;31m" + failure), "the ✖ line is red" + shown);
        }
        int hintAt;
        if (row.exitCode == 2) {
            assertEquals("✖ Validation errors:", failure, shown);
            Map<String, List<String>> listed = new LinkedHashMap<>();
            String variable = null;
            int i = at + 1;
            for (; i < lines.size() && !lines.get(i).startsWith("  Hint: "); i++) {
                String line = lines.get(i);
                if (line.matches("[A-Z_]+:")) {
                    variable = line.substring(0, line.length() - 1);
                    listed.put(variable, new ArrayList<>());
                } else {
                    assertTrue(variable != null && line.startsWith("- ") && line.length() > 2,
                            "under '✖ Validation errors:' only 'VARIABLE:' and '- problem' lines: '" + line + "'" + shown);
                    listed.get(variable).add(line.substring(2));
                }
            }
            assertEquals(Set.of(row.variable), listed.keySet(), "the variable named, and no other" + shown);
            List<String> problems = listed.get(row.variable);
            assertEquals(1, problems.size(), "one problem, the cause" + shown);
            assertTrue(problems.get(0).contains(row.cause), "the problem names the cause: '" + row.cause + "'" + shown);
            hintAt = i;
        } else {
            assertTrue(failure.contains(row.cause), "the ✖ line names the cause: '" + row.cause + "'" + shown);
            assertFalse(failure.matches(".*[:,;(\\s]"), "the ✖ line is a whole sentence" + shown);
            hintAt = at + 1;
        }
        assertTrue(hintAt < lines.size() && lines.get(hintAt).startsWith("  Hint: "), "a hint follows" + shown);
        String hint = lines.get(hintAt).substring("  Hint: ".length());
        assertTrue(hint.split(" ").length >= 3, "a hint worth the name" + shown);
        if (row.hint != null) {
            assertTrue(hint.contains(row.hint), "the hint says '" + row.hint + "'" + shown);
        }
        for (String answer : List.of(failure, hint)) {
            assertFalse(answer.matches(".*\\bnull\\b.*"), "no 'null' in the answer" + shown);
        }
        if (!debug) {
            assertEquals(lines.size() - 1, hintAt, "nothing after the hint" + shown);
            assertFalse(STACK_TRACE.matcher(plain).find(), "no stack trace or exception without DEBUG" + shown);
        }
        if (row.warning != null) {
            assertTrue(lines.stream().anyMatch(l -> l.equals("WARNING: " + row.warning)),
                    "the warning '" + row.warning + "'" + shown);
        }
        for (String secret : secretsOf(setup)) {
            assertFalse(plain.contains(secret), "a secret (or a part of one) is printed: " + secret + shown);
        }
        assertEquals(Optional.empty(), bed.manifestDigest(setup.repository, "latest"), "nothing was pushed" + shown);
    }

    /**
     * Every secret the run knew: the values of the secret variables, and their parts between blanks (a pasted
     * secret with a line break must not show either half), the bed's own secret, and every registry password the
     * stand-in issued (alone and as the Basic token the engine would send).
     */
    private Set<String> secretsOf(Setup setup) {
        Set<String> secrets = new LinkedHashSet<>();
        List<String> values = new ArrayList<>(List.of(bed.secretKey(), EcrBed.ACCESS_KEY));
        SECRET_VARIABLES.stream().map(setup.env::get).filter(v -> v != null).forEach(values::add);
        for (String value : values) {
            secrets.add(value.strip());
            secrets.addAll(List.of(value.split("[\\s\\u00a0\\u200b\\u001b]+")));
        }
        for (String password : bed.standIn().issuedRegistryPasswords()) {
            secrets.add(password);
            secrets.add(Base64.getEncoder().encodeToString(("AWS:" + password).getBytes(StandardCharsets.UTF_8)));
        }
        secrets.addAll(bed.standIn().issuedSessionSecrets());
        secrets.removeIf(s -> s.length() < 8);
        return secrets;
    }

    /** The packaged pipe copied where the unprivileged user can read it, once for the class. */
    private Path readableJar() throws IOException {
        if (readableJar == null) {
            readableJar = JarLauncher.readableCopy(root);
        }
        return readableJar;
    }

    private static void allowEveryone(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.toList()) {
                if (!Files.isSymbolicLink(p)) {
                    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(
                            Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
                }
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Rows and their set-up
    // ---------------------------------------------------------------------------------------------------------

    /**
     * The Dockerfile's own problems with {@code builder}: the same rows under each, the cause in that builder's words
     * (the classic builder's {@code returned a non-zero code: 1}, BuildKit's {@code exit code: 1}).
     */
    private static Stream<Row> dockerfileRows(Builder builder) {
        boolean buildKit = builder == Builder.BUILDKIT;
        String with = buildKit ? " (BuildKit)" : " (the classic builder)";
        Change use = r -> {
            if (!buildKit) {
                r.set("BUILDER", "classic");
            }
        };
        return Stream.of(
                row("Dockerfile syntax error" + with, use.then(r -> r.dockerfile("FROMM scratch\nCOPY hello.txt"
                        + " /hello.txt\n"))).fails(5, "unknown instruction: FROMM"),
                buildKit
                        ? row("Dockerfile heredoc, which Docker 20.10's own frontend does not support" + with,
                                use.then(r -> r.busybox("COPY <<EOF /greeting.txt", "hello", "EOF")))
                                .fails(5, "unknown instruction: HELLO").hint("here-documents")
                        : row("Dockerfile heredoc, which the classic builder does not support" + with,
                                use.then(r -> r.busybox("COPY <<EOF /greeting.txt", "hello", "EOF")))
                                .fails(5, "needs BuildKit (COPY <<here-document)").hint("BUILDER: auto"),
                row("Dockerfile RUN fails" + with, use.then(r -> r.busybox("RUN echo failing on purpose && exit 1")))
                        .fails(5, buildKit ? "exit code: 1" : "returned a non-zero code: 1"),
                row("Dockerfile RUN killed (137, as by the out-of-memory killer)" + with,
                        use.then(r -> r.busybox("RUN sh -c 'kill -9 $$'; exit $?")))
                        .fails(5, buildKit ? "exit code: 137" : "returned a non-zero code: 137").hint("memory"),
                row("Dockerfile COPY of a file the context lacks" + with,
                        use.then(r -> r.dockerfile("FROM scratch\nCOPY missing.txt /missing.txt\n")))
                        .fails(5, "missing.txt"),
                row("Dockerfile COPY through a directory symlink leaving the context" + with, use.then(r -> {
                    Path outside = r.outside("elsewhere/secret.txt", "outside the clone\n");
                    r.link("elsewhere", outside.getParent())
                            .dockerfile("FROM scratch\nCOPY elsewhere/secret.txt /secret.txt\n");
                })).fails(5, "elsewhere/secret.txt"),
                row("Dockerfile FROM an image no registry holds" + with,
                        use.then(r -> r.dockerfile("FROM 127.0.0.1:1/bad/nothing:1\nCOPY hello.txt /hello.txt\n")))
                        .fails(5, "127.0.0.1:1/bad/nothing"));
    }

    private static Row row(String name, Change change) {
        return new Row(name, change);
    }

    /** What a row changes in a run that would otherwise succeed. */
    @FunctionalInterface
    interface Change {
        void apply(Setup setup) throws Exception;

        /** This change, then {@code next}. */
        default Change then(Change next) {
            return setup -> {
                apply(setup);
                next.apply(setup);
            };
        }
    }

    /** One bad input and the answer the pipe must give it. */
    static final class Row {
        private final String name;
        private final Change change;
        private int exitCode = -1;
        private String variable;
        private String cause;
        private String hint;
        private String warning;
        private Duration within;

        private Row(String name, Change change) {
            this.name = name;
            this.change = change;
        }

        /** Exit 2: {@code ✖ Validation errors:}, and under {@code variable:} one problem containing {@code cause}. */
        Row config(String variable, String cause) {
            this.exitCode = 2;
            this.variable = variable;
            this.cause = cause;
            return this;
        }

        /** Exit {@code exitCode}, the {@code ✖} line containing {@code cause}. */
        Row fails(int exitCode, String cause) {
            this.exitCode = exitCode;
            this.cause = cause;
            return this;
        }

        /** The hint contains this. */
        Row hint(String hint) {
            this.hint = hint;
            return this;
        }

        /** A {@code WARNING:} line says exactly this. */
        Row warning(String warning) {
            this.warning = warning;
            return this;
        }

        /** The run ends within this time. */
        Row within(Duration within) {
            this.within = within;
            return this;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /**
     * One row's run being prepared: its environment (the bed's, for a repository that exists), its clone (a
     * context that builds: {@code FROM scratch} and {@code COPY hello.txt /hello.txt}), files outside the clone, and
     * whether the pipe runs as the unprivileged user (to whom a file can be unreadable; root reads everything).
     */
    static final class Setup {
        private final EcrBed bed;
        private final Path dir;
        private final Path clone;
        private final String repository;
        private final Map<String, String> env;
        private final Map<String, String> modes = new LinkedHashMap<>();
        private final List<AutoCloseable> resources = new ArrayList<>();
        private boolean asNobody;

        Setup(EcrBed bed, Path dir, String repository) throws IOException {
            this.bed = bed;
            this.dir = dir;
            this.repository = repository;
            bed.standIn().createRepository(repository);
            this.clone = Files.createDirectories(dir.resolve("clone"));
            Files.writeString(clone.resolve("Dockerfile"), "FROM scratch\nCOPY hello.txt /hello.txt\n");
            Files.writeString(clone.resolve("hello.txt"), "hello\n");
            this.env = bed.pipeEnv(bed.repositoryUri(repository));
            env.put("HOME", Files.createDirectories(dir.resolve("home")).toString());
        }

        EcrBed bed() {
            return bed;
        }

        /** The row's own ECR repository (it exists), so that a row that wrongly pushes affects no other. */
        String repository() {
            return repository;
        }

        /** The row's own directory, outside the clone. */
        Path dir() {
            return dir;
        }

        Setup set(String name, String value) {
            env.put(name, value);
            return this;
        }

        Setup remove(String name) {
            env.remove(name);
            return this;
        }

        /** OIDC in place of the keys: the role, and a token the stand-in issued; the table's OIDC role is trusted. */
        Setup oidc(String roleArn) {
            bed().standIn().allowRole(OIDC_ROLE);
            return remove("AWS_KEY").remove("AWS_SECRET").set("AWS_OIDC_ROLE_ARN", roleArn)
                    .set("BITBUCKET_STEP_OIDC_TOKEN", bed().standIn().issueWebIdentityToken("bad-input"));
        }

        Setup file(String path, String content) throws IOException {
            Path file = clone.resolve(path);
            Files.createDirectories(file.getParent());
            Files.writeString(file, content);
            return this;
        }

        Setup dockerfile(String content) throws IOException {
            return file("Dockerfile", content);
        }

        Setup delete(String path) throws IOException {
            Files.delete(clone.resolve(path));
            return this;
        }

        Setup link(String path, Path target) throws IOException {
            Files.createSymbolicLink(clone.resolve(path), target);
            return this;
        }

        /** A file outside the clone (beside it, in the row's directory). */
        Path outside(String path, String content) throws IOException {
            Path file = dir.resolve("outside").resolve(path);
            Files.createDirectories(file.getParent());
            return Files.writeString(file, content);
        }

        /** The clone becomes a busybox context ({@link TestImages}) whose Dockerfile ends with these lines. */
        Setup busybox(String... lines) {
            TestImages.Context context = TestImages.busybox(clone);
            for (String line : lines) {
                context.line(line);
            }
            context.write();
            return this;
        }

        /**
         * An image of {@code platform} ({@code os/architecture[/variant]}; null for none) in the row's repository
         * under {@code tag}, written through the stand-in's registry as an earlier step's push writes one.
         */
        Setup image(String tag, String platform) {
            PlatformImages.through(bed.standIn(), bed.secretKey()).image(repository, tag, platform,
                    PlatformImages.DOCKER_V2);
            return this;
        }

        /** Moves the image under {@code tag} to ECR's archive storage class. */
        Setup archive(String tag) {
            bed.standIn().archive(repository, tag);
            return this;
        }

        /** Sets a file's permissions once everything is written (after the whole clone was made readable). */
        Setup chmod(String path, String mode) {
            modes.put(path, mode);
            return this;
        }

        /** Runs the pipe as the unprivileged user {@code nobody}, as {@code docker run --user} would. */
        Setup asNobody() {
            asNobody = true;
            return this;
        }

        /** No clone at all: the working directory is empty, as in a pipe image run without the clone mounted. */
        void emptyClone() throws IOException {
            for (String name : List.of("Dockerfile", "hello.txt")) {
                Files.delete(clone.resolve(name));
            }
        }

        /**
         * The run as a step of a pipeline (its repository and commit set, pushing latest), whose report goes to a
         * stand-in of the pipeline's proxy for as long as the row runs.
         */
        Setup inPipeline() {
            CodeInsightsStandIn proxy = CodeInsightsStandIn.start().commit("acme/app", REPORT_COMMIT);
            resources.add(proxy);
            return set("BITBUCKET_REPO_FULL_NAME", "acme/app").set("BITBUCKET_COMMIT", REPORT_COMMIT)
                    .set("TAGS", "latest").set("REPORT_PROXY", proxy.proxyUrl());
        }

        /** A loopback port nothing listens on. */
        int closedPort() throws IOException {
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                return socket.getLocalPort();
            }
        }

        /** A server on loopback that accepts connections and never answers, for as long as the row runs. */
        SilentServer silentServer() throws IOException {
            SilentServer server = SilentServer.start();
            resources.add(server);
            return server;
        }

        /** Undoes a change to the shared bed once the row has run. */
        Setup onClose(AutoCloseable undo) {
            resources.add(undo);
            return this;
        }

        void finish() throws IOException {
            if (asNobody) {
                allowEveryone(dir);
            }
            for (Map.Entry<String, String> mode : modes.entrySet()) {
                Files.setPosixFilePermissions(clone.resolve(mode.getKey()), PosixFilePermissions.fromString(mode.getValue()));
            }
        }

        void closeResources() throws Exception {
            for (AutoCloseable resource : resources) {
                resource.close();
            }
        }
    }
}
