package org.ecrpushpipe.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import org.ecrpushpipe.config.CredentialSettings;
import org.ecrpushpipe.config.EndpointVariants;
import org.ecrpushpipe.config.Secret;
import org.ecrpushpipe.credentials.CredentialPlan;
import org.ecrpushpipe.standin.EcrStandIn;
import org.ecrpushpipe.testbed.RegistryProcess;
import org.junit.jupiter.api.Test;

/**
 * The session hands every secret STS issues to the console's masking before anything can print it: the OIDC
 * session's secret and token, and the chained role's, against the stand-in's STS.
 */
class AwsSessionTest {
    private static final String OIDC_ROLE = "arn:aws:iam::123456789012:role/oidc";
    private static final String CHAINED = "arn:aws:iam::123456789012:role/chained";

    @Test
    void everyIssuedSecretAndTokenIsMaskedBeforeUse() throws Exception {
        try (RegistryProcess registry = RegistryProcess.start();
             EcrStandIn standIn = EcrStandIn.builder().registry(registry.url(), registry.username(),
                     registry.password()).start()) {
            standIn.allowRole(OIDC_ROLE);
            standIn.trustRole(CHAINED, OIDC_ROLE, Optional.empty());
            CredentialPlan plan = new CredentialPlan(CredentialPlan.Method.OIDC, Optional.empty(),
                    Optional.of(new CredentialSettings.WebIdentity(OIDC_ROLE,
                            Secret.of(standIn.issueWebIdentityToken("mask")), "bitbucket-1")),
                    Optional.of(new CredentialSettings.AssumeRole(CHAINED, Optional.empty(), "bitbucket-1")));
            List<String> masked = new CopyOnWriteArrayList<>();
            try (AwsSession session = new AwsSession(plan, standIn.region(),
                    Optional.of(URI.create(standIn.apiEndpoint())), EndpointVariants.STANDARD, masked::add)) {
                session.authenticate();
                assertTrue(session.provider().resolveCredentials().accessKeyId().startsWith("ASIA"));
            }
            List<String> issued = standIn.issuedSessionSecrets();
            assertEquals(4, issued.size(), "two sessions: the OIDC role's and the chained role's");
            assertTrue(masked.containsAll(issued), "every secret and token went to the masking");
        }
    }
}
