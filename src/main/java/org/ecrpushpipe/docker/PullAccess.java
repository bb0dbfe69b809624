package org.ecrpushpipe.docker;

import java.util.List;
import java.util.Optional;

import org.ecrpushpipe.registry.RegistryCredentials;

/**
 * What a build pulls, and with which logins: the images its Dockerfile names (each {@code FROM}, each
 * {@code COPY --from=<image>}, build arguments put in), and the run's logins to registries, one per host. A builder
 * hands each pull the login for the image's registry; an image of another registry is pulled without one. The
 * logins go with the requests only, never to a file.
 *
 * @param images the images the Dockerfile pulls, as written there after its build arguments are put in
 * @param logins the registries the run holds credentials for
 */
public record PullAccess(List<String> images, List<RegistryCredentials> logins) {
    /** Nothing known of the images, no login: every pull is anonymous. */
    public static final PullAccess NONE = new PullAccess(List.of(), List.of());

    public PullAccess {
        images = List.copyOf(images);
        logins = List.copyOf(logins);
    }

    /** The login for the registry an image is in, as Docker names the registry ({@code docker.io} for none). */
    public Optional<RegistryCredentials> loginFor(String image) {
        String host = registryHost(image);
        return logins.stream().filter(l -> l.registryHost().equalsIgnoreCase(host)).findFirst();
    }

    /**
     * The registry an image reference names, as Docker reads it: its first component when that holds a {@code .} or
     * a {@code :} or is {@code localhost} (Docker Hub's old name {@code index.docker.io} read as Docker Hub), else
     * Docker Hub.
     */
    public static String registryHost(String image) {
        int slash = image.indexOf('/');
        String first = slash < 0 ? "" : image.substring(0, slash);
        boolean host = first.contains(".") || first.contains(":") || first.equals("localhost");
        return host && !first.equalsIgnoreCase("index.docker.io") ? first : "docker.io";
    }
}
