package org.ecrpushpipe.config;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The ECR repository the pipe pushes to, as the user wrote it in {@code IMAGE}: either a full repository URI
 * ({@code <account>.dkr.ecr.<region>.amazonaws.com[.cn]/<name>}, the FIPS host {@code dkr.ecr-fips}, or the
 * dual-stack host {@code <account>.dkr-ecr.<region>.on.aws}) or a bare repository name, whose registry is then
 * the one ECR names when the pipe logs in.
 *
 * @param registry   the registry host when IMAGE was a full URI
 * @param repository the repository name, per ECR's rule
 */
public record ImageRef(Optional<EcrRegistryHost> registry, String repository) {
    // ECR's current repository name rule (the OCI grammar), length 2..256.
    private static final Pattern NAME = Pattern.compile(
            "[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*)*");
    private static final Pattern STANDARD = Pattern.compile("(\\d+)\\.dkr\\.ecr\\.([a-z0-9-]+)\\.amazonaws\\.com(\\.cn)?");
    private static final Pattern FIPS = Pattern.compile("(\\d+)\\.dkr\\.ecr-fips\\.([a-z0-9-]+)\\.amazonaws\\.com");
    private static final Pattern DUAL_STACK = Pattern.compile("(\\d+)\\.dkr-ecr\\.([a-z0-9-]+)\\.on\\.aws");
    /** Docker Hub, as Docker names its registry in an image reference. */
    public static final String DOCKER_HUB = "docker.io";
    /** Docker Hub's older name, which Docker reads as {@link #DOCKER_HUB}. */
    private static final String DOCKER_HUB_LEGACY = "index.docker.io";
    /** An AWS region name: {@code ap-southeast-1}, {@code us-gov-west-1}, {@code cn-north-1}. */
    public static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d{1,2}");

    /** How the registry host is reached; FIPS and dual-stack hosts need the matching API endpoint. */
    public enum EndpointVariant { STANDARD, FIPS, DUAL_STACK }

    /** A registry host of ECR, with the account and region it names. */
    public record EcrRegistryHost(String host, String accountId, String region, EndpointVariant variant) {
    }

    /**
     * Parses IMAGE. Throws {@link IllegalArgumentException} with a user-facing sentence (and the fix) when the
     * value is not an ECR repository.
     */
    public static ImageRef parse(String image) {
        String value = image.trim();
        if (value.contains("://")) {
            throw new IllegalArgumentException("'" + value + "' has a URL scheme; give the repository URI without '"
                    + value.substring(0, value.indexOf("://") + 3) + "'");
        }
        if (value.contains("@")) {
            throw new IllegalArgumentException("'" + value + "' holds a digest; IMAGE names the repository only");
        }
        int slash = value.indexOf('/');
        String first = slash < 0 ? value : value.substring(0, slash);
        boolean hasHost = slash > 0 && (first.contains(".") || first.contains(":") || first.equals("localhost"));
        String name = hasHost ? value.substring(slash + 1) : value;
        int colon = name.lastIndexOf(':');
        if (colon >= 0) {
            throw new IllegalArgumentException("'" + value + "' holds the tag '" + name.substring(colon + 1)
                    + "'; IMAGE names the repository only, put tags in TAGS");
        }
        Optional<EcrRegistryHost> registry = hasHost ? Optional.of(parseHost(first)) : Optional.empty();
        checkName(name);
        return new ImageRef(registry, name);
    }

    /**
     * The host IMAGE names when it is a registry other than ECR ({@code registry.example.com},
     * {@code 127.0.0.1:5000}), as Docker names it ({@code index.docker.io} is {@code docker.io}); empty for an ECR
     * host, ECR Public, or a bare name (which names an ECR repository, never Docker Hub).
     */
    public static Optional<String> nonEcrHost(String image) {
        String value = image.trim();
        if (value.contains("://")) {
            return Optional.empty();
        }
        int slash = value.indexOf('/');
        String first = slash < 0 ? value : value.substring(0, slash);
        boolean hasHost = slash > 0 && (first.contains(".") || first.contains(":") || first.equals("localhost"));
        if (!hasHost) {
            return Optional.empty();
        }
        String lower = first.toLowerCase(Locale.ROOT);
        boolean ecr = lower.equals("public.ecr.aws") || lower.matches("\\d+\\.dkr[.-]ecr.*")
                || lower.endsWith(".amazonaws.com") || lower.endsWith(".amazonaws.com.cn") || lower.endsWith(".on.aws");
        if (ecr) {
            return Optional.empty();
        }
        return Optional.of(lower.equals(DOCKER_HUB_LEGACY) ? DOCKER_HUB : lower);
    }

    /**
     * Parses IMAGE on a registry other than ECR ({@link #nonEcrHost} is present): the repository name alone, as
     * the registry's login names the host. Same rules for tags, digests and the name as for ECR. A one-part name on
     * Docker Hub is one of its {@code library/} repositories, as Docker reads it.
     */
    public static ImageRef parseOnOtherRegistry(String image) {
        String value = image.trim();
        if (value.contains("@")) {
            throw new IllegalArgumentException("'" + value + "' holds a digest; IMAGE names the repository only");
        }
        String name = value.substring(value.indexOf('/') + 1);
        int colon = name.lastIndexOf(':');
        if (colon >= 0) {
            throw new IllegalArgumentException("'" + value + "' holds the tag '" + name.substring(colon + 1)
                    + "'; IMAGE names the repository only, put tags in TAGS");
        }
        checkName(name);
        boolean dockerHub = nonEcrHost(value).filter(DOCKER_HUB::equals).isPresent();
        return new ImageRef(Optional.empty(), dockerHub && !name.contains("/") ? "library/" + name : name);
    }

    /** The AWS partition of a region, as far as its name tells: aws, aws-cn, aws-us-gov, aws-iso… */
    public static String partition(String region) {
        if (region.startsWith("cn-")) {
            return "aws-cn";
        }
        if (region.startsWith("us-gov-")) {
            return "aws-us-gov";
        }
        if (region.startsWith("us-iso")) {
            return region.substring(0, region.indexOf('-', 3));
        }
        return "aws";
    }

    /** The ECR registry a host names ({@code <account>.dkr.ecr.<region>.amazonaws.com} and its variants), if any. */
    public static Optional<EcrRegistryHost> ecrRegistryHost(String host) {
        try {
            return Optional.of(parseHost(host));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static EcrRegistryHost parseHost(String host) {
        String lower = host.toLowerCase(Locale.ROOT);
        if (lower.equals("public.ecr.aws")) {
            throw new IllegalArgumentException("'" + host + "' is ECR Public; this pipe pushes to private ECR repositories");
        }
        for (var entry : new Object[][] {{STANDARD, EndpointVariant.STANDARD}, {FIPS, EndpointVariant.FIPS},
                {DUAL_STACK, EndpointVariant.DUAL_STACK}}) {
            Matcher m = ((Pattern) entry[0]).matcher(lower);
            if (m.matches()) {
                String account = m.group(1);
                if (account.length() != 12) {
                    throw new IllegalArgumentException("the account id '" + account + "' in '" + host + "' has "
                            + account.length() + " digits, not 12" + (account.length() == 11
                            ? "; a leading zero was probably lost (quote the value in YAML)" : ""));
                }
                String region = m.group(2);
                if (!REGION.matcher(region).matches()) {
                    throw new IllegalArgumentException("'" + region + "' in '" + host
                            + "' is not an AWS region name (like ap-southeast-1)");
                }
                boolean china = lower.endsWith(".amazonaws.com.cn");
                if (china != region.startsWith("cn-")) {
                    throw new IllegalArgumentException("'" + host + "' mixes partitions: "
                            + (china ? "a .amazonaws.com.cn host needs a China region (cn-…)"
                                     : "China regions (cn-…) use hosts ending in .amazonaws.com.cn"));
                }
                return new EcrRegistryHost(lower, account, region, (EndpointVariant) entry[1]);
            }
        }
        throw new IllegalArgumentException("'" + host + "' is not an ECR registry host; expected "
                + "<account>.dkr.ecr.<region>.amazonaws.com/<name>, or just the repository name (a name whose"
                + " first part holds a '.' must be given as a full URI, as docker reads it as a host); to push to another"
                + " registry, set REGISTRY_USERNAME and REGISTRY_PASSWORD");
    }

    private static void checkName(String name) {
        if (name.length() < 2 || name.length() > 256) {
            throw new IllegalArgumentException("the repository name '" + name + "' is " + name.length()
                    + " characters long; ECR allows 2 to 256");
        }
        if (!NAME.matcher(name).matches()) {
            String hint = name.equals(name.toLowerCase(Locale.ROOT)) ? "" : " (names are lower case)";
            throw new IllegalArgumentException("'" + name + "' is not a valid ECR repository name" + hint
                    + ": lower-case letters and digits, separated by '.', '_', '__', '-' or '/'");
        }
    }

    /** The region named by the registry host, if IMAGE was a full URI. */
    public Optional<String> region() {
        return registry.map(EcrRegistryHost::region);
    }

    /** The account named by the registry host, if IMAGE was a full URI. */
    public Optional<String> accountId() {
        return registry.map(EcrRegistryHost::accountId);
    }

    @Override
    public String toString() {
        return registry.map(r -> r.host() + "/" + repository).orElse(repository);
    }
}
