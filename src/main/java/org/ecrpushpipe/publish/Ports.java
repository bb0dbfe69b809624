package org.ecrpushpipe.publish;

import java.util.Optional;

import org.ecrpushpipe.docker.Builders;
import org.ecrpushpipe.docker.DockerEngine;
import org.ecrpushpipe.registry.EcrRepositories;
import org.ecrpushpipe.registry.ImageScans;
import org.ecrpushpipe.registry.RegistriesByRegion;
import org.ecrpushpipe.registry.Registry;

/**
 * The adapters one run works through, each behind its interface.
 *
 * @param registry     the image's own registry
 * @param repositories ECR's repository administration of that registry; empty for another registry
 * @param otherRegions the account's registries in other regions, for mirroring
 * @param engine       the step's Docker engine
 * @param builders     the builders of that engine
 * @param results      where the results go for later steps
 * @param scans        ECR's image scanning in the image's own registry, for the scan gate; empty for another registry
 */
public record Ports(Registry registry, Optional<EcrRepositories> repositories, RegistriesByRegion otherRegions,
                    DockerEngine engine, Builders builders, ResultsOutput results, Optional<ImageScans> scans) {

    /** The adapters of a run without the scan gate. */
    public Ports(Registry registry, Optional<EcrRepositories> repositories, RegistriesByRegion otherRegions,
                 DockerEngine engine, Builders builders, ResultsOutput results) {
        this(registry, repositories, otherRegions, engine, builders, results, Optional.empty());
    }
}
