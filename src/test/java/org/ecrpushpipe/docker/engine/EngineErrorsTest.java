package org.ecrpushpipe.docker.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;

import org.ecrpushpipe.docker.PushOutcome;
import org.ecrpushpipe.errors.BuildProblem;
import org.ecrpushpipe.errors.PushProblem;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * How the engine's and the registry's words are classified: the registry's errors as docker relays them
 * (ecr-wire.md's table), and the classic builder's errors as the bed's engine writes them.
 */
class EngineErrorsTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            tag invalid: The image tag '1' already exists in the 'r' repository and cannot be overwritten because the repository is immutable. | TAG_IMMUTABLE
            name unknown: The repository with name 'r' does not exist in the registry with id '123456789012'                                      | REPOSITORY_MISSING
            denied: Your authorization token has expired. Reauthenticate and try again.                                                            | LOGIN_EXPIRED
            no basic auth credentials                                                                                                             | LOGIN_REFUSED
            unauthorized: authentication required                                                                                                 | LOGIN_REFUSED
            denied: User: arn:aws:iam::1:user/x is not authorized to perform: ecr:PutImage on resource: r because no resource-based policy allows  | DENIED_BY_REPOSITORY_POLICY
            toomanyrequests: Rate exceeded                                                                                                        | TRANSIENT
            received unexpected HTTP status: 500 Internal Server Error                                                                            | TRANSIENT
            Get "https://h/v2/": EOF                                                                                                              | TRANSIENT
            read tcp 127.0.0.1:1->127.0.0.1:2: read: connection reset by peer                                                                     | TRANSIENT
            net/http: TLS handshake timeout                                                                                                       | TRANSIENT
            dial tcp 127.0.0.1:443: connect: connection refused                                                                                   | TRANSIENT
            blob upload invalid: Layer too large                                                                                                  | LAYER_TOO_LARGE
            manifest invalid: manifest invalid                                                                                                    | OTHER
            """)
    void pushErrors(String message, PushProblem expected) {
        assertEquals(expected, PushErrors.classify(message.strip()).problem(), message);
    }

    @org.junit.jupiter.api.Test
    void aDenialNamesTheActionThePolicyLacks() {
        PushOutcome.Failed failed = PushErrors.classify("denied: User: arn:aws:iam::123456789012:user/ci is not"
                + " authorized to perform: ecr:InitiateLayerUpload on resource: arn:aws:ecr:ap-southeast-1:"
                + "123456789012:repository/app because no identity-based policy allows the ecr:InitiateLayerUpload action");
        assertEquals(PushProblem.DENIED, failed.problem());
        assertEquals(Optional.of("ecr:InitiateLayerUpload"), failed.deniedAction());
        assertEquals(Optional.of("arn:aws:ecr:ap-southeast-1:123456789012:repository/app"), failed.deniedResource());
    }

    /** ECR's 403 to a HEAD has no body: the engine cannot read it, and the only HEAD of a push is the layer check. */
    @org.junit.jupiter.api.Test
    void aBodiless403IsTheLayerCheckDenied() {
        PushOutcome.Failed failed = PushErrors.classify("error parsing HTTP 403 response body: unexpected end of"
                + " JSON input: \"\"");
        assertEquals(PushProblem.DENIED, failed.problem());
        assertEquals(Optional.of("ecr:BatchCheckLayerAvailability"), failed.deniedAction());
        assertEquals(Optional.empty(), failed.deniedResource());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            The command '/bin/sh -c exit 3' returned a non-zero code: 3                             | STEP_FAILED
            The command '/bin/sh -c kill -9 $$' returned a non-zero code: 137                       | STEP_KILLED
            the Dockerfile (Dockerfile) cannot be empty                                              | DOCKERFILE
            dockerfile parse error line 2: unknown instruction: NOSUCH                               | DOCKERFILE
            Dockerfile parse error line 3: unknown instruction: HELLO                                | DOCKERFILE
            No build stage in current context                                                        | DOCKERFILE
            pull access denied for nosuch, repository does not exist or may require 'docker login'  | BASE_IMAGE
            manifest for busybox:nosuch not found: manifest unknown: manifest unknown                | BASE_IMAGE
            COPY failed: file not found in build context or excluded by .dockerignore: stat x: file does not exist | CONTEXT_FILE
            something else entirely                                                                  | OTHER
            """)
    void buildErrors(String message, BuildProblem expected) {
        assertEquals(expected, BuildErrors.classify(message.strip()), message);
    }

    @org.junit.jupiter.api.Test
    void aRegistryErrorWhileAFromStepRunsIsTheBaseImage() {
        String refused = "Get \"http://127.0.0.1:1/v2/\": dial tcp 127.0.0.1:1: connect: connection refused";
        assertEquals(BuildProblem.BASE_IMAGE, BuildErrors.classify(refused,
                Optional.of("Step 1/2 : FROM 127.0.0.1:1/bad/nothing:1")));
        assertEquals(BuildProblem.OTHER, BuildErrors.classify(refused, Optional.of("Step 2/2 : COPY x /x")));
        assertEquals(BuildProblem.STEP_FAILED, BuildErrors.classify(
                "The command '/bin/sh -c exit 1' returned a non-zero code: 1", Optional.of("Step 2/2 : RUN exit 1")));
    }
}
