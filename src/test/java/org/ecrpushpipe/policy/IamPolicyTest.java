package org.ecrpushpipe.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class IamPolicyTest {
    private static final PolicyInputs BASE = PolicyInputs.base("123456789012", "my-service", "ap-southeast-1");
    private static final String ARN = "arn:aws:ecr:ap-southeast-1:123456789012:repository/my-service";

    @Test
    void theBaseFlowIsTheLoginAnywhereAndThePushOnTheRepository() {
        assertEquals("""
                {
                  "Version" : "2012-10-17",
                  "Statement" : [
                    {
                      "Sid" : "EcrLogin",
                      "Effect" : "Allow",
                      "Action" : [
                        "ecr:GetAuthorizationToken"
                      ],
                      "Resource" : [
                        "*"
                      ]
                    },
                    {
                      "Sid" : "EcrPushToRepository",
                      "Effect" : "Allow",
                      "Action" : [
                        "ecr:BatchCheckLayerAvailability",
                        "ecr:BatchGetImage",
                        "ecr:CompleteLayerUpload",
                        "ecr:DescribeRepositories",
                        "ecr:InitiateLayerUpload",
                        "ecr:PutImage",
                        "ecr:UploadLayerPart"
                      ],
                      "Resource" : [
                        "arn:aws:ecr:ap-southeast-1:123456789012:repository/my-service"
                      ]
                    }
                  ]
                }""", IamPolicy.of(BASE).toJson());
    }

    @Test
    void theScanGateAddsItsActionsOnTheImagesOwnRepositoryOnly() {
        IamPolicy built = IamPolicy.of(BASE.withMirrorRegions(List.of("eu-west-1")).withScanGate());
        IamPolicy.Statement gate = built.statementWith("ecr:StartImageScan").orElseThrow();
        assertEquals("EcrScanGate", gate.sid());
        assertEquals(List.of("ecr:BatchDeleteImage", "ecr:DescribeImageScanFindings", "ecr:StartImageScan"),
                gate.actions(), "a built image's candidate tag is removed once it passes");
        assertEquals(List.of(ARN), gate.resources(), "scanned in its own region, not in the mirror regions");
        IamPolicy promoted = IamPolicy.of(BASE.withPromotion().withScanGate());
        assertEquals(List.of("ecr:DescribeImageScanFindings", "ecr:StartImageScan"),
                promoted.statementWith("ecr:StartImageScan").orElseThrow().actions(), "a promotion has no candidate");
        assertFalse(IamPolicy.of(BASE).actions().contains("ecr:StartImageScan"));
        assertFalse(IamPolicy.of(BASE).actions().contains("ecr:BatchDeleteImage"));
    }

    @ParameterizedTest
    @CsvSource({"ap-southeast-1, aws", "cn-north-1, aws-cn", "cn-northwest-1, aws-cn", "us-gov-west-1, aws-us-gov",
            "us-east-1, aws", "eu-central-2, aws"})
    void thePartitionFollowsTheRegion(String region, String partition) {
        assertEquals(partition, PolicyInputs.partitionOf(region));
        assertEquals(List.of("arn:" + partition + ":ecr:" + region + ":123456789012:repository/app"),
                IamPolicy.of(PolicyInputs.base("123456789012", "app", region)).statements().get(1).resources());
    }

    @Test
    void aBareNameLeavesTheAccountOpen() {
        assertEquals(List.of("arn:aws:ecr:eu-west-1:*:repository/app"),
                IamPolicy.of(PolicyInputs.base("*", "app", "eu-west-1")).statements().get(1).resources());
    }

    @Test
    void creatingTheRepositoryAddsCreateRepositoryAndTagResourceOnlyWithTags() {
        IamPolicy plain = IamPolicy.of(BASE.withCreateRepository(false));
        assertTrue(plain.actions().contains("ecr:CreateRepository"));
        assertFalse(plain.actions().contains("ecr:TagResource"));
        IamPolicy tagged = IamPolicy.of(BASE.withCreateRepository(true));
        assertTrue(tagged.statements().get(1).actions().containsAll(List.of("ecr:CreateRepository",
                "ecr:TagResource")));
        assertFalse(IamPolicy.of(BASE).actions().contains("ecr:CreateRepository"));
    }

    @Test
    void theLifecyclePolicyIsReadAndSetOnTheRepository() {
        IamPolicy policy = IamPolicy.of(BASE.withLifecyclePolicy());
        assertTrue(policy.statements().get(1).actions().containsAll(List.of("ecr:GetLifecyclePolicy",
                "ecr:PutLifecyclePolicy")));
        assertFalse(IamPolicy.of(BASE).actions().contains("ecr:PutLifecyclePolicy"));
    }

    @Test
    void creationTemplatesAreARegistryLevelRead() {
        IamPolicy policy = IamPolicy.of(BASE.withCreationTemplates());
        assertEquals(new IamPolicy.Statement("EcrReadCreationTemplates",
                List.of("ecr:DescribeRepositoryCreationTemplates"), List.of("*"), List.of()),
                policy.statementWith("ecr:DescribeRepositoryCreationTemplates").orElseThrow());
    }

    @Test
    void theCachePullAddsTheDownloadOfLayers() {
        IamPolicy policy = IamPolicy.of(BASE.withCachePull());
        assertTrue(policy.statements().get(1).actions().contains("ecr:GetDownloadUrlForLayer"));
        assertFalse(IamPolicy.of(BASE).actions().contains("ecr:GetDownloadUrlForLayer"));
        assertEquals(IamPolicy.of(BASE).actions().size() + 1, policy.actions().size(), "each action once");
    }

    @Test
    void cacheFromRepositoriesArePulledFromButNotPushedTo() {
        IamPolicy policy = IamPolicy.of(BASE.withCachePull().withCacheFrom(List.of("team/base", "team/base",
                BASE.repository())));
        IamPolicy.Statement pull = policy.statementWith("ecr:GetDownloadUrlForLayer").orElseThrow();
        assertEquals("EcrPushToRepository", pull.sid(), "the image's own repository first");
        IamPolicy.Statement cacheFrom = policy.statements().get(policy.statements().size() - 1);
        assertEquals("EcrPullCacheFrom", cacheFrom.sid());
        assertEquals(List.of("ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"), cacheFrom.actions());
        assertEquals(List.of(IamPolicy.repositoryArn(BASE.partition(), BASE.regions().get(0), BASE.account(),
                "team/base")), cacheFrom.resources(), "each other repository once, the image's own not again");
        assertEquals(IamPolicy.of(BASE), IamPolicy.of(BASE.withCacheFrom(List.of("team/base"))),
                "nothing without the cache pull");
    }

    @Test
    void promotionInItsOwnRegionNeedsNoLoginAndNoUpload() {
        IamPolicy policy = IamPolicy.of(BASE.withPromotion());
        assertEquals(List.of("ecr:BatchGetImage", "ecr:DescribeRepositories", "ecr:PutImage"), policy.actions());
        assertEquals(List.of("EcrPushToRepository"), policy.statements().stream().map(IamPolicy.Statement::sid)
                .toList(), "re-tagging goes through the API: no registry login");
    }

    @Test
    void aMultiPlatformImageIsMadeThroughTheApiWithNoLogin() {
        IamPolicy policy = IamPolicy.of(BASE.withPlatformIndex());
        assertEquals(List.of("ecr:BatchGetImage", "ecr:DescribeRepositories", "ecr:GetDownloadUrlForLayer",
                "ecr:PutImage"), policy.actions());
        assertEquals(List.of("EcrPushToRepository"), policy.statements().stream().map(IamPolicy.Statement::sid)
                .toList(), "manifests and configurations read, the index written, all through the API");
    }

    @Test
    void aMirroredMultiPlatformImageReadsTheConfigurationsInItsOwnRegionOnly() {
        IamPolicy policy = IamPolicy.of(BASE.withPlatformIndex().withMirrorRegions(List.of("eu-west-1")));
        assertEquals(List.of("EcrPushToRepository", "EcrReadPlatformConfigs"), policy.statements().stream()
                .map(IamPolicy.Statement::sid).toList());
        assertEquals(List.of("ecr:BatchGetImage", "ecr:DescribeRepositories", "ecr:PutImage"),
                policy.statements().get(0).actions());
        assertEquals(List.of(ARN, "arn:aws:ecr:eu-west-1:123456789012:repository/my-service"),
                policy.statements().get(0).resources());
        assertEquals(List.of("ecr:GetDownloadUrlForLayer"), policy.statements().get(1).actions());
        assertEquals(List.of(ARN), policy.statements().get(1).resources());
    }

    @Test
    void mirrorRegionsAddTheRepositoryInEachRegionOnce() {
        IamPolicy policy = IamPolicy.of(BASE.withMirrorRegions(List.of("eu-west-1", "ap-southeast-1", "us-east-1")));
        assertEquals(List.of(ARN, "arn:aws:ecr:eu-west-1:123456789012:repository/my-service",
                "arn:aws:ecr:us-east-1:123456789012:repository/my-service"), policy.statements().get(1).resources());
    }

    @Test
    void aKmsKeyIsUsableOnlyThroughEcrInTheRegionsInvolved() {
        String key = "arn:aws:kms:ap-southeast-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
        IamPolicy.Statement kms = IamPolicy.of(BASE.withKmsKey(key)).statementWith("kms:GenerateDataKey")
                .orElseThrow();
        assertEquals(List.of(key), kms.resources());
        assertEquals(List.of("ecr.ap-southeast-1.amazonaws.com"), kms.viaService());
        assertTrue(kms.actions().containsAll(List.of("kms:CreateGrant", "kms:Decrypt", "kms:DescribeKey",
                "kms:Encrypt", "kms:GenerateDataKey")));
        assertTrue(IamPolicy.of(BASE.withKmsKey(key)).toJson().contains("\"kms:ViaService\""));
    }

    @Test
    void chainedRolesMayEachBeAssumed() {
        List<String> roles = List.of("arn:aws:iam::111111111111:role/ci", "arn:aws:iam::123456789012:role/push");
        IamPolicy.Statement assume = IamPolicy.of(BASE.withRoles(roles)).statementWith("sts:AssumeRole")
                .orElseThrow();
        assertEquals(roles, assume.resources());
        assertFalse(IamPolicy.of(BASE).actions().contains("sts:AssumeRole"));
    }

    @Test
    void removingAnActionDropsAStatementLeftEmpty() {
        IamPolicy policy = IamPolicy.of(BASE).without("ecr:GetAuthorizationToken");
        assertEquals(1, policy.statements().size());
        assertFalse(policy.actions().contains("ecr:GetAuthorizationToken"));
        assertEquals(IamPolicy.of(BASE).actions().size() - 1, policy.actions().size());
    }

    @Test
    void theOrderIsStableWhateverTheOrderFeaturesAreSwitchedOn() {
        assertEquals(IamPolicy.of(BASE.withCachePull().withLifecyclePolicy().withCreateRepository(true)).toJson(),
                IamPolicy.of(BASE.withCreateRepository(true).withLifecyclePolicy().withCachePull()).toJson());
    }
}
