package org.ecrpushpipe.standin;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Runs an {@link EcrStandIn} as a process, for tests that drive the pipe from outside the JVM (e.g. its container).
 * Prints {@code NAME=value} lines to stdout, ending with {@code READY}, then serves until killed. Secrets given as
 * arguments are never printed.
 */
public final class EcrStandInMain {
    static final String USAGE = """
            usage: EcrStandInMain --registry-url URL --registry-user USER --registry-password PASSWORD
                                  [--api-port PORT] [--registry-port PORT]     (0, the default, picks a free port)
                                  [--account-id 123456789012] [--region ap-southeast-1]
                                  [--access-key ID --secret-key SECRET]...     (IAM user keys the API accepts)
                                  [--repository NAME]... [--immutable-repository NAME]...
                                  [--allow-role ROLE_ARN]... [--web-identity-subject SUBJECT]
                                  [--token-lifetime SECONDS] [--proxy-endpoint URL]
                                  [--api-latency-ms N] [--registry-latency-ms N]  (each request waits N ms first)
            prints AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_ECR, AWS_ENDPOINT_URL_STS, AWS_REGION, AWS_ACCOUNT_ID, REGISTRY,
            WEB_IDENTITY_TOKEN (with --web-identity-subject) and READY, then runs until killed""";

    private EcrStandInMain() {
    }

    public static void main(String[] args) throws Exception {
        EcrStandIn standIn;
        try {
            standIn = start(List.of(args), System.out);
        } catch (IllegalArgumentException e) {
            System.err.println("EcrStandInMain: " + e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(standIn::close, "ecr-stand-in-shutdown"));
        new CountDownLatch(1).await();
    }

    /** Parses the arguments, starts the stand-in and prints its coordinates; bad arguments throw. */
    static EcrStandIn start(List<String> args, PrintStream out) throws IOException {
        EcrStandIn.Builder builder = EcrStandIn.builder();
        String registryUrl = null;
        String registryUser = null;
        String registryPassword = null;
        List<String> accessKeys = new ArrayList<>();
        List<String> secretKeys = new ArrayList<>();
        List<String> repositories = new ArrayList<>();
        List<String> immutableRepositories = new ArrayList<>();
        List<String> roles = new ArrayList<>();
        String subject = null;
        Duration tokenLifetime = null;
        for (int i = 0; i < args.size(); i++) {
            String option = args.get(i);
            if (i + 1 >= args.size()) {
                throw new IllegalArgumentException(option.startsWith("--") ? option + " needs a value"
                        : "unexpected argument " + option);
            }
            String value = args.get(++i);
            switch (option) {
                case "--api-port" -> builder.apiPort(port(option, value));
                case "--registry-port" -> builder.registryPort(port(option, value));
                case "--registry-url" -> registryUrl = value;
                case "--registry-user" -> registryUser = value;
                case "--registry-password" -> registryPassword = value;
                case "--account-id" -> builder.accountId(value);
                case "--region" -> builder.region(value);
                case "--access-key" -> accessKeys.add(value);
                case "--secret-key" -> secretKeys.add(value);
                case "--repository" -> repositories.add(value);
                case "--immutable-repository" -> immutableRepositories.add(value);
                case "--allow-role" -> roles.add(value);
                case "--web-identity-subject" -> subject = value;
                case "--token-lifetime" -> tokenLifetime = Duration.ofSeconds(number(option, value));
                case "--proxy-endpoint" -> builder.proxyEndpoint(value);
                case "--api-latency-ms" -> builder.apiLatency(millis(option, value));
                case "--registry-latency-ms" -> builder.registryLatency(millis(option, value));
                default -> throw new IllegalArgumentException("unknown option " + option);
            }
        }
        if (registryUrl == null || registryUser == null || registryPassword == null) {
            throw new IllegalArgumentException("--registry-url, --registry-user and --registry-password are required");
        }
        if (accessKeys.size() != secretKeys.size()) {
            throw new IllegalArgumentException("give each --access-key its --secret-key");
        }
        if (tokenLifetime != null) {
            builder.authorizationTokenLifetime(tokenLifetime);
        }
        EcrStandIn standIn = builder.registry(registryUrl, registryUser, registryPassword).start();
        try {
            for (int k = 0; k < accessKeys.size(); k++) {
                standIn.addAccessKey(accessKeys.get(k), secretKeys.get(k));
            }
            repositories.forEach(standIn::createRepository);
            immutableRepositories.forEach(name -> standIn.createRepository(name, "IMMUTABLE"));
            roles.forEach(standIn::allowRole);
        } catch (RuntimeException e) {
            standIn.close();
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        out.println("AWS_ENDPOINT_URL=" + standIn.apiEndpoint());
        out.println("AWS_ENDPOINT_URL_ECR=" + standIn.apiEndpoint());
        out.println("AWS_ENDPOINT_URL_STS=" + standIn.apiEndpoint());
        out.println("AWS_REGION=" + standIn.region());
        out.println("AWS_ACCOUNT_ID=" + standIn.accountId());
        out.println("REGISTRY=" + standIn.registryHost());
        if (subject != null) {
            out.println("WEB_IDENTITY_TOKEN=" + standIn.issueWebIdentityToken(subject));
        }
        out.println("READY");
        out.flush();
        return standIn;
    }

    private static int port(String option, String value) {
        int port = number(option, value);
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(option + " must be a port number, not " + value);
        }
        return port;
    }

    /** A latency in milliseconds, 0 or more. */
    static Duration millis(String option, String value) {
        int ms = number(option, value);
        if (ms < 0) {
            throw new IllegalArgumentException(option + " must be 0 or more milliseconds, not " + value);
        }
        return Duration.ofMillis(ms);
    }

    private static int number(String option, String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " must be a number, not " + value);
        }
    }
}
