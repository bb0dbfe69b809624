package org.ecrpushpipe.config;

import java.io.IOException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.ecrpushpipe.dockerfile.Dockerfile;
import org.ecrpushpipe.errors.PipeException;

/**
 * Reads what the IAM policy of a run depends on, for the {@code policy} subcommand: the same variables, through
 * the same {@link VariableReader} and by the same rules as a run. Only IMAGE and AWS_REGION must be valid, since
 * they name the repository the policy is about; every other variable is read leniently — a value with a problem
 * counts as unset (or as its default), and the problem is not reported — so that the policy can be printed, and
 * put in place, before the step's other variables are right. The run itself reports them.
 */
public final class PolicyVariables {
    private static final Set<Variable> REQUIRED = Set.of(Variable.IMAGE, Variable.AWS_REGION);

    private PolicyVariables() {
    }

    /**
     * What the policy depends on.
     *
     * @param image           the repository (IMAGE)
     * @param region          its region
     * @param promotes        SOURCE_TAG or SOURCE_DIGEST: an image already in the repository is re-tagged
     * @param pullsCache      the registry cache is pulled (a build with CACHE not false)
     * @param cacheFrom       the repositories CACHE_FROM names in the image's own registry, for a build that pulls
     *                        the cache; a run skips images of other registries, so they need nothing
     * @param createsRepository CREATE_REPOSITORY is true
     * @param tagsRepository  REPOSITORY_TAGS is set
     * @param kmsEncryption   ENCRYPTION is KMS
     * @param kmsKey          KMS_KEY as written
     * @param lifecyclePolicy LIFECYCLE_POLICY is set
     * @param mirrorRegions   MIRROR_REGIONS, as written
     * @param roleArn         AWS_ROLE_ARN
     * @param baseImages      the ECR repositories the Dockerfile's images are in (FROM, COPY --from, build arguments
     *                        put in), which a build pulls with the run's login; none when it builds nothing or the
     *                        Dockerfile cannot be read
     * @param scanGate        SCAN_FAIL_ON is set: the image is scanned before it is tagged
     * @param combines        PLATFORM_TAGS: images of several platforms are combined into one, in the registry
     */
    public record Needs(ImageRef image, String region, boolean promotes, boolean pullsCache, List<String> cacheFrom,
                        boolean createsRepository, boolean tagsRepository, boolean kmsEncryption,
                        Optional<String> kmsKey, boolean lifecyclePolicy, List<String> mirrorRegions,
                        Optional<String> roleArn, List<EcrImage> baseImages, boolean scanGate, boolean combines) {
        public Needs {
            baseImages = List.copyOf(baseImages);
            cacheFrom = List.copyOf(cacheFrom);
            mirrorRegions = List.copyOf(mirrorRegions);
        }
    }

    /**
     * An image in an ECR repository.
     *
     * @param registry   the ECR registry it is in
     * @param repository the repository's name
     */
    public record EcrImage(ImageRef.EcrRegistryHost registry, String repository) {
    }

    /**
     * Reads what the policy depends on.
     *
     * @throws PipeException.Configuration with the problems of IMAGE and AWS_REGION, when either has one
     */
    public static Needs read(Map<String, String> env, Path workingDirectory) {
        VariableReader reader = new VariableReader(env, workingDirectory);
        ImageVariables target = new ImageVariables(reader);
        ImageRef image = target.image();
        String region = target.region(image);
        List<PipeException.Configuration.Problem> problems = reader.problems(REQUIRED);
        if (!problems.isEmpty()) {
            throw new PipeException.Configuration(problems);
        }
        boolean promotes = reader.isSet(Variable.SOURCE_TAG) || reader.isSet(Variable.SOURCE_DIGEST);
        // PLATFORM_TAGS builds nothing either: a run recognises it by the variable alone, as a promotion
        boolean combines = reader.isSet(Variable.PLATFORM_TAGS);
        CacheSettings cache = new CacheVariables(reader).read();
        boolean pullsCache = !promotes && !combines && !reader.isSet(Variable.LOCAL_IMAGE) && cache.mode().pulls();
        Optional<String> ownHost = image.registry().map(r -> r.host());
        List<String> cacheFrom = !pullsCache ? List.of() : cache.cacheFrom().stream()
                .filter(c -> c.registryHost().isEmpty() || c.registryHost().equals(ownHost))
                .map(CacheSettings.CacheImage::repository).toList();
        return new Needs(image, region, promotes, pullsCache, cacheFrom,
                reader.flag(Variable.CREATE_REPOSITORY), reader.isSet(Variable.REPOSITORY_TAGS),
                reader.value(Variable.ENCRYPTION).filter("KMS"::equalsIgnoreCase).isPresent(),
                reader.value(Variable.KMS_KEY), reader.isSet(Variable.LIFECYCLE_POLICY),
                reader.list(Variable.MIRROR_REGIONS).orElse(List.of()), reader.value(Variable.AWS_ROLE_ARN),
                promotes || combines || reader.isSet(Variable.LOCAL_IMAGE) ? List.of()
                        : baseImages(reader, workingDirectory),
                reader.value(Variable.SCAN_FAIL_ON).flatMap(Severity::of).isPresent(), combines);
    }

    /** The ECR images the Dockerfile pulls, read as a build reads them; none when it cannot be read. */
    private static List<EcrImage> baseImages(VariableReader reader, Path workingDirectory) {
        Path dockerfile = workingDirectory.resolve(reader.value(Variable.BUILD_CONTEXT).orElse("."))
                .resolve(reader.value(Variable.DOCKERFILE).orElse("Dockerfile"));
        Map<String, Optional<String>> args = new LinkedHashMap<>();
        new BuildVariables(reader).read().buildArgs().forEach(a -> args.put(a.name(), a.value()));
        List<String> images;
        try {
            images = Dockerfile.read(dockerfile).images(args);
        } catch (IOException | InvalidPathException e) {
            return List.of();
        }
        List<EcrImage> ecr = new ArrayList<>();
        for (String image : images) {
            int slash = image.indexOf('/');
            Optional<ImageRef.EcrRegistryHost> host = slash < 0 ? Optional.empty()
                    : ImageRef.ecrRegistryHost(image.substring(0, slash));
            host.ifPresent(h -> ecr.add(new EcrImage(h, image.substring(slash + 1)
                    .replaceFirst("@.*$", "").replaceFirst(":[^:/]*$", ""))));
        }
        return ecr;
    }
}
