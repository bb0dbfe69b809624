package org.ecrpushpipe.config;

import java.util.Optional;

/** A static AWS key pair, with a session token when the pair is temporary. */
public record AwsCredentials(Secret accessKeyId, Secret secretAccessKey, Optional<Secret> sessionToken) {
}
