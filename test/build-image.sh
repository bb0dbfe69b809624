#!/usr/bin/env bash
# Builds the pipe's JVM image (Dockerfile) on the engine DOCKER_HOST names, tagged exactly as pipe.yml's
# `image:`, with an AOT cache trained on a real login → build → push → verify run of that very image:
#
#   bash test/build-image.sh [--skip-package] [--no-aot] [--keep-no-aot] [--save FILE]
#
#   --skip-package  use target/quarkus-app as it is (default: ./mvnw package -DskipTests first)
#   --no-aot        build without an AOT cache (no training); the image then starts slower, nothing else changes
#   --keep-no-aot   keep the image as built before training, tagged <image>-no-aot (for measurements)
#   --save FILE     also write the image to FILE (docker save), e.g. when it was built in the private engine this
#                   script starts, which is removed again when the script ends
#
# Works offline on a fresh Debian 12 machine, as root: installs what it needs from Debian's packages (as
# test/bed.sh does), starts a private Docker engine unless DOCKER_HOST already reaches one, and stops what it
# started on every exit path, by PID.
#
# Base images: the Dockerfile's build arguments name the public bases (eclipse-temurin:25-jdk,
# gcr.io/distroless/cc-debian12, debian:bookworm-slim). Whatever the engine already has under those names is used
# as it is (pull them first where a registry is reachable). A name the engine lacks is made here, labelled as a
# stand-in, from this machine's sources only: the distroless base from Debian 12 packages (apt-get download +
# dpkg-deb, as distroless itself is assembled), Debian from debootstrap --variant=minbase (the tarball the test
# bed's DebianBase caches), the JDK from the local Temurin 25 (/usr/lib/jvm/temurin-25-jdk-amd64, or JAVA25_HOME).
#
# Training: runs the image built without a cache, with its own ENTRYPOINT's java and flags plus
# -XX:AOTCacheOutput, against a bed of its own (registry + ECR stand-in behind HTTPS, on 127.0.0.1; the container
# uses host networking), then rebuilds with the cache (target/aot/app.aot) and checks that the JVM in the final
# image accepts it (-XX:AOTMode=on). A training run that fails fails this script, saying why; --no-aot is the
# explicit way to build without a cache. To train against another stand-in instead (the image test does), set
# TRAINING_AWS_ENDPOINT_URL, TRAINING_AWS_REGION, TRAINING_AWS_KEY, TRAINING_AWS_SECRET, TRAINING_IMAGE (a
# repository there) and, for an https endpoint with a private certificate, TRAINING_TRUST_STORE (PKCS12,
# password changeit).
set -euo pipefail
caller_dir=$PWD
cd "$(dirname "$0")/.."
# shellcheck source=test/bed.sh
source test/bed.sh

log() { printf 'build-image: %s\n' "$*" >&2; }
die() { printf 'build-image: ERROR: %s\n' "$*" >&2; exit 1; }
usage_error() { printf 'build-image: ERROR: %s\n%s\n' "$1" "$usage" >&2; exit 2; }

usage="usage: bash test/build-image.sh [--skip-package] [--no-aot] [--keep-no-aot] [--save FILE]"
skip_package="" no_aot="" keep_no_aot="" save=""
while (($# > 0)); do
  case "$1" in
    --skip-package) skip_package=1 ;;
    --no-aot) no_aot=1 ;;
    --keep-no-aot) keep_no_aot=1 ;;
    --save)
      [[ -n ${2:-} ]] || usage_error "--save needs a file name"
      save="$(cd "$caller_dir" && realpath -m "$2")"
      shift ;;
    *) usage_error "unknown argument '$1'" ;;
  esac
  shift
done

image="$(sed -n 's/^image:[[:space:]]*//p' pipe.yml | tr -d "\"'" | head -n 1)"
[[ $image == */*:* ]] || die "pipe.yml has no 'image: owner/name:version' line (found '${image}')"
untrained="${image}-no-aot"
jdk_image="$(sed -n 's/^ARG JDK_IMAGE=//p' Dockerfile)"
runtime_image="$(sed -n 's/^ARG RUNTIME_IMAGE=//p' Dockerfile)"
debian_image="$(sed -n 's/^ARG DEBIAN_IMAGE=//p' Dockerfile)"
[[ -n $jdk_image && -n $runtime_image && -n $debian_image ]] ||
  die "Dockerfile lacks one of 'ARG JDK_IMAGE=…', 'ARG RUNTIME_IMAGE=…', 'ARG DEBIAN_IMAGE=…'"
STAND_IN_LABEL="org.ecrpushpipe.stand-in"

# The Debian 12 packages whose files make the distroless/cc-debian12 stand-in, as in distroless: base-files,
# netbase, tzdata and the CA bundle (the static layer), libc6 and libssl3 (base), libgcc-s1, libgomp1 and
# libstdc++6 (cc).
RUNTIME_PACKAGES=(base-files netbase tzdata ca-certificates libc6 libssl3 libgcc-s1 libgomp1 libstdc++6 gcc-12-base)

work=""
training_pid=""
cleanup() {
  if [[ -n $training_pid ]]; then
    kill -TERM "$training_pid" 2>/dev/null || true
    wait "$training_pid" 2>/dev/null || true
    training_pid=""
  fi
  [[ -z $work ]] || rm -rf -- "$work"
  work=""
}
BED_TEARDOWN_FIRST+=(cleanup)

# Temurin 25, for the JDK stand-in. Never another JDK: a runtime linked from JDK 17 would not be the one the
# Dockerfile names, and its AOT cache flags do not exist there.
find_temurin25() {
  local candidates=() dir
  [[ -z ${JAVA25_HOME:-} ]] || candidates+=("$JAVA25_HOME")
  candidates+=(/usr/lib/jvm/temurin-25-jdk-amd64)
  for dir in "${candidates[@]}"; do
    if [[ -x $dir/bin/jlink && -f $dir/release ]] && grep -q '^JAVA_VERSION="25[."]' "$dir/release"; then
      printf '%s\n' "$dir"
      return 0
    fi
  done
  die "no Temurin 25 JDK to make the '$jdk_image' stand-in from: looked at ${candidates[*]} (a JDK 25 with bin/jlink and JAVA_VERSION=\"25…\" in its release file). Install Temurin 25 there, set JAVA25_HOME, or have the engine hold '$jdk_image' (docker pull $jdk_image)."
}

has_image() { docker image inspect "$1" >/dev/null 2>&1; }

describe_base() {
  local name="$1" label
  label="$(docker image inspect -f "{{index .Config.Labels \"$STAND_IN_LABEL\"}}" "$name" 2>/dev/null || true)"
  if [[ -n $label && $label != "<no value>" ]]; then
    log "base $name: the engine's stand-in ($label)"
  else
    log "base $name: as the engine has it"
  fi
}

# The distroless/cc-debian12 stand-in: the packages' files (no maintainer scripts run, as in distroless), the CA
# bundle built from the Mozilla certificates, root/nonroot/nobody users, a world-writable /tmp.
make_runtime_base() {
  local name="$1" dir="$work/runtime-base"
  log "making $name (stand-in) from Debian 12 packages: ${RUNTIME_PACKAGES[*]}"
  mkdir -p "$dir/debs" "$dir/rootfs"
  if ! (cd "$dir/debs" && apt-get -qq -o APT::Sandbox::User=root download "${RUNTIME_PACKAGES[@]}" >/dev/null 2>"$dir/apt.log"); then
    log "apt-get download failed ($(tail -n 1 "$dir/apt.log")); updating the package lists once"
    DEBIAN_FRONTEND=noninteractive apt-get -qq update ||
      die "apt-get update failed: the stand-in for $name needs Debian's package mirror"
    (cd "$dir/debs" && apt-get -qq -o APT::Sandbox::User=root download "${RUNTIME_PACKAGES[@]}" >/dev/null) ||
      die "apt-get download ${RUNTIME_PACKAGES[*]} failed: the stand-in for $name needs Debian's package mirror"
  fi
  local deb
  for deb in "$dir"/debs/*.deb; do dpkg-deb -x "$deb" "$dir/rootfs"; done
  local fs="$dir/rootfs"
  # Documentation other than the licences is not part of a distroless image.
  rm -rf "$fs/usr/share/man" "$fs/usr/share/info" "$fs/usr/share/lintian"
  find "$fs/usr/share/doc" -type f ! -name copyright -delete 2>/dev/null || true
  mkdir -p "$fs/etc/ssl/certs" "$fs/tmp" "$fs/root" "$fs/home/nonroot"
  cat "$fs"/usr/share/ca-certificates/mozilla/*.crt >"$fs/etc/ssl/certs/ca-certificates.crt"
  printf '%s\n' 'root:x:0:0:root:/root:/sbin/nologin' 'nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin' \
    'nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin' >"$fs/etc/passwd"
  printf '%s\n' 'root:x:0:' 'nobody:x:65534:' 'tty:x:5:' 'staff:x:50:' 'nonroot:x:65532:' >"$fs/etc/group"
  printf 'hosts: files dns\n' >"$fs/etc/nsswitch.conf"
  chmod 1777 "$fs/tmp"
  chmod 700 "$fs/root" "$fs/home/nonroot"
  chown 65532:65532 "$fs/home/nonroot"
  tar --numeric-owner -C "$fs" -c . | docker import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'ENV SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt' \
    --change "LABEL $STAND_IN_LABEL=\"made by test/build-image.sh from Debian 12 packages: ${RUNTIME_PACKAGES[*]}\"" \
    - "$name" >/dev/null || die "docker import of the $name stand-in failed"
}

# The debian:bookworm-slim stand-in: a minbase debootstrap of Debian 12, kept as a tarball in the cache the test
# bed's DebianBase uses (made once, about 30 s; renamed into place only when complete).
make_debian_base() {
  local name="$1" cache="${XDG_CACHE_HOME:-$HOME/.cache}/ecr-push-pipe-test"
  local tarball="$cache/debian-bookworm-minbase.tar"
  if [[ ! -f $tarball ]]; then
    [[ -x /usr/sbin/debootstrap ]] || die "debootstrap is missing (Debian package debootstrap): it makes the $name stand-in"
    ((EUID == 0)) || die "debootstrap needs root to make the $name stand-in"
    log "making the Debian 12 minbase rootfs with debootstrap (once; about 30 s)"
    mkdir -p "$cache"
    local rootfs
    rootfs="$(mktemp -d "$cache/rootfs-XXXXXX")"
    chmod 755 "$rootfs"
    if ! debootstrap --variant=minbase bookworm "$rootfs" http://deb.debian.org/debian >"$work/debootstrap.log" 2>&1; then
      tail -n 20 "$work/debootstrap.log" | sed 's/^/  debootstrap: /' >&2
      remove_rootfs "$rootfs"
      die "debootstrap failed: the $name stand-in needs Debian's package mirror"
    fi
    tar -C "$rootfs" --numeric-owner -cf "$tarball.partial.$$" . && mv "$tarball.partial.$$" "$tarball"
    remove_rootfs "$rootfs"
    [[ -f $tarball ]] || die "could not write $tarball"
  fi
  log "making $name (stand-in) from $tarball"
  docker import --change "LABEL $STAND_IN_LABEL=\"made by test/build-image.sh: debootstrap --variant=minbase bookworm\"" \
    "$tarball" "$name" >/dev/null || die "docker import of the $name stand-in failed"
}

# Removes a debootstrap target, first unmounting whatever a failed run left mounted inside it.
remove_rootfs() {
  local mountpoint
  while read -r mountpoint; do
    umount -l "$mountpoint" 2>/dev/null || true
  done < <(awk -v d="$1/" 'index($5, d) == 1 { print $5 }' /proc/self/mountinfo | sort -r)
  rm -rf --one-file-system -- "$1" "$1.partial" 2>/dev/null || true
}

# The eclipse-temurin:25-jdk stand-in: the local Temurin 25 at the same place and with the same JAVA_HOME and PATH
# as in the public image, on the runtime base (it has the glibc the JDK needs; the Dockerfile's jlink step needs
# no shell).
make_jdk_base() {
  local name="$1" jdk
  jdk="$(find_temurin25)"
  log "making $name (stand-in) from $jdk ($(sed -n 's/^IMPLEMENTOR_VERSION=//p' "$jdk/release" | tr -d '"'))"
  # A copy in which links that leave the JDK are replaced by what they point at: a JDK installed from a
  # distribution's package links lib/security/cacerts to the system's Java trust store, which the image lacks.
  local copy="$work/jdk"
  cp -a "$jdk" "$copy"
  local link target
  while IFS= read -r link; do
    target="$(readlink "$link")"
    [[ $target == /* ]] || continue
    cp -L "$link" "$link.resolved" || die "$link points at $target, which cannot be read"
    mv "$link.resolved" "$link"
  done < <(find "$copy" -type l)
  printf '%s\n' "FROM $runtime_image" 'COPY . /opt/java/openjdk' \
    'ENV JAVA_HOME=/opt/java/openjdk PATH=/opt/java/openjdk/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    "LABEL $STAND_IN_LABEL=\"made by test/build-image.sh from $jdk\"" |
    classic_build -f - -t "$name" "$copy" ||
    die "building the $name stand-in from $jdk failed"
  rm -rf -- "$copy"
}

# The image's ENTRYPOINT, one element a line.
entrypoint_of() {
  docker image inspect -f '{{range .Config.Entrypoint}}{{println .}}{{end}}' "$1" | sed '/^$/d'
}

# Trains the AOT cache with the untrained image into $1 (a file path on this machine): one JVM, several runs of the
# pipe (org.ecrpushpipe.testbed.AotTrainingRuns), so that no path a common run takes loads its classes cold:
#   1. the image's own start-up, BuildKit, a build secret, a new layer pushed and mirrored to a second region;
#   2. the classic builder, a new layer, two tags (the second added on the registry's side);
#   3. the same again unchanged (the re-run: built from the engine's cache, nothing new to push);
#   4. the registry cache: run 1's images removed from the engine, so the run pulls its cache image first;
#   5. a promotion (SOURCE_TAG): tags added to an image already in the repository, nothing built.
train() {
  local out_file="$1" endpoint region key secret repository trust_store mirror_region="" registry_host=""
  if [[ -n ${TRAINING_AWS_ENDPOINT_URL:-} ]]; then
    endpoint="$TRAINING_AWS_ENDPOINT_URL" region="${TRAINING_AWS_REGION:?set TRAINING_AWS_REGION too}"
    key="${TRAINING_AWS_KEY:?set TRAINING_AWS_KEY too}" secret="${TRAINING_AWS_SECRET:?set TRAINING_AWS_SECRET too}"
    repository="${TRAINING_IMAGE:?set TRAINING_IMAGE too}" trust_store="${TRAINING_TRUST_STORE:-}"
    mirror_region="${TRAINING_MIRROR_REGION:-}" registry_host="${TRAINING_REGISTRY_HOST:-}"
    log "training against the stand-in at $endpoint"
  else
    key="AKIAIMAGETRAINING000" repository="training"
    secret="$(head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')"
    local cp
    cp="$(bash test/bed-classpath.sh)"
    mkfifo "$work/bed.out"
    BED_ACCESS_KEY="$key" BED_SECRET_KEY="$secret" java -Djava.util.logging.manager=org.jboss.logmanager.LogManager \
      -cp "$cp" org.ecrpushpipe.testbed.TrainingBedMain "$repository" </dev/null >"$work/bed.out" 2>"$work/bed.err" &
    training_pid=$!
    local bed_out line
    exec {bed_out}<"$work/bed.out"
    while IFS= read -r -t 120 line <&"$bed_out"; do
      [[ $line == READY ]] && break
      case "$line" in
        AWS_ENDPOINT_URL=*) endpoint="${line#*=}" ;;
        AWS_REGION=*) region="${line#*=}" ;;
        MIRROR_REGION=*) mirror_region="${line#*=}" ;;
        REGISTRY_HOST=*) registry_host="${line#*=}" ;;
        TRUST_STORE=*) trust_store="${line#*=}" ;;
      esac
    done
    [[ -n ${endpoint:-} && -n ${region:-} ]] ||
      { sed 's/^/  training bed: /' "$work/bed.err" >&2; die "the training bed (registry + ECR stand-in) did not start"; }
    log "training against a fresh registry and ECR stand-in at $endpoint (PID $training_pid)"
  fi

  # The runs' contexts: small, each with a new layer, so every build builds, pushes and verifies for real.
  local ctx="$work/training-context" classic_ctx="$work/training-classic"
  mkdir -p "$ctx" "$classic_ctx"
  cp /bin/busybox "$ctx/busybox" || die "/bin/busybox is missing (Debian package busybox-static)"
  cp /bin/busybox "$classic_ctx/busybox"
  head -c 16 /dev/urandom | base64 >"$ctx/stamp"
  head -c 16 /dev/urandom | base64 >"$classic_ctx/stamp"
  printf '%s\n' 'FROM scratch' 'COPY busybox /bin/busybox' 'COPY stamp /stamp' \
    'RUN --mount=type=secret,id=token ["/bin/busybox", "sh", "-c", "test -s /run/secrets/token && cat /stamp > /built"]' \
    >"$ctx/Dockerfile"
  printf '%s\n' 'FROM scratch' 'COPY busybox /bin/busybox' 'COPY stamp /stamp' \
    'RUN ["/bin/busybox", "sh", "-c", "cat /stamp > /built"]' >"$classic_ctx/Dockerfile"
  chmod -R a+rX "$ctx" "$classic_ctx"
  local runs=(--run .)
  # (an empty value unsets a variable of the container's environment: no build secret for the classic builder)
  runs+=(--run "$classic_ctx" BUILDER=classic "TAGS=classic-1 classic-2" BUILD_SECRETS=)
  runs+=(--run "$classic_ctx" BUILDER=classic "TAGS=classic-1 classic-2" BUILD_SECRETS=)
  # (under BuildKit the registry cache pulls the repository's cache image, which run 1 pushed)
  [[ -z $registry_host ]] ||
    runs+=(--delete-image "$registry_host/$repository:aot-training" --delete-image "$registry_host/$repository:cache")
  runs+=(--run "$ctx" TAGS=aot-training CACHE=true)
  runs+=(--run "$ctx" SOURCE_TAG=classic-1 TAGS=promoted BUILD_SECRETS=)
  local mirror_env=()
  [[ -z $mirror_region ]] || mirror_env=(-e MIRROR_REGIONS="$mirror_region")
  [[ -n $registry_host ]] || log "no registry host known (TRAINING_REGISTRY_HOST): the registry cache's pull is not trained"
  [[ -n $mirror_region ]] || log "no mirror region (TRAINING_MIRROR_REGION): mirroring is not trained"

  # The runs, in the image's own java with its flags, -XX:AOTCacheOutput instead of -XX:AOTCache, the class path
  # of its -jar with the training runs' jar appended (the cache stays valid for the image's -jar alone).
  local entry java jar="" flags=() arg seen_jar=""
  mapfile -t entry < <(entrypoint_of "$untrained")
  java="${entry[0]}"
  for arg in "${entry[@]:1}"; do
    if [[ -n $seen_jar ]]; then [[ -n $jar ]] || jar="$arg"; continue; fi
    if [[ $arg == -jar ]]; then seen_jar=1; continue; fi
    case "$arg" in -XX:AOTCache=* | -XX:AOTMode=*) ;; *) flags+=("$arg") ;; esac
  done
  [[ -n $jar ]] || die "the image's ENTRYPOINT (${entry[*]}) does not end in -jar JAR"
  local classes="target/test-classes/org/ecrpushpipe/testbed"
  [[ -f $classes/AotTrainingRuns.class ]] || die "$classes/AotTrainingRuns.class is missing: run ./mvnw package (or drop --skip-package)"
  mkdir -p "$work/training-jar/org/ecrpushpipe/testbed"
  cp "$classes"/AotTrainingRuns*.class "$work/training-jar/org/ecrpushpipe/testbed/"
  "$(find_temurin25)/bin/jar" --create --file "$(dirname "$out_file")/training.jar" -C "$work/training-jar" . ||
    die "could not pack the training runs' jar"
  flags+=("-XX:AOTCacheOutput=/aot-training/app.aot" "-Xlog:aot*=warning:stderr"
    -cp "$jar:/aot-training/training.jar" org.ecrpushpipe.testbed.AotTrainingRuns "${runs[@]}")
  local mounts=(-v "$ctx:$ctx" -v "$classic_ctx:$classic_ctx" -w "$ctx" -v "$(dirname "$out_file"):/aot-training")
  if [[ -n ${trust_store:-} ]]; then
    mounts+=(-v "$trust_store:/aot-training-trust.p12:ro")
    flags=("-Djavax.net.ssl.trustStore=/aot-training-trust.p12" "-Djavax.net.ssl.trustStorePassword=changeit" "${flags[@]}")
  fi
  local docker_host="${DOCKER_HOST:?}"
  if [[ $docker_host == unix://* ]]; then
    mounts+=(-v "${docker_host#unix://}:/var/run/docker.sock")
    docker_host="unix:///var/run/docker.sock"
  fi
  log "training runs: ${java} ${flags[*]}"
  local rc=0 token
  token="$(head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')"
  # Values reach the container by name only (-e NAME), never on a command line or in the image.
  # BUILD_NETWORK=host: the engine may have no bridge network (the test bed's has none)
  AWS_KEY="$key" AWS_SECRET="$secret" AWS_REGION="$region" IMAGE="$repository" TAGS="aot-training" \
    AWS_ENDPOINT_URL="$endpoint" TRAINING_TOKEN="$token" \
    docker run --rm --network host "${mounts[@]}" --entrypoint "$java" \
    -e AWS_KEY -e AWS_SECRET -e AWS_REGION -e IMAGE -e TAGS -e AWS_ENDPOINT_URL -e DOCKER_HOST="$docker_host" -e NO_COLOR=1 \
    -e BUILD_NETWORK=host -e TRAINING_TOKEN -e BUILD_SECRETS=id=token,env=TRAINING_TOKEN "${mirror_env[@]}" \
    "$untrained" "${flags[@]}" >"$work/training.log" 2>&1 || rc=$?
  rm -f "$(dirname "$out_file")/training.jar"
  if ((rc != 0)) || [[ $(grep -c '✔ Successfully pushed' "$work/training.log") -lt 3 ]] || [[ ! -s $out_file ]]; then
    sed 's/^/  training: /' "$work/training.log" >&2
    die "the AOT training runs failed (exit $rc; cache $([[ -s $out_file ]] && echo written || echo not written)); fix what it says above, or build without a cache with --no-aot"
  fi
  if [[ -n $registry_host ]] && ! grep -q 'Registry cache: pulling' "$work/training.log"; then
    sed 's/^/  training: /' "$work/training.log" >&2
    die "the AOT training's registry-cache run pulled nothing"
  fi
  log "trained on $(grep -c '^aot-training: run' "$work/training.log" | awk '{print $1 + 1}') runs: $(grep -o '✔ Successfully pushed.*' "$work/training.log" | head -n 1); cache $(du -h "$out_file" | cut -f1)"
}

# Fails unless the JVM in the image accepts its AOT cache (AOTMode=on refuses to start without it).
check_cache_loads() {
  local entry java args=() arg out
  mapfile -t entry < <(entrypoint_of "$image")
  java="${entry[0]}"
  for arg in "${entry[@]:1}"; do
    case "$arg" in -XX:AOTMode=*) args+=("-XX:AOTMode=on") ;; *) args+=("$arg") ;; esac
  done
  if ! out="$(docker run --rm --network none --entrypoint "$java" "$image" "${args[@]}" --version 2>&1)"; then
    printf '  %s\n' "$out" >&2
    die "the JVM in $image does not accept the AOT cache trained for it (-XX:AOTMode=on)"
  fi
  log "the AOT cache loads in $image (-XX:AOTMode=on: $out)"
}

# docker build with the classic builder (as on the bed's engine and Bitbucket's docker service); quiet unless it
# fails, without the CLI's notice that the classic builder is deprecated.
classic_build() {
  local err="$work/docker-build.err"
  if DOCKER_BUILDKIT=0 docker build -q --force-rm --network host "$@" >/dev/null 2>"$err"; then
    return 0
  fi
  grep -v -e '^DEPRECATED: The legacy builder' -e 'BuildKit is currently disabled' -e '^ *environment-variable\.$' \
    "$err" | sed 's/^/  docker build: /' >&2
  return 1
}

size_mb() { docker image inspect -f '{{.Size}}' "$1" | awk '{printf "%.1f", $1 / 1000000}'; }

started=$SECONDS
# shellcheck disable=SC2119 # no arguments: install what bed_needed_packages lists
bed_install_packages
command -v docker >/dev/null 2>&1 || bed_install_packages docker.io
bed_install_traps
# The image goes into the engine DOCKER_HOST names when one answers there; only without one does the script
# start the bed's private engine (whose images go when the script ends).
if [[ -n ${DOCKER_HOST:-} ]] && bed_engine_answers "$DOCKER_HOST"; then
  log "using the Docker engine at DOCKER_HOST=$DOCKER_HOST"
else
  bed_start_engine
fi
work="$(mktemp -d /tmp/ecr-build-image.XXXXXX)"

if [[ -z $skip_package ]]; then
  log "packaging the pipe (./mvnw package -DskipTests)"
  ./mvnw -B -q package -DskipTests
fi
[[ -f target/quarkus-app/quarkus-run.jar ]] || die "target/quarkus-app/quarkus-run.jar is missing: run ./mvnw package (or drop --skip-package)"

if has_image "$runtime_image"; then describe_base "$runtime_image"; else make_runtime_base "$runtime_image"; fi
if has_image "$jdk_image"; then describe_base "$jdk_image"; else make_jdk_base "$jdk_image"; fi
if has_image "$debian_image"; then describe_base "$debian_image"; else make_debian_base "$debian_image"; fi

rm -rf target/aot
log "building $untrained (no AOT cache)"
classic_build -t "$untrained" . || die "docker build of $untrained failed"

if [[ -n $no_aot ]]; then
  docker tag "$untrained" "$image"
  log "built $image without an AOT cache (--no-aot): $(size_mb "$image") MB"
else
  mkdir -p "$work/aot" target/aot
  chmod 755 "$work/aot"
  train "$work/aot/app.aot"
  cp "$work/aot/app.aot" target/aot/app.aot
  log "building $image (with the AOT cache)"
  classic_build -t "$image" . || die "docker build of $image failed"
  check_cache_loads
  log "sizes: $image $(size_mb "$image") MB, without the cache $(size_mb "$untrained") MB"
fi
if [[ -z $keep_no_aot ]]; then
  docker rmi "$untrained" >/dev/null
fi
if [[ -n $save ]]; then
  docker save -o "$save" "$image" || die "docker save $image to $save failed"
  log "saved $image to $save ($(du -h "$save" | cut -f1); docker load -i $save puts it into another engine)"
fi
log "built $image in $((SECONDS - started)) s on DOCKER_HOST=$DOCKER_HOST"
if [[ -n $BED_DOCKERD_PID && -z $save ]]; then
  log "note: that is the private engine this script started, which goes when it ends, and the image with it;" \
    "set DOCKER_HOST to your engine to keep the image there, or use --save FILE"
fi
