package org.ecrpushpipe.nativeimage;

import com.github.dockerjava.zerodep.shaded.org.apache.hc.client5.http.entity.BrotliDecompressingEntity;
import com.oracle.svm.core.annotate.Substitute;
import com.oracle.svm.core.annotate.TargetClass;

import software.amazon.awssdk.checksums.SdkChecksum;
import software.amazon.awssdk.checksums.internal.ChecksumProvider;
import software.amazon.awssdk.checksums.spi.ChecksumAlgorithm;
import software.amazon.awssdk.http.auth.aws.crt.internal.signer.DefaultAwsCrtV4aHttpSigner;
import software.amazon.awssdk.http.auth.aws.internal.signer.util.OptionalDependencyLoaderUtil;
import software.amazon.awssdk.utils.DependencyValidate;

/**
 * GraalVM substitutions for the native binary only (the JVM never loads this class): library methods that build
 * objects of optional libraries the pipe does not ship. Quarkus links every type at image build time
 * ({@code --link-at-build-time}), so a reachable method naming a class that is not on the class path fails the
 * native build. Each substitute does what the original does when that library is absent, the only case in this
 * image: the libraries check for the optional class before using it, so the replaced branches never run.
 *
 * <p>Found with {@code jdeps --missing-deps} over the run-time jars; the other missing types it lists are
 * annotations (docker-java's transport) or unreachable from the pipe (httpclient5's async Conscrypt TLS).
 */
final class AbsentOptionalLibraries {
    private static final String AWS_CRT = "software.amazon.awssdk.crt:aws-crt";

    private AbsentOptionalLibraries() {
    }

    /**
     * Brotli ({@code org.brotli:dec}): httpclient5's ContentCompressionExec, on in the client docker-java's zerodep
     * transport builds, asks for Brotli-encoded answers and registers Brotli's factory only when this check finds
     * {@code org.brotli.dec.BrotliInputStream}. The JVM build has no Brotli; the native profile puts the library on
     * the builder's class path only because the factory cannot be linked without it. Answering the check as the JVM
     * build does (false) keeps the binary's requests the same and Brotli's classes unreachable.
     */
    @TargetClass(BrotliDecompressingEntity.class)
    static final class Target_BrotliDecompressingEntity {
        @Substitute
        public static boolean isAvailable() {
            return false;
        }
    }

    /**
     * AWS CRT checksums ({@code software.amazon.awssdk.crt:aws-crt}): the SDK's HTTP pipeline reaches its checksum
     * provider for every client; it prefers the JDK's CRC32C and uses CRT classes only when they load.
     */
    @TargetClass(ChecksumProvider.class)
    static final class Target_ChecksumProvider {
        /** Without the CRT the original returns null, and the caller falls back to the SDK's own CRC32C. */
        @Substitute
        static SdkChecksum createCrtCrc32C() {
            return null;
        }

        @Substitute
        static SdkChecksum crc64NvmeCrtImplementation() {
            throw new RuntimeException("Could not load software.amazon.awssdk.crt.checksums.CRC64NVME. Add dependency"
                    + " on '" + AWS_CRT + "' module to enable CRC64NVME feature.");
        }

        @Substitute
        static SdkChecksum crtXxHash(ChecksumAlgorithm algorithm) {
            throw new RuntimeException(String.format(
                    "Could not load %s for algorithm: %s. Add dependency on '%s' module.",
                    "software.amazon.awssdk.crt.checksums.XXHash", algorithm.algorithmId(), AWS_CRT));
        }
    }

    /**
     * AWS CRT SigV4a signing ({@code software.amazon.awssdk:http-auth-aws-crt}): ECR signs with SigV4, and the
     * SigV4a signer is looked up once, in a class initialised while the image is built, which keeps the failure;
     * this keeps the CRT signer's classes out of the image should the lookup ever be reachable at run time.
     */
    @TargetClass(OptionalDependencyLoaderUtil.class)
    static final class Target_OptionalDependencyLoaderUtil {
        @Substitute
        public static DefaultAwsCrtV4aHttpSigner getDefaultAwsCrtV4aHttpSigner() {
            // throws, naming the missing module, exactly as the original does without it
            DependencyValidate.requireClass("software.amazon.awssdk.http.auth.aws.crt.HttpAuthAwsCrt",
                    "software.amazon.awssdk:http-auth-aws-crt", "CRT-V4a signing");
            throw new IllegalStateException("software.amazon.awssdk:http-auth-aws-crt is not in this binary");
        }
    }
}
