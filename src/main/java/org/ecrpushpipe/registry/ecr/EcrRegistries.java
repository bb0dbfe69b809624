package org.ecrpushpipe.registry.ecr;

import java.util.LinkedHashMap;
import java.util.Map;

import org.ecrpushpipe.registry.RegionalEcr;
import org.ecrpushpipe.registry.RegistriesByRegion;

/**
 * One {@link EcrRegistry} per region, each with an SDK client of its own for that region, built from the settings
 * of the image's own region: the same credentials, registry (account), endpoint variant and endpoint override. An
 * override (AWS_ENDPOINT_URL_ECR) serves every region: the region travels in each request's signature, as it does
 * to AWS's own per-region endpoints. Closing closes every client built.
 */
public final class EcrRegistries implements RegistriesByRegion, AutoCloseable {
    private final EcrSettings home;
    private final Map<String, EcrRegistry> registries = new LinkedHashMap<>();

    public EcrRegistries(EcrSettings home) {
        this.home = home;
    }

    @Override
    public synchronized RegionalEcr in(String region) {
        EcrRegistry registry = registries.computeIfAbsent(region, r -> new EcrRegistry(new EcrSettings(r,
                home.credentials(), home.registryId(), home.variants(), home.endpointOverride())));
        return new RegionalEcr(region, registry, registry);
    }

    @Override
    public synchronized void close() {
        registries.values().forEach(EcrRegistry::close);
        registries.clear();
    }
}
