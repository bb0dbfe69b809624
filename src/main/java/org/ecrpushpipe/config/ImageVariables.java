package org.ecrpushpipe.config;

import java.util.Optional;

/**
 * Reads IMAGE, with whether it lies on a registry other than ECR (REGISTRY_USERNAME or REGISTRY_PASSWORD set and a
 * host that is not ECR's), and AWS_REGION, which must agree with it: for a run and for the {@code policy}
 * subcommand alike.
 */
final class ImageVariables {
    private final VariableReader reader;
    /** The host of IMAGE when it is a registry other than ECR; null for ECR, or before IMAGE is read. */
    private String otherRegistryHost;

    ImageVariables(VariableReader reader) {
        this.reader = reader;
    }

    /** IMAGE; null after reporting why it is missing or unusable. */
    ImageRef image() {
        Optional<String> image = reader.value(Variable.IMAGE);
        reader.require(Variable.IMAGE);
        if (image.isEmpty()) {
            return null;
        }
        try {
            Optional<String> otherHost = ImageRef.nonEcrHost(image.get());
            if (otherHost.isPresent() && (reader.value(Variable.REGISTRY_USERNAME).isPresent()
                    || reader.value(Variable.REGISTRY_PASSWORD).isPresent())) {
                otherRegistryHost = otherHost.get();
                return ImageRef.parseOnOtherRegistry(image.get());
            }
            return ImageRef.parse(image.get());
        } catch (IllegalArgumentException e) {
            reader.problem(Variable.IMAGE, e.getMessage());
            return null;
        }
    }

    /** The host of IMAGE when {@link #image} found it on a registry other than ECR. */
    Optional<String> otherRegistryHost() {
        return Optional.ofNullable(otherRegistryHost);
    }

    /**
     * The region: the one in IMAGE's host, which AWS_REGION must then agree with, else AWS_REGION; null for another
     * registry (no AWS call is made), or after reporting a problem.
     *
     * @param image what {@link #image} returned
     */
    String region(ImageRef image) {
        if (otherRegistryHost != null) {
            return null;
        }
        Optional<String> region = reader.value(Variable.AWS_REGION);
        String name = reader.nameSet(Variable.AWS_REGION);
        if (region.isPresent() && !ImageRef.REGION.matcher(region.get()).matches()) {
            reader.problem(Variable.AWS_REGION, name + " is '" + region.get()
                    + "', not an AWS region name (like ap-southeast-1)");
            return null;
        }
        Optional<String> fromImage = image == null ? Optional.empty() : image.region();
        if (fromImage.isPresent()) {
            if (region.isPresent() && !region.get().equals(fromImage.get())) {
                reader.problem(Variable.AWS_REGION, name + " is '" + region.get() + "', which contradicts IMAGE,"
                        + " whose registry is in '" + fromImage.get() + "'; set " + name + " to '" + fromImage.get()
                        + "' or leave it empty (it may come from repository or workspace variables)");
            }
            return fromImage.get();
        }
        if (region.isEmpty() && image != null) {
            reader.problem(Variable.AWS_REGION, "required field when IMAGE is a bare repository name"
                    + " (or give IMAGE as <account>.dkr.ecr.<region>.amazonaws.com/" + image.repository() + ")");
        }
        return region.orElse(null);
    }
}
