#!/usr/bin/env bash
# The one test command: installs what the tests need (on a fresh Debian 12, as root), starts the bed's
# private Docker engine (which resolves ECR host names to the stand-in; see test/bed.sh) and a second, current one
# (test/bed-current-engine.sh), runs `./mvnw -B verify "$@"` and exits with Maven's exit code, stopping whatever it
# started on every exit path.
#
#   bash test/run-tests.sh                       # everything
#   bash test/run-tests.sh -Dtest=RegistryPushTest   # extra arguments go to Maven
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=test/bed.sh
source test/bed.sh

started=$SECONDS

# The bed's second engine, a current Docker (test/bed-current-engine.sh), for CurrentEngineOracleTest. A run goes on
# without it when it cannot be had: the tests that need it then fail naming why (BED_CURRENT_ENGINE_ERROR), and the
# others run. BED_CURRENT_ENGINE=skip leaves it out on purpose (those tests then fail saying so).
bed_start_current_engine_for_tests() {
  if [[ ${BED_CURRENT_ENGINE:-} == skip ]]; then
    export BED_CURRENT_ENGINE_ERROR="not started: BED_CURRENT_ENGINE=skip"
    bed_log "the current engine is left out (BED_CURRENT_ENGINE=skip)"
    return 0
  fi
  local log="$BED_DIR/current-engine.log"
  if bed_start_current_engine 2>"$log"; then
    cat "$log" >&2
    return 0
  fi
  cat "$log" >&2
  BED_CURRENT_ENGINE_ERROR="$(sed -n 's/^bed: ERROR: //p' "$log" | paste -sd ';' | sed 's/;/; /g')"
  export BED_CURRENT_ENGINE_ERROR="${BED_CURRENT_ENGINE_ERROR:-bed_start_current_engine failed (see the log above)}"
  bed_log "going on without the current engine; the tests that need it will fail: $BED_CURRENT_ENGINE_ERROR"
}

# Tests make files with non-ASCII names: the JVM reads file names in the locale's encoding, so give it UTF-8 (as
# the pipe's image does) when the machine sets none.
case "${LC_ALL:-${LANG:-}}" in
  *[Uu][Tt][Ff]-8* | *[Uu][Tt][Ff]8*) ;;
  *) export LANG=C.UTF-8 LC_ALL= ;;
esac
# shellcheck disable=SC2119 # no arguments: install what bed_needed_packages lists
bed_install_packages
bed_install_traps
bed_start_engine
bed_start_current_engine_for_tests

# Maven runs in its own process group so that a Ctrl-C or SIGTERM aimed at this script stops Maven
# and its forked test JVMs first (bed_teardown) before the engine they use goes away.
maven_pid=""
# shellcheck disable=SC2317 # run from the traps, through BED_TEARDOWN_FIRST
stop_maven() {
  [[ -n $maven_pid ]] || return 0
  if kill -0 "$maven_pid" 2>/dev/null; then
    bed_log "stopping Maven (process group $maven_pid)"
    kill -TERM -- "-$maven_pid" 2>/dev/null || true
  fi
  wait "$maven_pid" 2>/dev/null || true
  maven_pid=""
}
BED_TEARDOWN_FIRST+=(stop_maven)

bed_log "running ./mvnw -B verify $*"
setsid ./mvnw -B verify "$@" &
maven_pid=$!
rc=0
wait "$maven_pid" || rc=$?
maven_pid=""
bed_log "Maven exited with $rc after $((SECONDS - started)) s in total"
exit "$rc"
