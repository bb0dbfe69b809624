package org.ecrpushpipe.registry;

import java.time.Instant;

import org.ecrpushpipe.config.Secret;

/**
 * Credentials for one registry host, as ECR hands them out: user {@code AWS} and a password valid until
 * {@code expiresAt}. Passed to the Docker engine per request; never written to disk.
 *
 * @param registryHost the registry the credentials are for, without scheme ({@code <acct>.dkr.ecr.<region>.amazonaws.com})
 */
public record RegistryCredentials(String registryHost, String username, Secret password, Instant expiresAt) {
}
