package org.ecrpushpipe.dockerfile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** What the pipe reads of a Dockerfile: stages, the images it pulls, the syntax it needs of a builder. */
class DockerfileTest {

    private static Dockerfile of(String... lines) {
        return Dockerfile.parse(List.of(lines));
    }

    @Test
    void stagesAreNamedInLowerCaseAcrossContinuationsAndComments() {
        Dockerfile file = of("# syntax comment", "from debian:bookworm as deps", "RUN apt-get update",
                "FROM --platform=linux/amd64 deps \\  ", "  AS Builder", "FROM scratch", "COPY --from=builder / /",
                "FROM scratch AS final");
        assertEquals(List.of("deps", "builder", "final"), file.stageNames());
        assertEquals(List.of("deps", "builder"), file.intermediateStages());
        assertEquals("deps", file.stages().get(1).image());
    }

    @Test
    void imagesAreTheFromsAndFromFlagsThatNameNoStage() {
        Dockerfile file = of(
                "ARG REGISTRY=123456789012.dkr.ecr.ap-southeast-1.amazonaws.com",
                "ARG BASE_TAG",
                "FROM ${REGISTRY}/base:${BASE_TAG:-1} AS build",
                "COPY --from=$REGISTRY/tools:2 /bin/tool /bin/",
                "RUN --mount=type=cache,target=/root/.cache --mount=type=bind,from=busybox:1,target=/mnt true",
                "FROM build AS test",
                "FROM scratch",
                "COPY --from=build /out /",
                "COPY --from=0 /out /again",
                "FROM debian:bookworm");
        assertEquals(List.of("123456789012.dkr.ecr.ap-southeast-1.amazonaws.com/base:1",
                "123456789012.dkr.ecr.ap-southeast-1.amazonaws.com/tools:2", "busybox:1", "debian:bookworm"),
                file.images(Map.of()));
        assertEquals(List.of("registry.example.com/base:7", "registry.example.com/tools:2", "busybox:1",
                        "debian:bookworm"),
                file.images(Map.of("REGISTRY", Optional.of("registry.example.com"), "BASE_TAG", Optional.of("7"))));
        assertEquals("123456789012.dkr.ecr.ap-southeast-1.amazonaws.com/base:1",
                file.images(Map.of("REGISTRY", Optional.empty())).get(0), "a bare build argument keeps the default");
    }

    @Test
    void expansionFollowsTheShellForms() {
        Variables v = new Variables();
        v.declare("A=x EMPTY= QUOTED=\"q\"", Map.of());
        assertEquals("x-x-d-alt--q-$A", v.expand("$A-${A}-${UNSET:-d}-${A:+alt}-${EMPTY}-${QUOTED}-\\$A"));
        assertEquals("e", v.expand("${EMPTY:-e}"));
        assertEquals("", v.expand("${EMPTY-e}"));
    }

    @Test
    void theSyntaxABuilderNeedsIsNamedAsWritten() {
        Dockerfile classic = of("FROM scratch", "COPY --from=x --chown=1:1 a /", "RUN make");
        assertEquals(List.of(), classic.buildKitSyntax());
        Dockerfile buildKit = of("FROM scratch", "COPY --chmod=755 a /", "RUN --mount=type=cache,target=/c make",
                "RUN --mount=type=secret,id=npm cat /run/secrets/npm", "COPY --link b /",
                "RUN <<EOF", "echo FROM inside a here-document", "EOF");
        assertEquals(List.of("COPY --chmod", "RUN --mount=type=cache", "RUN --mount=type=secret", "COPY --link",
                "RUN <<here-document"), buildKit.buildKitSyntax());
        assertEquals(Set.of("cache", "secret"), buildKit.mountTypes());
        assertTrue(buildKit.usesHeredocs());
        assertEquals(1, buildKit.stages().size(), "a here-document's lines are not instructions");
    }

    @Test
    void theClassicBuildersOwnFlagsNeedNoBuildKit() {
        Dockerfile classic = of("FROM --platform=linux/amd64 scratch",
                "HEALTHCHECK --interval=30s --timeout=3s --start-period=5s --retries=2 CMD [\"true\"]",
                "ADD --chown=1:1 a /");
        assertEquals(List.of(), classic.buildKitSyntax());
        assertEquals(List.of("HEALTHCHECK --start-interval"),
                of("FROM scratch", "HEALTHCHECK --start-interval=1s CMD [\"true\"]").buildKitSyntax());
    }

    @Test
    void parserDirectivesAtTheTopOnly() {
        Dockerfile file = of("# syntax=docker/dockerfile:1.4", "# escape=`", "FROM scratch AS a `", "", "FROM a");
        assertEquals(Optional.of("docker/dockerfile:1.4"), file.syntax());
        assertEquals(List.of("a"), file.stageNames());
        Dockerfile late = of("FROM scratch", "# syntax=docker/dockerfile:1.4");
        assertEquals(Optional.empty(), late.syntax());
        assertFalse(of("FROM scratch").usesHeredocs());
    }
}
