package org.ecrpushpipe.errors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** A push refused by a registry other than ECR points at REGISTRY_USERNAME, never at IAM, ECR or IMAGE's region. */
class PushFailureHintsTest {

    @ParameterizedTest
    @EnumSource(value = PushProblem.class, names = {"LOGIN_EXPIRED", "LOGIN_REFUSED", "DENIED"})
    void anotherRegistrysRefusalSpeaksOfItsOwnLogin(PushProblem problem) {
        PipeException other = Failures.pushFailed(problem, "registry.example.com/team/app:1.0",
                "registry.example.com", RegistryKind.OTHER, "unauthorized", Optional.empty(), Optional.empty(), 1);
        assertFalse(other.hint().contains("ECR"), other.hint());
        assertFalse(other.hint().contains("IAM"), other.hint());
        assertFalse(other.hint().contains("region"), other.hint());
        assertEquals(ExitCode.AUTHENTICATION, other.exitCode());
        if (problem != PushProblem.LOGIN_EXPIRED) {
            assertTrue(other.hint().contains("REGISTRY_USERNAME"), other.hint());
        }

        PipeException ecr = Failures.pushFailed(problem, "123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1.0",
                "123456789012.dkr.ecr.eu-west-1.amazonaws.com", RegistryKind.ECR, "unauthorized", Optional.empty(),
                Optional.empty(), 1);
        assertFalse(ecr.hint().contains("REGISTRY_USERNAME"), ecr.hint());
    }
}
