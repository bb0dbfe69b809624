package org.ecrpushpipe.publish;

import org.ecrpushpipe.config.Secret;
import org.ecrpushpipe.registry.Registry;
import org.ecrpushpipe.registry.RegistryCredentials;

/**
 * The run's login to one registry: got once, again when the registry says it expired, and shared by the pushes and
 * pulls that need it — from whichever thread — without ever being shown.
 */
final class Login {
    private final Registry registry;
    private final PublishEvents events;
    private volatile RegistryCredentials current;

    Login(Registry registry, PublishEvents events) {
        this.registry = registry;
        this.events = events;
    }

    /** Logs in (again); the credentials are kept for what follows, and their values masked from now on. */
    RegistryCredentials renew() {
        RegistryCredentials credentials = registry.login();
        events.secret(credentials.password().reveal());
        // what the engine and a registry's API carry in an Authorization header
        events.secret(Secret.basicCredentials(credentials.username(), credentials.password()).reveal());
        events.debug("Logged in to " + credentials.registryHost() + " until " + credentials.expiresAt() + ".");
        current = credentials;
        return credentials;
    }

    /** The credentials of the last login; logs in first when there was none. */
    RegistryCredentials current() {
        RegistryCredentials credentials = current;
        return credentials == null ? renew() : credentials;
    }
}
