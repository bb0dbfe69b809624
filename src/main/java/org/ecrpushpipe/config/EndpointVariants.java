package org.ecrpushpipe.config;

/**
 * Which of AWS's own endpoints the AWS API calls (ECR, STS) go to when no endpoint override is set: the FIPS ones
 * (AWS_USE_FIPS_ENDPOINT, or IMAGE on a FIPS registry host, {@code dkr.ecr-fips}) and/or the dual-stack ones
 * (AWS_USE_DUALSTACK_ENDPOINT, or IMAGE on a dual-stack host, {@code dkr-ecr….on.aws}). The AWS SDK's endpoint
 * rules then name the host for the region.
 *
 * @param fips      FIPS endpoints ({@code api.ecr-fips.<region>.amazonaws.com})
 * @param dualStack dual-stack (IPv4 and IPv6) endpoints ({@code ecr.<region>.api.aws})
 */
public record EndpointVariants(boolean fips, boolean dualStack) {
    /** AWS's standard regional endpoints. */
    public static final EndpointVariants STANDARD = new EndpointVariants(false, false);
}
