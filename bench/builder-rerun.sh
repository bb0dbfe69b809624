#!/usr/bin/env bash
# A no-change re-run under each builder: BuildKit against the classic builder, the same context, the same engine.
#
#   bash bench/builder-rerun.sh [RUNS]     # default 7; about 5 minutes on 2 cores
#
# A first run of each builder pushes the image (its own repository); then RUNS rounds, interleaved (the order swapped
# every round), each a re-run of the packaged jar (`java -jar`, the machine's Java) in the unchanged context, timed
# from start to exit: the engine already holds the image, so the run is the pipe's own cost (start, the ECR round
# trip, the build from the engine's cache, the push that finds every layer there, the verify). Against the bed
# (private engine, real registry, ECR stand-in at the real ECR host name). Writes medians, min–max and the ratio to
# bench/results/<date>-builder-rerun-<commit>.md. Not a test: the machine is shared and noisy.
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-7}"
[[ $runs =~ ^[1-9][0-9]*$ ]] || { echo "usage: bash bench/builder-rerun.sh [RUNS]" >&2; exit 2; }

# shellcheck source=bench/common.sh
source bench/common.sh
bench_start_bed
jar="$(bench_jar)"
java="$(command -v java)"
bed_start_standin rerun-buildkit rerun-classic
registry="${IMAGE%%/*}"

work="$(mktemp -d /tmp/ecr-builder-bench.XXXXXX)"
stop_bench() { [[ -z ${work:-} ]] || rm -rf -- "$work"; work=""; }
bed_on_teardown stop_bench
ctx="$work/ctx"
mkdir -p "$ctx"
cp "$(command -v busybox)" "$ctx/busybox"
printf 'FROM scratch\nCOPY busybox /bin/busybox\nRUN ["/bin/busybox", "--install", "-s", "/bin"]\nCOPY unique.txt /unique.txt\n' >"$ctx/Dockerfile"
date +%s%N >"$ctx/unique.txt"

median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2))}'; }
minmax() { printf '%s\n' "$@" | sort -n | awk 'NR==1 {lo=$1} {hi=$1} END {printf "%d–%d", lo, hi}'; }
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
now_ms() { REPLY="${EPOCHREALTIME//[!0-9]/}"; REPLY=$((REPLY / 1000)); }

# One run of the packaged pipe: BUILDER; sets REPLY to its wall time in ms.
pipe_run() {
  local start end logf="$work/run.log"
  now_ms; start=$REPLY
  (cd "$ctx" && exec env -i AWS_KEY="$AWS_KEY" AWS_SECRET="$AWS_SECRET" IMAGE="$registry/rerun-$1" TAGS=latest \
    BUILDER="$1" AWS_ENDPOINT_URL="$AWS_ENDPOINT_URL" DOCKER_HOST="$DOCKER_HOST" LANG=C.UTF-8 NO_COLOR=1 \
    BUILD_NETWORK=host "$java" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -jar "$jar") >"$logf" 2>&1 ||
    { sed 's/^/  | /' "$logf" >&2; die "the pipe failed with BUILDER=$1"; }
  now_ms; end=$REPLY
  REPLY=$((end - start))
}

started_at="$(date -u '+%Y-%m-%d %H:%M UTC')"
load_before="$(loadavg)"
declare -A TIMES=()
pipe_run buildkit; pipe_run classic
for ((i = 1; i <= runs; i++)); do
  order=(buildkit classic)
  ((i % 2)) || order=(classic buildkit)
  for b in "${order[@]}"; do
    pipe_run "$b"
    TIMES[$b]+="$REPLY "
    log "round $i/$runs, BUILDER=$b: $REPLY ms"
  done
done
load_after="$(loadavg)"

read -ra bk <<<"${TIMES[buildkit]}"; read -ra cl <<<"${TIMES[classic]}"
m_bk="$(median "${bk[@]}")" m_cl="$(median "${cl[@]}")"
ratio="$(awk -v a="$m_bk" -v b="$m_cl" 'BEGIN { printf "%.2f", a / b }')"
met="$(awk -v r="$ratio" 'BEGIN { print (r <= 1.10 ? "≤ 1.10 met" : "≤ 1.10 **missed**") }')"
commit="$(git rev-parse --short HEAD)"
dirty=""; git diff --quiet HEAD -- src bench || dirty=" (with uncommitted changes)"
out="bench/results/$(date -u +%F)-builder-rerun-$commit.md"
{
  printf '# A no-change re-run: BuildKit against the classic builder\n\n'
  printf 'Commit %s%s, %s; %s cores (%s), shared with other work: load average %s before, %s after.\n\n' \
    "$commit" "$dirty" "$started_at" "$(nproc)" "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)" "$load_before" "$load_after"
  printf '`bash bench/builder-rerun.sh %d`: medians (min–max) of %d re-runs each of the packaged jar, interleaved; the engine holds the image, the registry holds its tag.\n\n' "$runs" "$runs"
  printf '| BuildKit | classic builder | ratio | target |\n|---|---|---|---|\n'
  printf '| %s ms (%s) | %s ms (%s) | %s | %s |\n' "$m_bk" "$(minmax "${bk[@]}")" "$m_cl" "$(minmax "${cl[@]}")" "$ratio" "$met"
} >"$out"
cat "$out"
log "written to $out"
