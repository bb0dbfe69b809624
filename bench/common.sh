# What every bench starts with, sourced from the repository's root: the test bed's functions (test/bed.sh), the
# bench's own log and die, and the pipe's DEBUG unset (a bench sets it only for a run that asks for it).
#   bench_start_bed [PACKAGE…]  installs what the bed needs (and PACKAGEs), the traps that stop whatever the bed starts
#                               on every exit path, and starts the bed's private Docker engine.
#   bench_jar                   the packaged jar's path, packaging the pipe first (./mvnw package -DskipTests, which
#                               compiles the bed's test classes too) when it or the bed's classes are missing.

# shellcheck source=test/bed.sh
source test/bed.sh
log() { printf 'bench: %s\n' "$*" >&2; }
die() { printf 'bench: ERROR: %s\n' "$*" >&2; exit 1; }
unset DEBUG

bench_start_bed() {
  # shellcheck disable=SC2119 # no arguments: what bed_needed_packages lists
  bed_install_packages
  (($# == 0)) || bed_install_packages "$@"
  bed_install_traps
  bed_start_engine
}

bench_jar() {
  [[ -f target/quarkus-app/quarkus-run.jar && -d target/test-classes/org/ecrpushpipe/testbed ]] || {
    log "packaging the pipe (./mvnw package -DskipTests)"
    ./mvnw -B -q package -DskipTests >&2
  }
  printf '%s\n' "$PWD/target/quarkus-app/quarkus-run.jar"
}

# bench_native_image BINARY TAG: an image of a native binary of the pipe (built elsewhere: no native builder runs
# here), made on the bed's engine from the bed's Debian base with the binary as its entrypoint, tagged TAG.
bench_native_image() {
  local binary="$1" tag="$2" base ctx
  base="$(java -Djava.util.logging.manager=org.jboss.logmanager.LogManager -cp "$(bash test/bed-classpath.sh)" \
    org.ecrpushpipe.testbed.BedMain debian-base)"
  log "an image of the native binary $binary on $base: $tag"
  ctx="$(mktemp -d /tmp/ecr-bench-native.XXXXXX)"
  cp "$binary" "$ctx/ecr-push-pipe"
  printf 'FROM %s\nCOPY ecr-push-pipe /usr/local/bin/ecr-push-pipe\nENTRYPOINT ["/usr/local/bin/ecr-push-pipe"]\n' \
    "$base" >"$ctx/Dockerfile"
  DOCKER_BUILDKIT=0 docker build -q --network host -t "$tag" "$ctx" >/dev/null
  rm -rf -- "$ctx"
}
