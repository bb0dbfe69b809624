package org.ecrpushpipe.testbed;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import org.ecrpushpipe.standin.EcrStandIn;
import org.ecrpushpipe.standin.RegionalApi;

/**
 * The bed the pipe image's AOT cache is trained on ({@code test/build-image.sh}): for the home region and for one
 * mirror region ({@value #MIRROR_REGION}), a real registry with the ECR stand-in in front of it, one API endpoint
 * for both ({@link RegionalApi}, as {@link EcrRegionsBed} does) and a {@link TlsRelay} in front of that, so the
 * training runs reach "ECR" over HTTPS as every real run does, and may mirror. The IAM user's key pair comes from
 * the environment ({@code BED_ACCESS_KEY}, {@code BED_SECRET_KEY}), never from the command line.
 *
 * <pre>
 * BED_ACCESS_KEY=… BED_SECRET_KEY=… java -cp … org.ecrpushpipe.testbed.TrainingBedMain REPOSITORY
 * </pre>
 *
 * Creates REPOSITORY in both regions, prints {@code AWS_ENDPOINT_URL=https://127.0.0.1:P}, {@code AWS_REGION=…},
 * {@code MIRROR_REGION=…}, {@code REGISTRY_HOST=…} (the home region's), {@code TRUST_STORE=PATH} (the relay's certificate, password
 * {@value TlsRelay#TRUST_STORE_PASSWORD}) and {@code READY}, then runs until stopped (SIGTERM, Ctrl-C) and stops
 * what it started.
 */
public final class TrainingBedMain {
    /** The region the training runs mirror to. */
    static final String MIRROR_REGION = "eu-west-1";

    private TrainingBedMain() {
    }

    public static void main(String[] args) throws Exception {
        String accessKey = System.getenv("BED_ACCESS_KEY");
        String secretKey = System.getenv("BED_SECRET_KEY");
        if (args.length != 1 || accessKey == null || accessKey.isBlank() || secretKey == null || secretKey.isBlank()) {
            System.err.println("usage: BED_ACCESS_KEY=K BED_SECRET_KEY=S TrainingBedMain REPOSITORY");
            System.exit(2);
        }
        List<AutoCloseable> started = new ArrayList<>();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> closeAll(started)));
        List<EcrStandIn> standIns = new ArrayList<>();
        try {
            for (String region : List.of("", MIRROR_REGION)) {
                RegistryProcess registry = RegistryProcess.start();
                started.add(registry);
                EcrStandIn.Builder builder = EcrStandIn.builder().registry(registry.url(), registry.username(),
                        registry.password());
                if (!region.isEmpty()) {
                    builder.region(region);
                }
                EcrStandIn standIn = builder.start();
                started.add(standIn);
                standIn.addAccessKey(accessKey, secretKey);
                standIn.createRepository(args[0]);
                standIns.add(standIn);
            }
            RegionalApi api = new RegionalApi(standIns);
            started.add(api);
            TlsRelay relay = TlsRelay.start(api.endpoint());
            started.add(relay);
            System.out.println("AWS_ENDPOINT_URL=" + relay.endpoint());
            System.out.println("AWS_REGION=" + standIns.get(0).region());
            System.out.println("MIRROR_REGION=" + MIRROR_REGION);
            System.out.println("REGISTRY_HOST=" + standIns.get(0).registryHost());
            System.out.println("TRUST_STORE=" + relay.trustStore());
        } catch (IOException | RuntimeException e) {
            closeAll(started);
            throw e;
        }
        System.out.println("READY");
        System.out.flush();
        Thread.currentThread().join();
    }

    /** Stops what was started, the last first. */
    private static synchronized void closeAll(List<AutoCloseable> started) {
        for (int i = started.size() - 1; i >= 0; i--) {
            try {
                started.get(i).close();
            } catch (Exception e) {
                System.err.println("could not stop " + started.get(i) + ": " + e);
            }
        }
        started.clear();
    }
}
