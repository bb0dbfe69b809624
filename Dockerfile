# The pipe's JVM image: the packaged Quarkus app on a Java 25 runtime trimmed by jlink, on a distroless base,
# with pipe.yml, README.md and LICENSE.txt at / as Bitbucket's pipe convention asks, and the pipe as ENTRYPOINT.
# (Dockerfile.native makes the GraalVM native variant where a Mandrel builder can be pulled.)
#
# Build it with `bash test/build-image.sh`: that runs `./mvnw package` first, because this file takes the
# already-packaged target/quarkus-app from the build context rather than building it inside, and it trains the
# AOT cache (target/aot/app.aot) on a real login → build → push → verify run of this very image before the
# final build. A plain `docker build .` after `./mvnw package` works too and gives the image without a cache.
#
# Only Docker's classic builder features are used (no BuildKit, no shell in the runtime stage), so the image
# builds on any engine, including the test bed's.

# Every base is a build argument whose default is the public image the pipe is published with; the test bed,
# which cannot pull, makes local images under these same names (test/build-image.sh).
ARG JDK_IMAGE=eclipse-temurin:25-jdk
ARG RUNTIME_IMAGE=gcr.io/distroless/cc-debian12
ARG DEBIAN_IMAGE=debian:bookworm-slim

FROM ${JDK_IMAGE} AS jre
# The modules the pipe needs, found by `jdeps --print-module-deps` over every jar of target/quarkus-app
# (java.desktop: java.beans in Jackson, SnakeYAML, JNA, Quarkus core and jakarta.el; java.sql: Jackson databind,
# which Jackson YAML brings; java.rmi: jakarta.transaction; java.security.jgss: the HTTP authentication schemes
# of docker-java's transport, which brings java.naming with it; java.management, jdk.unsupported: JBoss Threads
# and Quarkus core; java.net.http: the Code Insights report's client), plus those only reached at run time through service lookups: jdk.zipfs (SmallRye's
# class-path utilities look up the "jar" file system provider at start-up) and jdk.net (extended socket options
# of the JDK's own sockets).
# Elliptic-curve TLS needs no module of its own on Java 25 (it lives in java.base). Left out on purpose,
# although a full JDK loads them: jdk.localedata (only English is used), jdk.internal.le and jdk.jshell
# (alternative System.console() providers). Temurin 25 links from its own run-time image (JEP 493), with or
# without jmods. zip-6 keeps the runtime at 63 MB instead of 95 MB; with the AOT cache, start-up barely
# notices (classes come from the cache, not from lib/modules). --strip-java-debug-attributes rather than
# --strip-debug, which also strips native symbols with objcopy (binutils): Temurin's libraries are stripped
# already, so the result is the same, and the JDK image needs no binutils.
RUN ["jlink", \
     "--add-modules", "java.base,java.desktop,java.management,java.naming,java.net.http,java.rmi,java.security.jgss,java.sql,jdk.unsupported,jdk.zipfs,jdk.net", \
     "--compress", "zip-6", "--strip-java-debug-attributes", "--no-header-files", "--no-man-pages", \
     "--output", "/jre"]

# Only for glibc's C.UTF-8 locale, which the distroless base lacks (distroless adds it to its Java images only):
# the same Debian release, so the same glibc reads it.
FROM ${DEBIAN_IMAGE} AS locale

FROM ${RUNTIME_IMAGE}
COPY --from=jre /jre /opt/jre
COPY --from=locale /usr/lib/locale/C.utf8 /usr/lib/locale/C.utf8
# The app in the layers Quarkus recommends, least often changed first. COPY keeps the files' modification times,
# which the AOT cache checks, so a cache trained on one build of these layers is valid only for that build.
COPY target/quarkus-app/lib/ /app/lib/
COPY target/quarkus-app/quarkus/ /app/quarkus/
COPY target/quarkus-app/app/ /app/app/
# target/aot/app.aot exists only after training: the wildcard lets the same file build without it.
COPY target/quarkus-app/quarkus-run.jar target/aot/app.aot* /app/
COPY pipe.yml README.md LICENSE.txt /
# The pipe writes its own output in UTF-8 whatever the locale; LANG (with the locale above) is for file names:
# without it the JVM reads them as ASCII and a build context holding e.g. "café.txt" cannot be packed.
ENV LANG=C.UTF-8
# Bitbucket runs pipes as root; say so whatever the base's default user. Nothing in the image is written to at
# run time, so `--user 1000:1000` works as well.
USER 0:0
# JVM flags, chosen for a short-lived command (see README, "Build the image"):
# - C1 only and the serial GC start fastest; the AOT cache is trained with exactly these flags.
# - -Xmn16m: a young generation of 16 MB, collected often, instead of one sized from the machine's memory (a third of
#   the initial heap, 1/64 of the memory), which a short run's garbage fills without a collection, so RSS grows by
#   all a run allocates. bench/pipe-vs-seed.sh measures a no-change re-run's peak RSS with and without it (section
#   4). The maximum heap stays the JVM's default (a quarter of the container's memory): a context of any size still
#   fits.
# - -XX:-UsePerfData: no /tmp/hsperfdata_<user> file.
# - The AOT cache (JEP 483/514/515) is used when it matches this runtime and class path; when it is missing or
#   stale (another build's), AOTMode=auto runs without it, and the JVM's own log lines about it, which it prints
#   to stdout by default, are turned off: JVM warnings go to stderr, AOT/CDS messages nowhere. test/build-image.sh
#   checks that the cache it trained loads, by running these same flags with -XX:AOTMode=on (which fails on a
#   stale cache); add -Xlog:aot there to see why one does not.
ENTRYPOINT ["/opt/jre/bin/java", \
            "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmn16m", "-XX:-UsePerfData", \
            "-Xlog:disable", "-Xlog:all=warning:stderr", "-Xlog:aot*=off,cds*=off:stderr", \
            "-XX:AOTMode=auto", "-XX:AOTCache=/app/app.aot", \
            "-jar", "/app/quarkus-run.jar"]
