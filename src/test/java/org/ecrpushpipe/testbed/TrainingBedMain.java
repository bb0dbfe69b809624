package org.ecrpushpipe.testbed;

import java.io.IOException;

import org.ecrpushpipe.standin.EcrStandIn;

/**
 * The bed the pipe image's AOT cache is trained on ({@code test/build-image.sh}): a real registry, the ECR
 * stand-in in front of it, and a {@link TlsRelay} in front of the stand-in's API, so the training run reaches
 * "ECR" over HTTPS as every real run does. The IAM user's key pair comes from the environment
 * ({@code BED_ACCESS_KEY}, {@code BED_SECRET_KEY}), never from the command line.
 *
 * <pre>
 * BED_ACCESS_KEY=… BED_SECRET_KEY=… java -cp … org.ecrpushpipe.testbed.TrainingBedMain REPOSITORY
 * </pre>
 *
 * Prints {@code AWS_ENDPOINT_URL=https://127.0.0.1:P}, {@code AWS_REGION=…}, {@code TRUST_STORE=PATH} (the
 * relay's certificate, password {@value TlsRelay#TRUST_STORE_PASSWORD}) and {@code READY}, then runs until
 * stopped (SIGTERM, Ctrl-C) and stops what it started.
 */
public final class TrainingBedMain {
    private TrainingBedMain() {
    }

    public static void main(String[] args) throws Exception {
        String accessKey = System.getenv("BED_ACCESS_KEY");
        String secretKey = System.getenv("BED_SECRET_KEY");
        if (args.length != 1 || accessKey == null || accessKey.isBlank() || secretKey == null || secretKey.isBlank()) {
            System.err.println("usage: BED_ACCESS_KEY=K BED_SECRET_KEY=S TrainingBedMain REPOSITORY");
            System.exit(2);
        }
        RegistryProcess registry = RegistryProcess.start();
        EcrStandIn standIn = null;
        TlsRelay relay;
        try {
            standIn = EcrStandIn.builder().registry(registry.url(), registry.username(), registry.password()).start();
            relay = TlsRelay.start(standIn.apiEndpoint());
        } catch (IOException | RuntimeException e) {
            if (standIn != null) {
                standIn.close();
            }
            registry.close();
            throw e;
        }
        EcrStandIn started = standIn;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            relay.close();
            started.close();
            try {
                registry.close();
            } catch (Exception e) {
                System.err.println("could not stop the registry: " + e);
            }
        }));
        standIn.addAccessKey(accessKey, secretKey);
        standIn.createRepository(args[0]);
        System.out.println("AWS_ENDPOINT_URL=" + relay.endpoint());
        System.out.println("AWS_REGION=" + standIn.region());
        System.out.println("TRUST_STORE=" + relay.trustStore());
        System.out.println("READY");
        System.out.flush();
        Thread.currentThread().join();
    }
}
