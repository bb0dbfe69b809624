package org.ecrpushpipe.publish;

import java.util.Optional;

import org.ecrpushpipe.docker.Builders;
import org.ecrpushpipe.docker.DockerEngine;
import org.ecrpushpipe.registry.EcrRepositories;
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
 */
public record Ports(Registry registry, Optional<EcrRepositories> repositories, RegistriesByRegion otherRegions,
                    DockerEngine engine, Builders builders, ResultsOutput results) {
}
