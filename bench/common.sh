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
