#!/usr/bin/env bash
# The pipe's peak memory on the runs issue-sized contexts and outputs make: the packaged jar with the JVM flags the
# pipe's image runs it with (-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xmn16m; the AOT cache aside), each run a
# build and a push of a new image on the bed (private engine, real registry behind the ECR stand-in), peak RSS from
# GNU time ("Maximum resident set size"), RUNS times each, interleaved:
#   - a no-change re-run of a small image (the engine holds it, the registry holds its tag);
#   - a context of 20,000 files, and one of 50,000 files (a few bytes each, in 100 directories);
#   - a build whose RUN prints 50 MB of output (500,000 lines of 100 characters), under the classic builder, which
#     streams it all (BuildKit clips a step's log at a few MB), and under BuildKit.
#
#   bash bench/memory.sh [RUNS]     # default 3; about 10 minutes on 2 cores
#
# Writes bench/results/<date>-memory-<short commit>.md with each run's figure, the medians and the targets (a re-run
# below 128 MiB; 20,000 files and 50 MB of output below 192 MiB; 50,000 files below 256 MiB). Network: loopback.
# Not a test: the machine is shared and noisy.
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-3}"
[[ $runs =~ ^[1-9][0-9]*$ ]] || { echo "usage: bash bench/memory.sh [RUNS]" >&2; exit 2; }
# shellcheck source=bench/common.sh
source bench/common.sh
bench_start_bed time
[[ -x /usr/bin/time ]] || die "GNU time (/usr/bin/time) is missing"
jar="$(bench_jar)"
bed_start_standin mem-rerun mem-files20k mem-files50k mem-output mem-output-classic
registry="${IMAGE%%/*}"
work="$(mktemp -d /tmp/ecr-memory.XXXXXX)"
cleanup_work() { [[ -z $work ]] || rm -rf -- "$work"; work=""; }
bed_on_teardown cleanup_work

busybox_context() {
  mkdir -p "$1"
  cp "$(command -v busybox)" "$1/busybox"
  printf 'FROM scratch\nCOPY busybox /bin/busybox\nRUN ["/bin/busybox", "--install", "-s", "/bin"]\n%s\n' "$2" >"$1/Dockerfile"
}
many_files() {
  local dir="$1" count="$2" d i
  for ((d = 0; d < 100; d++)); do
    mkdir -p "$dir/files/d$d"
    for ((i = d; i < count; i += 100)); do printf '%d\n' "$i" >"$dir/files/d$d/f$i"; done
  done
}
log "writing the contexts"
busybox_context "$work/rerun" 'COPY unique.txt /unique.txt'
date +%s%N >"$work/rerun/unique.txt"
busybox_context "$work/files20k" 'COPY files /files
COPY unique.txt /unique.txt'
many_files "$work/files20k" 20000
busybox_context "$work/files50k" 'COPY files /files
COPY unique.txt /unique.txt'
many_files "$work/files50k" 50000
busybox_context "$work/output-classic" 'COPY unique.txt /unique.txt
RUN i=0; line=$(printf "%0100d" 0); while [ $i -lt 500000 ]; do echo "$line"; i=$((i+1)); done; echo done'
busybox_context "$work/output" 'COPY unique.txt /unique.txt
RUN i=0; line=$(printf "%0100d" 0); while [ $i -lt 500000 ]; do echo "$line"; i=$((i+1)); done; echo done'

# peak_rss CASE REPOSITORY TAG: runs the jar on $work/CASE and prints its peak RSS in KiB; a failed run stops here
peak_rss() {
  local out="$work/$1-$3.log"
  local builder=auto
  [[ $1 != *-classic ]] || builder=classic
  (cd "$work/$1" && env -i BUILDER="$builder" AWS_KEY="$AWS_KEY" AWS_SECRET="$AWS_SECRET" IMAGE="$registry/$2" TAGS="$3" \
    AWS_ENDPOINT_URL="$AWS_ENDPOINT_URL" DOCKER_HOST="$DOCKER_HOST" LANG=C.UTF-8 NO_COLOR=1 BUILD_NETWORK=host \
    /usr/bin/time -v java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xmn16m -jar "$jar") >"$out" 2>&1 ||
    { tail -n 30 "$out" >&2; die "the run on the $1 context failed"; }
  sed -n 's/^[[:space:]]*Maximum resident set size (kbytes): //p' "$out"
}
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2))}'; }

declare -A RSS=() OUTPUT_BYTES=()
# the re-run's image first, so every measured re-run finds it in the engine and its tag in the registry
peak_rss rerun mem-rerun latest >/dev/null
for ((i = 1; i <= runs; i++)); do
  RSS[rerun]+="$(peak_rss rerun mem-rerun latest) "
  for case in files20k files50k output output-classic; do
    date +%s%N >"$work/$case/unique.txt"   # a changed file: every run builds and pushes
    RSS[$case]+="$(peak_rss "$case" "mem-$case" "run-$i") "
    OUTPUT_BYTES[$case]="$(wc -c <"$work/$case-run-$i.log")"
  done
  log "round $i/$runs: re-run ${RSS[rerun]##* }, done"
  for case in rerun files20k files50k output output-classic; do read -ra v <<<"${RSS[$case]}"; log "  $case: ${v[-1]} KiB"; done
done

commit="$(git rev-parse --short HEAD)"
mkdir -p bench/results
result="bench/results/$(date -u +%F)-memory-$commit.md"
{
  printf '# Peak RSS of the pipe, with the image'"'"'s JVM flags\n\n'
  printf 'Commit %s, %s UTC. %s; %s cores; load average %s at the end.\n\n' "$commit" "$(date -u '+%F %H:%M')" \
    "$(java -version 2>&1 | head -n 1)" "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)"
  printf '`bash bench/memory.sh %d`: the packaged jar with `-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xmn16m` (the image'"'"'s flags, without its AOT cache), each case %d times, interleaved; peak RSS from GNU time.\n\n' "$runs" "$runs"
  printf '| case | peak RSS per run (KiB) | median | target |\n|---|---|---|---|\n'
  for case in rerun files20k files50k output output-classic; do
    read -ra v <<<"${RSS[$case]}"
    m="$(median "${v[@]}")"
    case $case in
      rerun) label="no-change re-run of a small image"; limit=128 ;;
      files20k) label="a context of 20,000 files"; limit=192 ;;
      files50k) label="a context of 50,000 files"; limit=256 ;;
      output) label="a RUN printing 50 MB of output, BuildKit (which clips it)"; limit=192 ;;
      output-classic) label="a RUN printing 50 MB of output, the classic builder"; limit=192 ;;
    esac
    met="$(awk -v m="$m" -v l="$limit" 'BEGIN { printf "%.1f MiB: < %d MiB %s", m / 1024, l, (m / 1024 < l ? "met" : "**missed**") }')"
    printf '| %s | %s | %s KiB | %s |\n' "$label" "${v[*]}" "$m" "$met"
  done
  printf '\nThe pipe printed %s bytes on the 50 MB run under the classic builder, %s under BuildKit (which clips a step'"'"'s log; %s).\n' \
    "${OUTPUT_BYTES[output-classic]}" "${OUTPUT_BYTES[output]}" "clipped notes per run: $( (grep -h -c "output clipped" "$work"/output-run-*.log || true) | paste -sd" ")"
} >"$result"
cat "$result"
log "wrote $result"
