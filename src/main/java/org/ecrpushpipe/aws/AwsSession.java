package org.ecrpushpipe.aws;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

import org.ecrpushpipe.config.CredentialSettings;
import org.ecrpushpipe.config.EndpointVariants;
import org.ecrpushpipe.credentials.CredentialPlan;
import org.ecrpushpipe.errors.Failures;
import org.ecrpushpipe.errors.PipeException;
import org.ecrpushpipe.errors.RootCause;

import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.StsClientBuilder;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleWithWebIdentityCredentialsProvider;
import software.amazon.awssdk.services.sts.model.AssumeRoleRequest;
import software.amazon.awssdk.services.sts.model.AssumeRoleWithWebIdentityRequest;
import software.amazon.awssdk.services.sts.model.StsException;

/**
 * The run's AWS credentials as one SDK provider, built from a {@link CredentialPlan}: static keys, or a session
 * of the OIDC role (STS AssumeRoleWithWebIdentity), optionally chained into another role (STS AssumeRole). STS
 * sessions come from the SDK's refreshing providers: a session is renewed before it expires (a minute before, or
 * five minutes ahead when a call comes then), so a build that outlasts a session still pushes with a valid one.
 * Every failure of STS is translated here into a {@link PipeException}; every secret STS hands out is passed to
 * {@code secrets} (the console's masking) before anything can print it.
 */
public final class AwsSession implements AutoCloseable {
    static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(20);
    static final Duration CALL_TIMEOUT = Duration.ofSeconds(60);

    /** What this session opened, the newest first: each is closed before what it uses. */
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final AwsCredentialsProvider provider;
    private final Optional<URI> stsEndpoint;
    private final EndpointVariants variants;
    private final Consumer<String> secrets;

    /**
     * @param region      the region whose STS endpoint is called
     * @param stsEndpoint AWS_ENDPOINT_URL_STS (or AWS_ENDPOINT_URL)
     * @param variants    which of AWS's STS endpoints (FIPS, dual-stack) is called without {@code stsEndpoint}
     * @param secrets     told every secret value STS issues, before it is used
     */
    public AwsSession(CredentialPlan plan, String region, Optional<URI> stsEndpoint, EndpointVariants variants,
                      Consumer<String> secrets) {
        this.stsEndpoint = stsEndpoint;
        this.variants = variants;
        this.secrets = secrets;
        AwsCredentialsProvider source;
        String action;
        String roleArn;
        if (plan.method() == CredentialPlan.Method.OIDC) {
            CredentialSettings.WebIdentity identity = plan.webIdentity().orElseThrow();
            // AssumeRoleWithWebIdentity is unsigned: the token is the proof
            StsClient sts = sts(region, AnonymousCredentialsProvider.create());
            StsAssumeRoleWithWebIdentityCredentialsProvider oidc = StsAssumeRoleWithWebIdentityCredentialsProvider
                    .builder().stsClient(sts).asyncCredentialUpdateEnabled(false)
                    .refreshRequest(AssumeRoleWithWebIdentityRequest.builder().roleArn(identity.roleArn())
                            .roleSessionName(identity.sessionName()).webIdentityToken(identity.token().reveal())
                            .build())
                    .build();
            closeables.add(oidc);
            source = translating(oidc, "sts:AssumeRoleWithWebIdentity", identity.roleArn());
        } else {
            var keys = plan.keys().orElseThrow();
            String key = keys.accessKeyId().reveal();
            String secret = keys.secretAccessKey().reveal();
            source = StaticCredentialsProvider.create(keys.sessionToken()
                    .<AwsCredentials>map(token -> AwsSessionCredentials.create(key, secret, token.reveal()))
                    .orElseGet(() -> AwsBasicCredentials.create(key, secret)));
        }
        if (plan.assumeRole().isPresent()) {
            CredentialSettings.AssumeRole role = plan.assumeRole().get();
            AssumeRoleRequest.Builder request = AssumeRoleRequest.builder().roleArn(role.roleArn())
                    .roleSessionName(role.sessionName());
            role.externalId().ifPresent(request::externalId);
            StsAssumeRoleCredentialsProvider assumed = StsAssumeRoleCredentialsProvider.builder()
                    .stsClient(sts(region, source)).asyncCredentialUpdateEnabled(false)
                    .refreshRequest(request.build()).build();
            closeables.add(assumed);
            source = translating(assumed, "sts:AssumeRole", role.roleArn());
        }
        this.provider = source;
    }

    /** The provider for the ECR client: it refreshes STS sessions itself. */
    public AwsCredentialsProvider provider() {
        return provider;
    }

    /**
     * Gets the credentials now, so that STS's refusal is this run's first answer (before the build starts) and a
     * refused token or role is reported as such, not as a failed ECR call.
     */
    public void authenticate() {
        provider.resolveCredentials();
    }

    private StsClient sts(String region, AwsCredentialsProvider credentials) {
        StsClientBuilder builder = StsClient.builder().region(Region.of(region)).credentialsProvider(credentials)
                .httpClient(UrlConnectionHttpClient.builder().connectionTimeout(Duration.ofSeconds(10))
                        .socketTimeout(ATTEMPT_TIMEOUT).build())
                .overrideConfiguration(o -> o.apiCallAttemptTimeout(ATTEMPT_TIMEOUT).apiCallTimeout(CALL_TIMEOUT));
        if (stsEndpoint.isPresent()) {
            builder.endpointOverride(stsEndpoint.get());
        } else {
            // set either way: the SDK would otherwise read AWS_USE_FIPS_ENDPOINT from the process itself
            builder.fipsEnabled(variants.fips()).dualstackEnabled(variants.dualStack());
        }
        StsClient client = builder.build();
        closeables.add(client);
        return client;
    }

    /** A provider that masks what it hands out and words STS's failures. */
    private AwsCredentialsProvider translating(AwsCredentialsProvider sts, String action, String roleArn) {
        return () -> {
            AwsCredentials credentials;
            try {
                credentials = sts.resolveCredentials();
            } catch (PipeException e) {
                throw e;
            } catch (StsException e) {
                throw StsErrors.translate(action, roleArn, e.awsErrorDetails().errorCode(),
                        e.awsErrorDetails().errorMessage(), e);
            } catch (SdkClientException e) {
                PipeException inner = RootCause.find(e, PipeException.class);
                if (inner != null) {
                    throw inner;
                }
                throw Failures.stsUnreachable(RootCause.message(e), stsEndpoint.map(String::valueOf), e);
            } catch (SdkException e) {
                throw Failures.stsFailed(action, "SdkException", RootCause.message(e), e);
            }
            secrets.accept(credentials.secretAccessKey());
            if (credentials instanceof AwsSessionCredentials session) {
                secrets.accept(session.sessionToken());
            }
            return credentials;
        };
    }

    @Override
    public void close() {
        for (AutoCloseable closeable : closeables) {
            try {
                closeable.close();
            } catch (Exception e) {
                // closing is best effort: the run's outcome is already decided
            }
        }
    }
}
