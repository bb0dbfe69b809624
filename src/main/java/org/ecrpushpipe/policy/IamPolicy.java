package org.ecrpushpipe.policy;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The least-privilege IAM identity policy of one configuration: a pure function of {@link PolicyInputs}. Every
 * action listed is one the pipe (or the Docker engine pushing for it) calls for that configuration; the
 * statements come in a fixed order, each action once, so the printed JSON is stable and can be compared.
 *
 * @param statements the Allow statements, in order
 */
public record IamPolicy(List<Statement> statements) {
    public static final String VERSION = "2012-10-17";

    /** The login: ECR's GetAuthorizationToken is not scoped to a repository (resource {@code *}). */
    static final List<String> LOGIN = List.of("ecr:GetAuthorizationToken");
    /**
     * The base flow on the repository: DescribeRepositories (the pipe checks the repository before building),
     * the Docker engine's push (blob HEAD, the three upload steps, the manifest PUT) and BatchGetImage (the pipe
     * reads the pushed manifest back to verify the digest of every tag).
     */
    static final List<String> PUSH = List.of("ecr:DescribeRepositories", "ecr:BatchGetImage",
            "ecr:BatchCheckLayerAvailability", "ecr:InitiateLayerUpload", "ecr:UploadLayerPart",
            "ecr:CompleteLayerUpload", "ecr:PutImage");
    static final List<String> CACHE_PULL = List.of("ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer",
            "ecr:BatchCheckLayerAvailability");
    static final List<String> CACHE_FROM_PULL = List.of("ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer");
    /** Pulling an image from ECR: its manifest, then its layers. */
    static final List<String> BASE_IMAGE_PULL = List.of("ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer");
    static final List<String> PROMOTION = List.of("ecr:BatchGetImage", "ecr:PutImage");
    /** A promotion checks the repository like a push, then reads the source manifest and puts it under each tag. */
    static final List<String> PROMOTION_CHECK = List.of("ecr:DescribeRepositories");
    /**
     * A multi-platform image made in the registry (PLATFORM_TAGS): the images' manifests read (BatchGetImage), their
     * configurations read through ECR's API (GetDownloadUrlForLayer, in the image's own region only), the index
     * written (PutImage).
     */
    static final List<String> PLATFORM_CONFIGS = List.of("ecr:GetDownloadUrlForLayer");
    static final List<String> CREATE = List.of("ecr:CreateRepository");
    static final List<String> TAG = List.of("ecr:TagResource");
    static final List<String> LIFECYCLE = List.of("ecr:GetLifecyclePolicy", "ecr:PutLifecyclePolicy");
    static final List<String> TEMPLATES = List.of("ecr:DescribeRepositoryCreationTemplates");
    /**
     * ECR's encryption at rest with a customer managed key: creating the repository makes ECR call DescribeKey
     * and CreateGrant (RetireGrant when a grant is retired) as the caller; pushes and pulls make it call
     * GenerateDataKey, Encrypt and Decrypt. All only through ECR (kms:ViaService).
     */
    static final List<String> KMS = List.of("kms:CreateGrant", "kms:Decrypt", "kms:DescribeKey", "kms:Encrypt",
            "kms:GenerateDataKey", "kms:RetireGrant");
    static final List<String> ASSUME_ROLE = List.of("sts:AssumeRole");
    /**
     * The scan gate (SCAN_FAIL_ON) in the image's own region: StartImageScan when the repository does not scan on
     * push (or its scan on push is not there), DescribeImageScanFindings while waiting and for the findings, and,
     * for a built image, BatchDeleteImage to remove the candidate tag once the release tags are added.
     */
    static final List<String> SCAN_GATE = List.of("ecr:DescribeImageScanFindings", "ecr:StartImageScan");
    static final List<String> CANDIDATE_REMOVAL = List.of("ecr:BatchDeleteImage");

    /**
     * One Allow statement.
     *
     * @param viaService the {@code kms:ViaService} values the statement is limited to; empty for none
     */
    public record Statement(String sid, List<String> actions, List<String> resources, List<String> viaService) {
        public Statement {
            actions = List.copyOf(actions);
            resources = List.copyOf(resources);
            viaService = List.copyOf(viaService);
        }
    }

    public IamPolicy {
        statements = List.copyOf(statements);
    }

    /** The policy {@code inputs} need and nothing more. */
    public static IamPolicy of(PolicyInputs inputs) {
        List<Statement> statements = new ArrayList<>();
        // a promotion to the image's own region re-tags through the API, and a multi-platform image is made through
        // it, in every region: no registry login, no upload
        boolean apiOnly = inputs.platformIndex() || inputs.promotion() && inputs.regions().size() == 1;
        if (!apiOnly) {
            statements.add(new Statement("EcrLogin", LOGIN, List.of("*"), List.of()));
        }

        if (inputs.creationTemplates()) {
            // A registry-level read: the templates belong to the registry, not to a repository.
            statements.add(new Statement("EcrReadCreationTemplates", TEMPLATES, List.of("*"), List.of()));
        }
        List<String> repositories = inputs.regions().stream()
                .map(region -> repositoryArn(inputs.partition(), region, inputs.account(), inputs.repository()))
                .toList();
        statements.addAll(repositoryStatements(inputs, apiOnly, repositories));
        if (inputs.cachePull() && !inputs.cacheFrom().isEmpty()) {
            // CACHE_FROM: the pipe asks which tags are there (BatchGetImage), the engine pulls them
            statements.add(new Statement("EcrPullCacheFrom", CACHE_FROM_PULL, inputs.cacheFrom().stream()
                    .map(r -> repositoryArn(inputs.partition(), inputs.regions().get(0), inputs.account(), r))
                    .toList(), List.of()));
        }
        if (inputs.scanGate()) {
            statements.add(scanGate(inputs, repositories));
        }
        if (!inputs.baseImages().isEmpty()) {
            // the Dockerfile's images in ECR: the engine pulls them with the run's login
            statements.add(new Statement("EcrPullBaseImages", BASE_IMAGE_PULL, inputs.baseImages(), List.of()));
        }

        inputs.kmsKey().ifPresent(key -> statements.add(new Statement("KmsForEcrEncryption", KMS, List.of(key),
                inputs.regions().stream().map(region -> "ecr." + region + ".amazonaws.com"
                        + (inputs.partition().equals("aws-cn") ? ".cn" : "")).toList())));
        if (!inputs.roleArns().isEmpty()) {
            statements.add(new Statement("AssumeRoles", ASSUME_ROLE, inputs.roleArns(), List.of()));
        }
        return new IamPolicy(statements);
    }

    /**
     * The statements on the image's repository (in every region): what the run does to it, and with PLATFORM_TAGS
     * and mirror regions, the configurations' reads in the image's own region alone.
     */
    private static List<Statement> repositoryStatements(PolicyInputs inputs, boolean apiOnly,
                                                        List<String> repositories) {
        List<Statement> statements = new ArrayList<>();
        boolean mirrored = repositories.size() > 1;
        Set<String> actions = repositoryActions(inputs, apiOnly);
        if (inputs.platformIndex() && !mirrored) {
            actions.addAll(PLATFORM_CONFIGS);
        }
        statements.add(new Statement("EcrPushToRepository", sorted(actions), repositories, List.of()));
        if (inputs.platformIndex() && mirrored) {
            // the configurations are read in the image's own region only; the mirror regions are only checked
            statements.add(new Statement("EcrReadPlatformConfigs", PLATFORM_CONFIGS, repositories.subList(0, 1),
                    List.of()));
        }
        return statements;
    }

    /** What the pipe does on the image's repository, in every region it goes to. */
    private static Set<String> repositoryActions(PolicyInputs inputs, boolean apiOnly) {
        Set<String> actions = new LinkedHashSet<>();
        if (inputs.createRepository()) {
            actions.addAll(CREATE);
            if (inputs.repositoryTags()) {
                actions.addAll(TAG);
            }
        }
        if (inputs.lifecyclePolicy()) {
            actions.addAll(LIFECYCLE);
        }
        actions.addAll(apiOnly ? PROMOTION_CHECK : PUSH);
        if (inputs.cachePull()) {
            actions.addAll(CACHE_PULL);
        }
        if (inputs.promotion() || inputs.platformIndex()) {
            actions.addAll(PROMOTION);
        }
        return actions;
    }

    /** Only where the image is scanned: its own region, not the mirror regions. */
    private static Statement scanGate(PolicyInputs inputs, List<String> repositories) {
        List<String> gate = new ArrayList<>(SCAN_GATE);
        if (!inputs.promotion()) {
            gate.addAll(CANDIDATE_REMOVAL);
        }
        return new Statement("EcrScanGate", sorted(new LinkedHashSet<>(gate)), repositories.subList(0, 1), List.of());
    }

    /** {@code arn:<partition>:ecr:<region>:<account>:repository/<name>}. */
    public static String repositoryArn(String partition, String region, String account, String repository) {
        return "arn:" + partition + ":ecr:" + region + ":" + account + ":repository/" + repository;
    }

    private static List<String> sorted(Set<String> actions) {
        return actions.stream().sorted().toList();
    }

    /** Every action of every statement, once, in statement order. */
    public List<String> actions() {
        Set<String> all = new LinkedHashSet<>();
        statements.forEach(s -> all.addAll(s.actions()));
        return List.copyOf(all);
    }

    /** This policy without {@code action}: statements left without any action are dropped. */
    public IamPolicy without(String action) {
        List<Statement> left = new ArrayList<>();
        for (Statement s : statements) {
            List<String> actions = s.actions().stream().filter(a -> !a.equals(action)).toList();
            if (!actions.isEmpty()) {
                left.add(new Statement(s.sid(), actions, s.resources(), s.viaService()));
            }
        }
        return new IamPolicy(left);
    }

    /** The statement whose actions include {@code action}, if any. */
    public Optional<Statement> statementWith(String action) {
        return statements.stream().filter(s -> s.actions().contains(action)).findFirst();
    }

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** The policy document, pretty-printed with two-space indents, as IAM accepts it. */
    public String toJson() {
        ObjectNode document = JSON.createObjectNode();
        document.put("Version", VERSION);
        ArrayNode list = document.putArray("Statement");
        for (Statement s : statements) {
            ObjectNode node = list.addObject();
            node.put("Sid", s.sid());
            node.put("Effect", "Allow");
            array(node, "Action", s.actions());
            array(node, "Resource", s.resources());
            if (!s.viaService().isEmpty()) {
                array(node.putObject("Condition").putObject("StringEquals"), "kms:ViaService", s.viaService());
            }
        }
        try {
            return JSON.writer(new com.fasterxml.jackson.core.util.DefaultPrettyPrinter()
                    .withObjectIndenter(new com.fasterxml.jackson.core.util.DefaultIndenter("  ", "\n"))
                    .withArrayIndenter(new com.fasterxml.jackson.core.util.DefaultIndenter("  ", "\n")))
                    .writeValueAsString(document);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree of strings always serializes", e);
        }
    }

    private static void array(ObjectNode node, String field, List<String> values) {
        ArrayNode array = node.putArray(field);
        values.forEach(array::add);
    }
}
