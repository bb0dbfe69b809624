#!/usr/bin/env bash
# The memory measure of build options and contexts: the pipe never holds the build context or a layer in memory. Runs the packaged jar
# (java -jar target/quarkus-app/quarkus-run.jar, the machine's java, no flags) on the bed — its private Docker
# engine, a real registry behind the ECR stand-in — once on a small context and once on a context holding a 1 GiB
# file of random bytes (which the Dockerfile copies, so the 1 GiB goes to the engine as the context and back out
# as a layer the engine pushes), RUNS times each, interleaved, and prints the peak RSS (GNU time's "Maximum
# resident set size") of each, their medians and the difference. The target: the large context raises the peak
# by no more than a few MB.
#
#   bash bench/context-rss.sh [RUNS]     # default 3
#
# Writes bench/results/<date>-context-rss-<short commit>.md. Needs about 3 GiB of free disk (the file, the engine's
# copy of the context and its layer, the registry's blob) for the time it runs; removes the file, the images and
# the stand-in's registry afterwards. Network: loopback only. Stops everything it started, by PID.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
runs="${1:-3}"
[[ $runs =~ ^[1-9][0-9]*$ ]] || { echo "usage: bash bench/context-rss.sh [RUNS]" >&2; exit 2; }

# shellcheck source=bench/common.sh
source bench/common.sh

bench_start_bed time
[[ -x /usr/bin/time ]] || die "GNU time (/usr/bin/time) is missing"
free_kb="$(df -Pk /tmp | awk 'NR==2 {print $4}')"
((free_kb > 4 * 1024 * 1024)) || die "less than 4 GiB free in /tmp"

log "packaging the pipe (./mvnw -B -q package -DskipTests)"
./mvnw -B -q package -DskipTests >&2
jar="$root/target/quarkus-app/quarkus-run.jar"
[[ -f $jar ]] || die "no $jar"

bed_start_standin bench-small bench-large
registry="${IMAGE%%/*}"

work="$(mktemp -d /tmp/ecr-context-rss.XXXXXX)"
cleanup_work() { [[ -z $work ]] || rm -rf -- "$work"; work=""; }
bed_on_teardown cleanup_work

mkdir -p "$work/small" "$work/large"
printf 'FROM scratch\nCOPY . /data/\n' | tee "$work/small/Dockerfile" >"$work/large/Dockerfile"
head -c 4096 /dev/urandom >"$work/small/data.bin"
log "writing a 1 GiB file of random bytes"
head -c $((1024 * 1024 * 1024)) /dev/urandom >"$work/large/data.bin"

# peak_rss NAME REPOSITORY TAG: runs the jar on $work/NAME and prints its peak RSS in KiB; a failed run stops here
peak_rss() {
  local out="$work/$1-$3.log"
  (cd "$work/$1" && env -i AWS_KEY="$AWS_KEY" AWS_SECRET="$AWS_SECRET" IMAGE="$registry/$2" TAGS="$3" \
    AWS_ENDPOINT_URL="$AWS_ENDPOINT_URL" DOCKER_HOST="$DOCKER_HOST" LANG=C.UTF-8 NO_COLOR=1 BUILD_NETWORK=host \
    /usr/bin/time -v java -jar "$jar") >"$out" 2>&1 || { cat "$out" >&2; die "the run on the $1 context failed"; }
  sed -n 's/^[[:space:]]*Maximum resident set size (kbytes): //p' "$out"
}
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2))}'; }

small=() large=()
for ((i = 1; i <= runs; i++)); do
  # a new tag and a changed file every run: every run builds and pushes
  head -c 16 /dev/urandom >"$work/small/unique.bin"
  head -c 16 /dev/urandom >"$work/large/unique.bin"
  small+=("$(peak_rss small bench-small "run-$i")")
  log "small context, run $i: ${small[-1]} KiB"
  large+=("$(peak_rss large bench-large "run-$i")")
  log "1 GiB context, run $i: ${large[-1]} KiB"
done
# the engine's copies of the large image go now, not at the engine's teardown
docker image ls -q "$registry/bench-large" | sort -u | xargs -r docker image rm -f >/dev/null || true

ms="$(median "${small[@]}")" ml="$(median "${large[@]}")"
diff_kb=$((ml - ms))
commit="$(git rev-parse --short HEAD)"
mkdir -p bench/results
result="bench/results/$(date -u +%F)-context-rss-$commit.md"
{
  printf '# Peak RSS of the pipe: a small context against a 1 GiB one\n\n'
  printf 'Commit %s, %s UTC. %s; %s cores; %s.\n\n' "$commit" "$(date -u '+%F %H:%M')" \
    "$(java -version 2>&1 | head -n 1)" "$(nproc)" "$(uname -sr)"
  printf 'The packaged jar (`java -jar target/quarkus-app/quarkus-run.jar`, no JVM flags) on the bed, each run a'
  printf ' build and a push of a new image: `FROM scratch` + `COPY . /data/` of a 4 KiB file, or of a 1 GiB file of'
  printf ' random bytes (1 GiB sent to the engine as the context, and pushed by the engine as a layer). Peak RSS from'
  printf ' GNU time (`Maximum resident set size`), %d runs each, interleaved.\n\n' "$runs"
  printf '| Context | Peak RSS per run (KiB) | Median (KiB) |\n|---|---|---|\n'
  printf '| 4 KiB | %s | %s |\n' "${small[*]}" "$ms"
  printf '| 1 GiB | %s | %s |\n\n' "${large[*]}" "$ml"
  printf 'Difference of the medians: **%d KiB (%.1f MiB)**. Target: no more than a few MB.' "$diff_kb" \
    "$(awk -v d="$diff_kb" 'BEGIN {print d / 1024}')"
  printf ' The runs differ among themselves by up to %d KiB (the JVM'"'"'s heap grows as it' \
    "$(printf '%s\n' "${small[@]}" "${large[@]}" | sort -n | sed -n '1p;$p' | paste -sd' ' | awk '{print $2 - $1}')"
  printf ' pleases), so a difference within that spread is no difference: the context and the layer stream through.\n'
} >"$result"
cat "$result"
log "wrote $result"
