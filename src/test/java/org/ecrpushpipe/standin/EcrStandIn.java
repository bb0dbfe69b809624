package org.ecrpushpipe.standin;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;

/**
 * Amazon ECR and STS for tests, on loopback: the ECR API and STS AssumeRoleWithWebIdentity on one port
 * ({@link #apiEndpoint()}, SigV4-verified), and ECR's registry on another ({@link #loopbackRegistryHost()}), a
 * streaming proxy in front of a real registry that holds the images. Given an {@link Builder#ecrHostListener
 * address} where an engine resolves the real registry host ({@code <account>.dkr.ecr.<region>.amazonaws.com}),
 * the registry is served there too, and ECR's answers (proxyEndpoint, repositoryUri) name that host, as ECR's do.
 * Repositories, credentials and tokens live in memory; close it to stop the servers.
 *
 * <p>As fast as ECR, or as far: calls that name images cost the same whatever a repository holds, and each server
 * can answer every request after a latency ({@link Builder#apiLatency}, {@link Builder#registryLatency}), as a
 * region far away would. Every API request is logged with its times ({@link #requests()}), so a test or a
 * benchmark can count a client's sequential round trips to AWS.
 *
 * <pre>{@code
 * try (var registry = RegistryProcess.start();
 *      var ecr = EcrStandIn.builder().registry(registry.url(), registry.username(), registry.password()).start()) {
 *     ecr.addAccessKey("AKIAEXAMPLE", "secret");
 *     ecr.createRepository("app");
 *     // AWS_ENDPOINT_URL=ecr.apiEndpoint(), push to ecr.registryHost() + "/app"
 * }
 * }</pre>
 */
public final class EcrStandIn implements AutoCloseable {
    static {
        // The JDK's HTTP server sends a response's headers and its body in two writes; with Nagle's algorithm on,
        // the body then waits for the client's delayed acknowledgement of the headers (40 ms on Linux) on every
        // answer that has a body: the stand-in would be 40 ms away on loopback. The server reads this once, when
        // the JVM's first one starts, and only the stand-in starts them.
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private final String accountId;
    private final String region;
    private final Clock clock;
    private final HttpServer api;
    private final HttpServer facade;
    private final HttpServer ecrHostFacade;
    private final ExecutorService apiThreads;
    private final ExecutorService facadeThreads;
    private final Identities identities;
    private final AuthorizationTokens authorizationTokens;
    private final WebIdentityTokens webIdentityTokens;
    private final RepositoryCatalog catalog;
    private final StsService sts;
    private final StsAssumeRole assumeRole;
    private final Faults faults = new Faults();
    private final RegistryFacade registryFacade;
    private final Faults apiFaults = new Faults();
    private final RequestLog requests = new RequestLog();
    private final String proxyEndpoint;
    /** The API's handler, also reached through a {@link RegionalApi} that serves several regions on one port. */
    private final HttpHandler apiHandler;
    private final KmsKeys kmsKeys;
    private final RegistryClient registryClient;
    private final EcrJson json;
    private final CreationTemplates templates;
    private final Denials denials;
    private final StrictMode strict;
    private final Latency apiLatency;
    private final Latency registryLatency;
    private final ImageScanning scanning;

    private EcrStandIn(Builder b) throws IOException {
        this.accountId = b.accountId;
        this.region = b.region;
        this.clock = b.clock;
        this.strict = new StrictMode(accountId, region);
        this.apiLatency = new Latency(b.apiLatency);
        this.registryLatency = new Latency(b.registryLatency);
        EcrStandIn aws = b.sameAwsAs;
        this.identities = aws != null ? aws.identities : new Identities();
        this.authorizationTokens = aws != null ? aws.authorizationTokens : new AuthorizationTokens(clock, b.tokenLifetime);
        this.webIdentityTokens = aws != null ? aws.webIdentityTokens : new WebIdentityTokens();
        this.catalog = new RepositoryCatalog(accountId);
        this.sts = aws != null ? aws.sts : new StsService(webIdentityTokens, identities, clock);
        this.assumeRole = aws != null ? aws.assumeRole : new StsAssumeRole(sts, strict);
        RegistryClient registry = this.registryClient = new RegistryClient(URI.create(Objects.requireNonNull(b.registryUrl,
                "the real registry behind the stand-in: call registry(url, username, password)")),
                b.registryUsername, b.registryPassword);

        InetAddress loopback = InetAddress.getLoopbackAddress();
        HttpsServer https = HttpsServer.create(new InetSocketAddress(loopback, b.registryPort), 64);
        https.setHttpsConfigurator(new HttpsConfigurator(FacadeTls.serverContext()));
        facade = https;
        HttpServer apiServer = null;
        HttpsServer ecrHost = null;
        try {
            apiServer = HttpServer.create(new InetSocketAddress(loopback, b.apiPort), 64);
            if (b.ecrHostAddress != null) {
                try {
                    ecrHost = HttpsServer.create(b.ecrHostAddress, 64);
                } catch (IOException e) {
                    throw new IOException("could not listen on " + b.ecrHostAddress + " for "
                            + ecrRegistryHost(accountId, region) + " (port 443 needs root): " + e.getMessage(), e);
                }
                ecrHost.setHttpsConfigurator(new HttpsConfigurator(b.ecrHostTls));
            }
        } catch (IOException e) {
            // the ports bound already must not be left behind
            facade.stop(0);
            if (apiServer != null) {
                apiServer.stop(0);
            }
            throw e;
        }
        api = apiServer;
        ecrHostFacade = ecrHost;
        String registryHost = registryHost();
        this.proxyEndpoint = b.proxyEndpoint != null ? b.proxyEndpoint : "https://" + registryHost;

        EcrJson json = this.json = new EcrJson(accountId, region, registryHost);
        this.kmsKeys = new KmsKeys(accountId, region);
        this.templates = new CreationTemplates(accountId, clock);
        this.denials = new Denials(accountId, region);
        RepositoryImages images = new RepositoryImages(registry, clock);
        // ECR's layer storage (S3 in AWS): reached from the facade's blob redirects, and from the API's
        // GetDownloadUrlForLayer, whose pre-signed URLs point at the API's own port (the stand-in's plain-HTTP side)
        LayerBucket layerBucket = new LayerBucket(region, clock);
        String apiOrigin = "http://127.0.0.1:" + api.getAddress().getPort();
        this.scanning = new ImageScanning(catalog, images, accountId, region, clock);
        images.onStored(scanning::pushed);
        EcrControlPlane ecr = new EcrControlPlane(
                new RepositoryOperations(catalog, json, accountId, clock, kmsKeys),
                new ImageOperations(catalog, images, registry, accountId, clock, layerBucket, apiOrigin),
                authorizationTokens, proxyEndpoint, templates, denials, accountId, region, scanning);
        AccountBoundary boundary = new AccountBoundary(accountId, region);

        apiThreads = threads("ecr-stand-in-api");
        facadeThreads = threads("ecr-stand-in-registry");
        api.setExecutor(apiThreads);
        facade.setExecutor(facadeThreads);
        apiHandler = new ApiHandler(ecr, sts, new SigV4Verifier("ecr", region, clock, identities::find), assumeRole,
                new SigV4Verifier("sts", region, clock, identities::find), apiFaults, requests, strict, apiLatency,
                boundary);
        api.createContext("/", apiHandler);
        api.createContext(StandInAdmin.PATH, new StandInAdmin(requests, apiLatency, registryLatency));
        registryFacade = new RegistryFacade(catalog, authorizationTokens, registry, faults, accountId, region,
                layerBucket, new CreateOnPush(catalog, templates, clock), strict, images, registryLatency, boundary);
        facade.createContext("/", registryFacade);
        api.createContext(LayerBucket.PATH, registryFacade);
        api.start();
        facade.start();
        if (ecrHostFacade != null) {
            ecrHostFacade.setExecutor(facadeThreads);
            ecrHostFacade.createContext("/", registryFacade);
            ecrHostFacade.start();
        }
    }

    /**
     * TLS settings that trust the facade's self-signed certificate, for tests that call the facade themselves
     * (docker needs none: it skips certificate checks for loopback registries).
     */
    public SSLContext registryClientTls() {
        try {
            return FacadeTls.clientContext();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** {@code http://127.0.0.1:P}: the ECR and STS endpoint, for AWS_ENDPOINT_URL(_ECR/_STS). */
    public String apiEndpoint() {
        return "http://127.0.0.1:" + api.getAddress().getPort();
    }

    /**
     * The registry host ECR names (proxyEndpoint, repositoryUri), the registry part of pushed image references:
     * the real host ({@code 123456789012.dkr.ecr.ap-southeast-1.amazonaws.com}) when the stand-in serves it (see
     * {@link Builder#ecrHostListener}), else {@link #loopbackRegistryHost()}.
     */
    public String registryHost() {
        if (ecrHostFacade == null) {
            return loopbackRegistryHost();
        }
        int port = ecrHostFacade.getAddress().getPort();
        return ecrRegistryHost(accountId, region) + (port == 443 ? "" : ":" + port);
    }

    /** {@code 127.0.0.1:F}: the registry facade on loopback, for clients that cannot resolve the real host. */
    public String loopbackRegistryHost() {
        return "127.0.0.1:" + facade.getAddress().getPort();
    }

    /** Where the real registry host is served, if it is (see {@link Builder#ecrHostListener}). */
    public Optional<InetSocketAddress> ecrHostAddress() {
        return Optional.ofNullable(ecrHostFacade).map(HttpServer::getAddress);
    }

    /** ECR's registry host of an account in a region: {@code <account>.dkr.ecr.<region>.amazonaws.com[.cn]}. */
    public static String ecrRegistryHost(String accountId, String region) {
        return accountId + ".dkr.ecr." + region + ".amazonaws.com" + (region.startsWith("cn-") ? ".cn" : "");
    }

    /** Every {@code Host} header the registry facade received, e.g. to show which name a push went through. */
    public Set<String> registryHostHeaders() {
        return registryFacade.hostHeaders();
    }

    /** What GetAuthorizationToken returns as proxyEndpoint. */
    public String proxyEndpoint() {
        return proxyEndpoint;
    }

    /** {@code registryHost()/name}, ECR's repositoryUri. */
    public String repositoryUri(String repositoryName) {
        return registryHost() + "/" + repositoryName;
    }

    public String accountId() {
        return accountId;
    }

    public String region() {
        return region;
    }

    /**
     * Strict mode: from now on every ECR call and registry request must be allowed by this identity-based policy
     * (see {@link IdentityPolicy} for the subset evaluated), else it is denied in ECR's words; registry denials
     * name {@code registryPrincipal}.
     */
    public void enforcePolicy(String policyJson, String registryPrincipal) {
        strict.load(IdentityPolicy.parse(policyJson), registryPrincipal);
    }

    /**
     * Strict mode with a policy per identity (IAM user or role ARN → policy JSON; a role's policy applies to its
     * sessions, and STS AssumeRole also needs the caller's sts:AssumeRole): any other principal is allowed nothing.
     * Registry requests are authorized with the policy of {@code registryPrincipal}.
     */
    public void enforcePolicies(Map<String, String> policyByPrincipal, String registryPrincipal) {
        Map<String, IdentityPolicy> parsed = new HashMap<>();
        policyByPrincipal.forEach((principal, json) -> parsed.put(principal, IdentityPolicy.parse(json)));
        strict.load(parsed, registryPrincipal);
    }

    /** Leaves strict mode: everything is allowed again. */
    public void stopEnforcingPolicy() {
        strict.off();
    }

    /** Accepts this long-term key for the IAM user {@code arn:aws:iam::<account>:user/ci}. */
    public void addAccessKey(String accessKeyId, String secretKey) {
        addAccessKey(accessKeyId, secretKey, "ci");
    }

    /** Accepts this long-term key for the IAM user {@code arn:aws:iam::<account>:user/<userName>}. */
    public void addAccessKey(String accessKeyId, String secretKey, String userName) {
        identities.add(new AccessKey(accessKeyId, secretKey, null, null, userArn(userName)));
    }

    /** Accepts session credentials as if STS had issued them; an expiration in the past makes them expired. */
    public void addSessionCredentials(String accessKeyId, String secretKey, String sessionToken, Instant expiration) {
        identities.add(new AccessKey(accessKeyId, secretKey, Objects.requireNonNull(sessionToken), expiration,
                "arn:aws:sts::" + accountId + ":assumed-role/ci/session"));
    }

    /** A web identity (OIDC) token for this subject that AssumeRoleWithWebIdentity will accept; valid one hour. */
    public String issueWebIdentityToken(String subject) {
        return webIdentityTokens.issue(subject, clock.instant());
    }

    /** Lets web identities assume this role ({@code arn:aws:iam::<account>:role/<name>}). */
    public void allowRole(String roleArn) {
        sts.allowRole(roleArn);
    }

    /** A web identity token that expired an hour ago: STS answers it with ExpiredTokenException. */
    public String issueExpiredWebIdentityToken(String subject) {
        return webIdentityTokens.issue(subject, clock.instant().minus(Duration.ofHours(2)));
    }

    /**
     * Lets {@code principalArn} (an IAM user of this stand-in, or a role whose sessions then qualify) assume
     * {@code roleArn} with STS AssumeRole, with {@code externalId} when the role's trust policy asks for one.
     */
    public void trustRole(String roleArn, String principalArn, Optional<String> externalId) {
        assumeRole.trust(roleArn, principalArn, externalId);
    }

    /** The IAM user ARN behind {@link #addAccessKey(String, String)}'s keys. */
    public String userArn(String userName) {
        return "arn:aws:iam::" + accountId + ":user/" + userName;
    }

    /**
     * Test mode: STS sessions issued from now on last this long, whatever they ask for (STS's minimum is 15
     * minutes), so that a build can outlast one; null restores STS's rule.
     */
    public void stsSessionLifetime(Duration lifetime) {
        sts.sessionLifetime(lifetime);
    }

    /** The access key ids of every STS session issued, oldest first (ids only; secrets stay inside). */
    public List<String> issuedSessionKeyIds() {
        return sts.issuedSessions().stream().map(AccessKey::accessKeyId).toList();
    }

    /** The secrets and session tokens of every STS session issued, so tests can check that none was shown. */
    public List<String> issuedSessionSecrets() {
        return sts.issuedSessions().stream().flatMap(k -> Stream.of(k.secretKey(), k.sessionToken())).toList();
    }

    /** Every registry password GetAuthorizationToken has issued, so tests can check that none was shown. */
    public List<String> issuedRegistryPasswords() {
        return authorizationTokens.issued();
    }

    /** How long registry passwords from GetAuthorizationToken issued from now on stay valid (default 12 h). */
    public void authorizationTokenLifetime(Duration lifetime) {
        authorizationTokens.lifetime(lifetime);
    }

    /**
     * Expires every registry password issued so far (the registry then answers 403 DENIED "Your authorization
     * token has expired"); passwords issued afterwards are valid as usual. E.g. as a {@link Fault#action} on the
     * first registry request: the token expires between the login and the push.
     */
    public void expireAuthorizationTokens() {
        authorizationTokens.expireAll();
    }

    /** Creates a MUTABLE repository, as CreateRepository would. */
    public void createRepository(String name) {
        createRepository(name, "MUTABLE");
    }

    /** Creates a repository with this tag mutability and, for the *_WITH_EXCLUSION modes, WILDCARD filters. */
    public void createRepository(String name, String imageTagMutability, String... exclusionFilters) {
        Params.checkRepositoryName("repositoryName", name);
        catalog.add(new Repository(name, clock.instant(), TagMutability.of(imageTagMutability, List.of(exclusionFilters)),
                false, "AES256", null, Map.of()));
    }

    /**
     * Adds a repository creation template (as CreateRepositoryCreationTemplate would), e.g. prefix {@code ROOT} or
     * {@code prod}, applied for {@code CREATE_ON_PUSH}, {@code REPLICATION} and/or {@code PULL_THROUGH_CACHE}.
     *
     * @param lifecyclePolicy the policy text it gives the repositories it creates, or null
     */
    public void addCreationTemplate(String prefix, List<String> appliedFor, String imageTagMutability,
                                    List<String> exclusionFilters, String lifecyclePolicy) {
        templates.add(prefix, appliedFor, TagMutability.of(imageTagMutability, exclusionFilters), "AES256", null,
                Map.of(), lifecyclePolicy);
    }

    /**
     * What scans of images of {@code repository} come to from now on (a clean basic scan until a test says
     * otherwise): how long they run, how they end, their findings.
     */
    public void scanResult(String repository, ScanResult result) {
        scanning.result(repository, Objects.requireNonNull(result));
    }

    /** Whether the repository scans each image pushed, as PutImageScanningConfiguration sets it. */
    public void scanOnPush(String repository, boolean scanOnPush) {
        catalog.require(repository).scanOnPush(scanOnPush);
    }

    /** How many scans were started in the repository so far, on push and on request (StartImageScan). */
    public int scanCount(String repository) {
        return scanning.scanCount(repository);
    }

    /** Adds a KMS key of the account, by id and optionally an alias ({@code alias/name}), usable for repositories. */
    public void addKmsKey(String keyId, String alias) {
        kmsKeys.add(keyId, alias);
    }

    /** The caller's IAM policy denies this ECR operation (e.g. {@code CreateRepository}) from now on. */
    public void deny(String operation) {
        denials.deny(operation);
    }

    /** Undoes {@link #deny(String)}. */
    public void allow(String operation) {
        denials.allow(operation);
    }

    /** Moves the image a tag points at to ECR's archive storage class, as UpdateImageStorageClass ARCHIVE does. */
    public String archive(String repository, String tag) {
        Repository r = catalog.require(repository);
        String digest = registryClient.manifest(repository, tag).orElseThrow(() ->
                new IllegalArgumentException(repository + ":" + tag + " does not exist")).digest();
        r.archive(digest, clock.instant());
        return digest;
    }

    /** Whether an image (by manifest digest) is in the archive storage class now. */
    public boolean isArchived(String repository, String digest) {
        return catalog.require(repository).isArchived(digest);
    }

    /** A repository's settings as DescribeRepositories describes it, for tests that check what was created. */
    public JsonNode describeRepository(String repository) {
        return json.repository(catalog.require(repository));
    }

    /** A repository's resource tags. */
    public Map<String, String> repositoryTags(String repository) {
        return catalog.require(repository).tags();
    }

    /** A repository's lifecycle policy text, or null; and when it was last set. */
    public String lifecyclePolicy(String repository) {
        return catalog.require(repository).lifecyclePolicy();
    }

    public Instant lifecyclePolicySetAt(String repository) {
        return catalog.require(repository).lifecyclePolicySetAt();
    }

    /** Whether the repository exists. */
    public boolean hasRepository(String repository) {
        return catalog.find(repository).isPresent();
    }

    /** Every request the registry facade received ("METHOD path"), oldest first; {@code clear()} it to count afresh. */
    public List<String> registryRequests() {
        return registryFacade.requests();
    }

    /** Faults for the registry facade; the target is the request path, e.g. {@code /v2/app/blobs/uploads/}. */
    public Faults faults() {
        return faults;
    }

    /** Faults for the API; the target is the operation name, e.g. {@code GetAuthorizationToken}. */
    public Faults apiFaults() {
        return apiFaults;
    }

    /** The principal an access key (a user's, or an STS session's) belongs to, if the stand-in knows the key. */
    Optional<String> principalOf(String accessKeyId) {
        return identities.find(accessKeyId).map(AccessKey::principalArn);
    }

    /** The ECR and STS API of this stand-in's region, for a {@link RegionalApi} in front of several regions. */
    HttpHandler apiHandler() {
        return apiHandler;
    }

    /**
     * Every API request (ECR and STS) received so far, with its times: the calls, and the sequential round trips a
     * client made (also served as JSON at {@code GET /_standin/requests} on the API's port, see {@link StandInAdmin}).
     */
    public RequestLog requests() {
        return requests;
    }

    /** From now on every API request (ECR and STS) waits this long before it is answered, as AWS far away would. */
    public void apiLatency(Duration latency) {
        apiLatency.set(latency);
    }

    /** From now on every request to the registry facade waits this long before it is answered. */
    public void registryLatency(Duration latency) {
        registryLatency.set(latency);
    }

    /** How many requests the stand-in has sent the real registry behind it so far (the facade's included). */
    long registryBackendRequests() {
        return registryClient.sent();
    }

    @Override
    public void close() {
        api.stop(0);
        facade.stop(0);
        if (ecrHostFacade != null) {
            ecrHostFacade.stop(0);
        }
        apiThreads.shutdownNow();
        facadeThreads.shutdownNow();
    }

    /** A thread per request under way (idle ones kept 30 s), so that requests waiting out a latency never queue. */
    static ExecutorService threads(String name) {
        AtomicInteger count = new AtomicInteger();
        return new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
            Thread t = new Thread(r, name + "-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** Configures and starts an {@link EcrStandIn}. */
    public static final class Builder {
        private String accountId = "123456789012";
        private String region = "ap-southeast-1";
        private String registryUrl;
        private String registryUsername;
        private String registryPassword;
        private int apiPort;
        private int registryPort;
        private String proxyEndpoint;
        private InetSocketAddress ecrHostAddress;
        private SSLContext ecrHostTls;
        private Duration tokenLifetime = Duration.ofHours(12);
        private Clock clock = Clock.systemUTC();
        private Duration apiLatency = Duration.ZERO;
        private Duration registryLatency = Duration.ZERO;
        private EcrStandIn sameAwsAs;

        private Builder() {
        }

        /**
         * The registry of another account (or region) of the same AWS as {@code other}: it accepts the same access
         * keys and STS sessions (and STS issues them for both), and the registry passwords either hands out, as
         * AWS's IAM, STS and GetAuthorizationToken span accounts and regions. What each registry holds and allows is
         * its own: a call or a push into the other's registry is refused as crossing accounts
         * ({@link AccountBoundary}).
         */
        public Builder sameAwsAs(EcrStandIn other) {
            this.sameAwsAs = Objects.requireNonNull(other);
            return this;
        }

        public Builder accountId(String accountId) {
            if (!accountId.matches("\\d{12}")) {
                throw new IllegalArgumentException("an AWS account id is 12 digits: " + accountId);
            }
            this.accountId = accountId;
            return this;
        }

        public Builder region(String region) {
            this.region = Objects.requireNonNull(region);
            return this;
        }

        /** The real registry that holds the images, and its own Basic credentials. */
        public Builder registry(String url, String username, String password) {
            this.registryUrl = url;
            this.registryUsername = username;
            this.registryPassword = password;
            return this;
        }

        /** The API port on 127.0.0.1; 0 (the default) picks a free one. */
        public Builder apiPort(int port) {
            this.apiPort = port;
            return this;
        }

        /** The registry facade's port on 127.0.0.1; 0 (the default) picks a free one. */
        public Builder registryPort(int port) {
            this.registryPort = port;
            return this;
        }

        /**
         * Also serves the registry facade at {@code address} (HTTPS with {@code tls}), where an engine resolves the
         * real registry host {@code <account>.dkr.ecr.<region>.amazonaws.com} (on port 443, that host then needs no
         * port in image references). ECR's answers then name that host.
         */
        public Builder ecrHostListener(InetSocketAddress address, SSLContext tls) {
            this.ecrHostAddress = Objects.requireNonNull(address);
            this.ecrHostTls = Objects.requireNonNull(tls);
            return this;
        }

        /** What GetAuthorizationToken reports as proxyEndpoint; default {@code https://} + {@link EcrStandIn#registryHost()}. */
        public Builder proxyEndpoint(String proxyEndpoint) {
            this.proxyEndpoint = proxyEndpoint;
            return this;
        }

        public Builder authorizationTokenLifetime(Duration lifetime) {
            this.tokenLifetime = lifetime;
            return this;
        }

        /**
         * How long every API request (ECR and STS) waits before it is answered, as AWS far away (a step in one region
         * pushing to another) would; zero by default. Requests under way together are answered together.
         */
        public Builder apiLatency(Duration latency) {
            this.apiLatency = Objects.requireNonNull(latency);
            return this;
        }

        /** How long every request to the registry facade waits before it is answered; zero by default. */
        public Builder registryLatency(Duration latency) {
            this.registryLatency = Objects.requireNonNull(latency);
            return this;
        }

        /** The clock for signatures, tokens and timestamps; the system clock by default. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock);
            return this;
        }

        public EcrStandIn start() throws IOException {
            return new EcrStandIn(this);
        }
    }
}
