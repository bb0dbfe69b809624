package org.ecrpushpipe.scenarios;

import static org.ecrpushpipe.scenarios.OracleRow.Outcome.fails;
import static org.ecrpushpipe.scenarios.OracleRow.row;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.ecrpushpipe.scenarios.OracleRow.Outcome;
import org.ecrpushpipe.testbed.EcrBed;

/**
 * The Dockerfiles that {@code docker build} and the pipe must agree on ({@link DockerfileOracle}): one row each,
 * with what each builder makes of it. Most start from the stage {@value #BB_NAME}: busybox on scratch plus the
 * build's own random file.
 */
final class OracleTable {
    static final String BB_NAME = "bb";
    /** The base stage: busybox and its applets, then the random file, so every later step is new to the cache. */
    static final String BB = "FROM scratch AS bb\nCOPY busybox /bin/busybox\n"
            + "RUN [\"/bin/busybox\", \"--install\", \"-s\", \"/bin\"]\nCOPY unique.txt /unique.txt";
    /** A private base image in the bed's ECR registry, pushed by the test class before the table runs. */
    static final String PRIVATE_BASE = EcrBed.ECR_REGISTRY_HOST + "/oracle/base:1";
    /** Another, whose files a {@code COPY --from} takes. */
    static final String PRIVATE_TOOLS = EcrBed.ECR_REGISTRY_HOST + "/oracle/tools:1";
    /** The repositories of {@link #PRIVATE_BASE} and {@link #PRIVATE_TOOLS}. */
    static final List<String> PRIVATE_REPOSITORIES = List.of("oracle/base", "oracle/tools");

    /** A failed RUN: exit 5, the step named. */
    private static Outcome runFails(String step) {
        return fails(5, "The image build failed at " + step);
    }

    /** BuildKit-only syntax on the classic builder: exit 5 before building, naming what needs BuildKit. */
    private static Outcome needsBuildKit(String syntax) {
        return fails(5, "The Dockerfile needs BuildKit (" + syntax + ")");
    }

    /** Syntax newer than the Dockerfile frontend of Docker 20.10: exit 5, naming the engine. */
    private static final Outcome FRONTEND_TOO_OLD = fails(5, "Docker 20.10");

    private OracleTable() {
    }

    static List<OracleRow> rows() {
        return Stream.of(instructions(), stages(), buildKitSyntax(), failures(), contexts(), privateImages())
                .flatMap(List::stream).toList();
    }

    /**
     * The rows where the way the pipe runs matters (the packaged jar, the image with the clone mounted elsewhere):
     * variables and the environment reaching it, paths in the clone, its login, its failure lines and exit codes.
     */
    static List<OracleRow> launcherRows() {
        Set<String> keys = Set.of("build-args", "labels", "cache-mount", "heredoc", "failing-run", "outside",
                "dockerignore-all", "symlinks", "private-base", "private-copy-from", "private-missing");
        return rows().stream().filter(row -> keys.contains(row.key())).toList();
    }

    private static List<OracleRow> instructions() {
        return List.of(
                row("instructions", "ENV, WORKDIR (with a variable), COPY --chown, RUN, USER", BB,
                        "ENV GREETING=\"hello world\" PATH=/usr/local/bin:/bin",
                        "WORKDIR /app/$GREETING", "COPY --chown=1000:1000 app.txt ./",
                        "RUN echo \"$GREETING\" > greeting.txt && ls -ln > owners.txt", "USER 1000:1000",
                        "WORKDIR sub").build(),
                row("metadata", "SHELL, ONBUILD, HEALTHCHECK, EXPOSE, VOLUME, STOPSIGNAL, ENTRYPOINT and CMD in exec form",
                        BB, "SHELL [\"/bin/sh\", \"-ec\"]", "RUN echo shell-form > /shell.txt",
                        "ONBUILD RUN echo triggered > /triggered",
                        "HEALTHCHECK --interval=30s --timeout=3s --retries=2 CMD [\"true\"]",
                        "EXPOSE 8080/tcp 53/udp", "VOLUME [\"/data\", \"/logs\"]", "STOPSIGNAL SIGINT",
                        "ENTRYPOINT [\"/bin/sh\", \"-c\"]", "CMD [\"echo hi\"]").build(),
                row("shell-forms", "ENTRYPOINT and CMD in shell form, HEALTHCHECK NONE, LABEL", BB,
                        "LABEL org.example.team=\"payments\" multi.word=\"a b c\"", "HEALTHCHECK NONE",
                        "ENTRYPOINT echo entry", "CMD echo cmd").build(),
                buildArguments(),
                row("labels", "LABELS over the Dockerfile's LABEL", BB, "LABEL team=dockerfile a=1")
                        .variable("LABELS", "team=pipe org.example.build=42").build());
    }

    private static List<OracleRow> stages() {
        return List.of(
                row("onbuild", "a stage's ONBUILD trigger runs in the stage built FROM it", BB,
                        "FROM bb AS withtrigger", "ONBUILD RUN echo triggered > /triggered",
                        "FROM withtrigger", "RUN cat /triggered").build(),
                row("unused-stage", "multi-stage: a stage the target does not need fails", BB,
                        "FROM bb AS builder", "RUN echo compiled > /artifact",
                        "FROM bb AS tests", "RUN echo running tests && exit 7",
                        "FROM bb AS final", "COPY --from=builder /artifact /artifact")
                        .classic(runFails("Step 8/10 : RUN echo running tests && exit 7")).build(),
                row("target", "TARGET: a middle stage; a later one fails", BB,
                        "FROM bb AS builder", "RUN echo compiled > /artifact",
                        "FROM bb AS release", "COPY --from=builder /artifact /artifact",
                        "FROM release AS broken", "RUN exit 9")
                        .variable("TARGET", "release").build(),
                row("copy-from-stages", "COPY --from a stage by index and by name, with a wildcard", BB,
                        "RUN mkdir -p /out && echo a > /out/a.txt && echo b > /out/b.log",
                        "FROM scratch", "COPY --from=0 /bin/busybox /bin/busybox", "COPY --from=bb /out/*.txt /out/")
                        .build(),
                row("arg-in-from", "ARG in FROM: the stage a build argument names", "ARG VARIANT=one", BB,
                        "FROM bb AS one", "RUN echo one > /which", "FROM bb AS two", "RUN echo two > /which",
                        "FROM ${VARIANT}", "RUN cat /which")
                        .variable("BUILD_ARGS", "VARIANT=two").build());
    }

    private static List<OracleRow> buildKitSyntax() {
        return List.of(
                row("cache-mount", "RUN --mount=type=cache", BB,
                        "RUN --mount=type=cache,target=/cache echo x >> /cache/n && cp /cache/n /n")
                        .classic(needsBuildKit("RUN --mount=type=cache")).build(),
                row("bind-mount", "RUN --mount=type=bind", BB,
                        "RUN --mount=type=bind,source=app.txt,target=/mnt/app.txt cat /mnt/app.txt > /copied")
                        .classic(needsBuildKit("RUN --mount=type=bind")).build(),
                row("chmod", "COPY --chmod", BB, "COPY --chmod=0750 app.txt /script")
                        .classic(needsBuildKit("COPY --chmod")).build(),
                row("heredoc", "a here-document (Dockerfile 1.4)", BB, "RUN <<EOT", "echo from heredoc > /heredoc.txt",
                        "EOT")
                        .classic(needsBuildKit("RUN <<here-document")).buildKit(FRONTEND_TOO_OLD)
                        .current(Outcome.BUILDS).build(),
                row("copy-link", "COPY --link (Dockerfile 1.4)", BB, "COPY --link app.txt /linked.txt")
                        .classic(needsBuildKit("COPY --link")).buildKit(FRONTEND_TOO_OLD)
                        .current(Outcome.BUILDS).build());
    }

    private static List<OracleRow> failures() {
        return List.of(
                row("failing-run", "a failing RUN", BB, "RUN echo before && exit 3")
                        .classic(runFails("Step 5/5 : RUN echo before && exit 3"))
                        .buildKit(runFails("[4/4] RUN echo before && exit 3")).build(),
                row("missing-file", "COPY of a file the context lacks", BB, "COPY missing.txt /missing.txt")
                        .classic(fails(5, "missing.txt")).buildKit(fails(5, "missing.txt")).build(),
                row("unknown-instruction", "an instruction no Dockerfile knows", BB, "RUNN echo x")
                        .classic(fails(5, "RUNN")).buildKit(fails(5, "RUNN")).build());
    }

    private static List<OracleRow> contexts() {
        return List.of(
                outsideTheContext(),
                row("dockerfile-elsewhere", "DOCKERFILE in a subdirectory of the context, named otherwise", BB,
                        "COPY app.txt /app.txt")
                        .layout("build/Dockerfile.prod", ".").build(),
                dockerignoreWholeContext(),
                dockerignoreNamedCopies(),
                localTar(),
                symlinks());
    }

    private static List<OracleRow> privateImages() {
        String missing = EcrBed.ECR_REGISTRY_HOST + "/oracle/missing:1";
        return List.of(
                row("private-base", "FROM a private image in the team's ECR registry (named through an ARG)",
                        "ARG REGISTRY=" + EcrBed.ECR_REGISTRY_HOST, "FROM ${REGISTRY}/oracle/base:1",
                        "COPY unique.txt app.txt /", "RUN cat /app.txt > /seen.txt").build(),
                row("private-copy-from", "COPY --from a private image in the team's ECR registry", BB,
                        "COPY --from=" + PRIVATE_TOOLS + " /bin/busybox /tools/busybox").build(),
                row("private-missing", "FROM a private image that is not in the registry", "FROM " + missing,
                        "COPY unique.txt /")
                        .classic(fails(5, "could not pull " + missing))
                        .buildKit(fails(5, "could not pull " + missing)).build());
    }

    private static OracleRow buildArguments() {
        return row("build-args", "build arguments: set, bare (the pipe's variable), bare and unset (the default),"
                        + " defaults, overridden, one declared before FROM", "ARG FIRST=before-from", BB, "ARG SET",
                "ARG BARE", "ARG UNSET=the-default", "ARG DEF=default", "ARG OVER=original", "ARG FIRST",
                "RUN echo \"$SET|$BARE|$UNSET|$DEF|$OVER|$FIRST\" > /args.txt")
                .variable("BUILD_ARGS", "SET=one BARE UNSET OVER=new").environment("BARE", "from-the-environment")
                .build();
    }

    private static OracleRow outsideTheContext() {
        return row("outside", "a Dockerfile outside the context (DOCKERFILE leads out of BUILD_CONTEXT)", BB,
                "COPY app.txt config /app/")
                .layout("docker/api.Dockerfile", "services/api")
                .file("services/api/app.txt", "the api\n").file("services/api/config/settings.ini", "a=1\n")
                .build();
    }

    private static OracleRow dockerignoreWholeContext() {
        return row("dockerignore-all", ".dockerignore: COPY . of a filtered context", BB, "COPY . /ctx/")
                .file(".dockerignore", "secret.txt\n**/*.log\ndocs\n!docs/keep.md\n.dockerignore\n")
                .file("secret.txt", "secret\n").file("logs/a.log", "log\n").file("logs/keep.txt", "kept\n")
                .file("docs/keep.md", "kept\n").file("docs/drop.md", "dropped\n")
                .copiesContextRoot().build();
    }

    private static OracleRow dockerignoreNamedCopies() {
        return row("dockerignore-named", ".dockerignore: COPY of a directory and a wildcard, with an exception", BB,
                "COPY docs /docs/", "COPY *.txt /txt/")
                .file(".dockerignore", "docs\n!docs/keep.md\nsecret.txt\n")
                .file("secret.txt", "secret\n").file("docs/keep.md", "kept\n").file("docs/drop.md", "dropped\n")
                .build();
    }

    private static OracleRow localTar() {
        return row("add-tar", "ADD of a local tar (unpacked) and of a plain file", BB,
                "ADD files.tar /unpacked/", "ADD app.txt /added.txt")
                .setup(clone -> Files.write(clone.resolve("files.tar"), tar()))
                .build();
    }

    private static OracleRow symlinks() {
        return row("symlinks", "symbolic links in the context: a file's, a directory's, one inside a copied directory",
                BB, "COPY link.txt /from-link.txt", "COPY real /real/", "COPY linkdir /via-linkdir/")
                .file("real/f.txt", "f\n")
                .setup(clone -> {
                    Files.createSymbolicLink(clone.resolve("link.txt"), Path.of("app.txt"));
                    Files.createSymbolicLink(clone.resolve("real/inner-link"), Path.of("f.txt"));
                    Files.createSymbolicLink(clone.resolve("linkdir"), Path.of("real"));
                })
                .build();
    }

    /** A small tar: a directory, a file in it, an executable. */
    private static byte[] tar() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
            TarArchiveEntry dir = new TarArchiveEntry("data/");
            dir.setMode(0755);
            dir.setModTime(1_700_000_000_000L);
            tar.putArchiveEntry(dir);
            tar.closeArchiveEntry();
            for (String[] file : new String[][] {{"data/readme.txt", "0644"}, {"data/run.sh", "0755"}}) {
                byte[] content = (file[0] + "\n").getBytes(StandardCharsets.UTF_8);
                TarArchiveEntry entry = new TarArchiveEntry(file[0]);
                entry.setSize(content.length);
                entry.setMode(Integer.parseInt(file[1], 8));
                entry.setModTime(1_700_000_000_000L);
                tar.putArchiveEntry(entry);
                tar.write(content);
                tar.closeArchiveEntry();
            }
        }
        return bytes.toByteArray();
    }
}
