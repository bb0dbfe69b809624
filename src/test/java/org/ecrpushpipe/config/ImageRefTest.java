package org.ecrpushpipe.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;

import org.ecrpushpipe.config.ImageRef.EndpointVariant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ImageRefTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "123456789012.dkr.ecr.ap-southeast-1.amazonaws.com/my-service, 123456789012.dkr.ecr.ap-southeast-1.amazonaws.com, 123456789012, ap-southeast-1, STANDARD, my-service",
            "123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/team/app, 123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn, 123456789012, cn-north-1, STANDARD, team/app",
            "123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com/app, 123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com, 123456789012, us-gov-west-1, FIPS, app",
            "123456789012.dkr-ecr.eu-west-1.on.aws/app.v2, 123456789012.dkr-ecr.eu-west-1.on.aws, 123456789012, eu-west-1, DUAL_STACK, app.v2",
            "000000000001.DKR.ECR.us-east-1.AMAZONAWS.COM/a__b, 000000000001.dkr.ecr.us-east-1.amazonaws.com, 000000000001, us-east-1, STANDARD, a__b",
    })
    void fullUris(String image, String host, String account, String region, EndpointVariant variant, String name) {
        ImageRef ref = ImageRef.parse(image);
        assertEquals(name, ref.repository());
        assertEquals(host, ref.registry().orElseThrow().host());
        assertEquals(Optional.of(account), ref.accountId());
        assertEquals(Optional.of(region), ref.region());
        assertEquals(variant, ref.registry().get().variant());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"ayush-sharma-testing", "team/service/api", "a-b--c", "ab", "x.y_z"})
    void bareNames(String image) {
        ImageRef ref = ImageRef.parse(image);
        assertEquals(image, ref.repository());
        assertTrue(ref.registry().isEmpty());
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "my-service:1.0|holds the tag '1.0'; IMAGE names the repository only, put tags in TAGS",
            "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:latest|holds the tag 'latest'",
            "123456789012.dkr.ecr.us-east-1.amazonaws.com/app@sha256:abc|holds a digest",
            "MyService|not a valid ECR repository name (names are lower case)",
            "a|2 to 256",
            "bad_-name|not a valid ECR repository name",
            "/leading|not a valid ECR repository name",
            "12345678901.dkr.ecr.us-east-1.amazonaws.com/app|has 11 digits, not 12; a leading zero was probably lost",
            "docker.io/library/app|is not an ECR registry host",
            "127.0.0.1:5000/app|is not an ECR registry host",
            "public.ecr.aws/abc/app|is ECR Public",
            "https://123456789012.dkr.ecr.us-east-1.amazonaws.com/app|has a URL scheme",
            "123456789012.dkr.ecr.foo.amazonaws.com/app|is not an AWS region name (like ap-southeast-1)",
            "123456789012.dkr.ecr.us-east-1.amazonaws.com.cn/app|a .amazonaws.com.cn host needs a China region",
            "123456789012.dkr.ecr.cn-north-1.amazonaws.com/app|China regions (cn-…) use hosts ending in .amazonaws.com.cn",
            "my.team/service|must be given as a full URI",
    })
    void rejected(String image, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ImageRef.parse(image));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    /** Docker Hub as the docker CLI reads it (distribution/reference): index.docker.io is docker.io, one part is library/. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "docker.io/my-org/app, docker.io, my-org/app",
            "index.docker.io/my-org/app, docker.io, my-org/app",
            "Docker.IO/my-org/app, docker.io, my-org/app",
            "docker.io/app, docker.io, library/app",
            "index.docker.io/app, docker.io, library/app",
            "registry-1.docker.io/my-org/app, registry-1.docker.io, my-org/app",
            "ghcr.io/my-org/app, ghcr.io, my-org/app",
            "ghcr.io/app, ghcr.io, app",
            "127.0.0.1:5000/app, 127.0.0.1:5000, app",
    })
    void otherRegistries(String image, String host, String name) {
        assertEquals(Optional.of(host), ImageRef.nonEcrHost(image));
        assertEquals(name, ImageRef.parseOnOtherRegistry(image).repository());
    }

    @org.junit.jupiter.api.Test
    void nameOf257CharactersIsRejectedAnd256Accepted() {
        String ok = "a".repeat(256);
        assertEquals(ok, ImageRef.parse(ok).repository());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ImageRef.parse(ok + "a"));
        assertTrue(e.getMessage().contains("257 characters"), e.getMessage());
    }
}
