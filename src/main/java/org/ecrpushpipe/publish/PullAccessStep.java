package org.ecrpushpipe.publish;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import org.ecrpushpipe.config.BuildArg;
import org.ecrpushpipe.config.ImageRef;
import org.ecrpushpipe.docker.DockerEngine;
import org.ecrpushpipe.docker.PullAccess;
import org.ecrpushpipe.dockerfile.Dockerfile;
import org.ecrpushpipe.errors.RegistryKind;
import org.ecrpushpipe.registry.RegionalEcr;
import org.ecrpushpipe.registry.RegistriesByRegion;
import org.ecrpushpipe.registry.RegistryCredentials;

/**
 * The logins a build's pulls need, as {@code docker login} would have given them: for each image the Dockerfile
 * names (each {@code FROM}, {@code COPY --from}, {@code RUN --mount=…,from=}, build arguments put in) that is in a
 * registry the run can log in to — the image's own registry; for ECR, any ECR registry of the image's region (one
 * login serves every account's registry in a region) and the account's registries in other regions — the login for
 * that registry. Logins are got only for images the engine must pull (it lacks them, or PULL asks for fresh ones),
 * so a re-run whose base images are in the engine builds without waiting for them.
 */
final class PullAccessStep {
    private final Login home;
    private final RegistriesByRegion regions;
    private final DockerEngine engine;
    private final RunContext context;

    PullAccessStep(Login home, RegistriesByRegion regions, DockerEngine engine, RunContext context) {
        this.home = home;
        this.regions = regions;
        this.engine = engine;
        this.context = context;
    }

    /** @param ready the registry side, waited for only when a pull needs the home registry's login */
    PullAccess prepare(PublishRequest request, ImageSource.Build build, Optional<Dockerfile> dockerfile,
                       Supplier<PrepareStep.Ready> ready) {
        List<String> images = dockerfile.map(file -> file.images(arguments(build))).orElse(List.of());
        boolean fresh = build.settings().pull();
        Map<String, List<String>> byHost = new LinkedHashMap<>();
        for (String image : images) {
            String host = PullAccess.registryHost(image);
            if (canLogIn(request, host) && (fresh || engine.imageId(image).isEmpty())) {
                byHost.computeIfAbsent(host, h -> new ArrayList<>()).add(image);
            }
        }
        if (byHost.isEmpty()) {
            return new PullAccess(images, List.of());
        }
        List<RegistryCredentials> logins = new ArrayList<>();
        byHost.forEach((host, pulled) -> {
            RegistryCredentials login = login(request, host, ready);
            logins.add(new RegistryCredentials(host, login.username(), login.password(), login.expiresAt()));
            context.events().info("Pulling " + String.join(", ", pulled) + " with the run's login to " + host + ".");
        });
        return new PullAccess(images, logins);
    }

    /** The build arguments given, by name; a name without a value keeps the Dockerfile's default. */
    private static Map<String, Optional<String>> arguments(ImageSource.Build build) {
        Map<String, Optional<String>> args = new LinkedHashMap<>();
        for (BuildArg arg : build.settings().buildArgs()) {
            args.put(arg.name(), arg.value());
        }
        return args;
    }

    /** Whether the run can log in to the registry at {@code host}. */
    private static boolean canLogIn(PublishRequest request, String host) {
        if (request.kind() == RegistryKind.OTHER) {
            return request.host().filter(host::equals).isPresent();
        }
        Optional<ImageRef.EcrRegistryHost> ecr = ImageRef.ecrRegistryHost(host);
        return ecr.isPresent() && ImageRef.partition(ecr.get().region())
                .equals(ImageRef.partition(request.region().orElseThrow()));
    }

    private RegistryCredentials login(PublishRequest request, String host, Supplier<PrepareStep.Ready> ready) {
        Optional<ImageRef.EcrRegistryHost> ecr = ImageRef.ecrRegistryHost(host);
        if (ecr.isEmpty() || ecr.get().region().equals(request.region().orElse(""))) {
            ready.get();
            return home.current();
        }
        RegionalEcr regional = regions.in(ecr.get().region());
        return new Login(regional.registry(), context.events()).renew();
    }
}
