#!/usr/bin/env bash
# The registry layer cache, measured: a rebuild on an EMPTY engine (it holds only the Debian base the Dockerfiles
# start FROM, as a fresh Bitbucket step holds nothing but what it pulls) whose previous image is in the registry,
# with the cache (CACHE=true, or CACHE=stages for a two-stage Dockerfile) against without it (CACHE=false).
#
#   bash bench/registry-cache.sh [RUNS]     # default 5; about 20 minutes on 2 cores
#   BUILDER=classic bash bench/registry-cache.sh [RUNS]     # the classic builder (default: auto, BuildKit here)
#
# 1. The seed's Apache image (examples/apache, FROM the bed's Debian base): a first run pushes it with the cache
#    on; then RUNS rounds, interleaved, each on an engine cleaned down to the base: the pipe with CACHE=false and
#    with CACHE=true, each pushing a new tag, the Dockerfile unchanged.
# 2. Two two-stage Dockerfiles, the same with the cache against CACHE=false (the classic builder: CACHE=stages, as it
#    needs the builder stage's image; BuildKit: CACHE=true, as its cache image of the final stage serves the whole
#    rebuild): a light one (the builder installs python3-minimal and writes a file) and a compiling one (the builder
#    installs a C toolchain, gcc and libc6-dev, as a builder stage installs its build dependencies, and compiles a
#    program; the final stage copies the binary). With the classic builder a cached run must pull the builder's
#    cache image, so the gain depends on how much work the builder does against how large it is.
#
# Each run is the packaged jar (`java -jar`, the machine's Java) in the build context, timed from start to exit,
# against the bed (private engine, real registry, ECR stand-in at the real ECR host name). The apt-get lines reach
# Debian's mirror (host networking), as the seed's own Dockerfile does. Writes medians, min–max, the ratio and the
# load averages to bench/results/<date>-registry-cache-<commit>.md. Not a test: the machine is shared and noisy.
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-5}"
[[ $runs =~ ^[1-9][0-9]*$ ]] || { echo "usage: bash bench/registry-cache.sh [RUNS]" >&2; exit 2; }
builder="${BUILDER:-auto}"
case $builder in
  auto | buildkit) two_stage_mode=true ;;
  classic) two_stage_mode=stages ;;
  *) echo "bench: ERROR: BUILDER is '$builder', not auto, buildkit or classic" >&2; exit 2 ;;
esac

# shellcheck source=bench/common.sh
source bench/common.sh
bench_start_bed
jar="$(bench_jar)"
java="$(command -v java)"
cp="$(bash test/bed-classpath.sh)"
bed_start_standin apache-off apache-on stages-off stages-on compiled-off compiled-on
registry="${IMAGE%%/*}"
base="$(java -Djava.util.logging.manager=org.jboss.logmanager.LogManager -cp "$cp" org.ecrpushpipe.testbed.BedMain debian-base)"

work="$(mktemp -d /tmp/ecr-cache-bench.XXXXXX)"
stop_bench() { [[ -z ${work:-} ]] || rm -rf -- "$work"; work=""; }
bed_on_teardown stop_bench

median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2))}'; }
minmax() { printf '%s\n' "$@" | sort -n | awk 'NR==1 {lo=$1} {hi=$1} END {printf "%d–%d", lo, hi}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", a / b }'; }
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
now_ms() { REPLY="${EPOCHREALTIME//[!0-9]/}"; REPLY=$((REPLY / 1000)); }

# The contexts: the seed's Apache Dockerfile, and a two-stage one, both FROM the bed's Debian base.
apache="$work/apache"
mkdir -p "$apache"
cp -r examples/apache/. "$apache/"
sed -i "s|^FROM debian:bookworm\$|FROM $base|" "$apache/Dockerfile"
grep -q "^FROM $base\$" "$apache/Dockerfile" || die "could not point examples/apache/Dockerfile at $base"
stages="$work/stages"
mkdir -p "$stages"
cat >"$stages/Dockerfile" <<EOF
FROM $base AS builder
RUN apt-get update && apt-get -y install --no-install-recommends python3-minimal
RUN mkdir /out && python3 -c "import sys, platform; print('built with Python', sys.version.split()[0], 'on', platform.machine())" > /out/about.txt
FROM $base
COPY --from=builder /out /srv/app
CMD ["cat", "/srv/app/about.txt"]
EOF
compiled="$work/compiled"
mkdir -p "$compiled"
cat >"$compiled/Dockerfile" <<EOF
FROM $base AS builder
RUN apt-get update && apt-get -y install --no-install-recommends gcc libc6-dev
COPY wc.c /src/wc.c
RUN mkdir /out && gcc -O2 -Wall -Werror -static -o /out/wc /src/wc.c
FROM $base
COPY --from=builder /out/wc /usr/local/bin/wc-lines
ENTRYPOINT ["/usr/local/bin/wc-lines"]
EOF
cat >"$compiled/wc.c" <<'EOF'
/* Counts the lines, words and bytes of standard input. */
#include <ctype.h>
#include <stdio.h>

int main(void) {
    long lines = 0, words = 0, bytes = 0;
    int c, in_word = 0;
    while ((c = getchar()) != EOF) {
        bytes++;
        if (c == '\n') lines++;
        if (isspace(c)) in_word = 0;
        else if (!in_word) { in_word = 1; words++; }
    }
    printf("%ld %ld %ld\n", lines, words, bytes);
    return 0;
}
EOF

# Leaves the engine holding only the base (and its parent chain): every other tag goes, with the classic builder's
# intermediate images under it, then dangling images; checks that nothing else is left.
keep_ids=()
id="$(docker image inspect -f '{{.Id}}' "$base")"
while [[ -n $id ]]; do keep_ids+=("$id"); id="$(docker image inspect -f '{{.Parent}}' "$id")"; done
clean_engine() {
  local ref left
  while read -r ref; do
    [[ -n $ref ]] || continue
    docker image rm -f "$ref" >/dev/null
  done < <(docker images --format '{{.Repository}}:{{.Tag}}' | grep -v -x -F -e "$base" -e '<none>:<none>' || true)
  docker image prune -f >/dev/null
  # BuildKit's own build cache too: a fresh step's engine holds none
  docker builder prune -af >/dev/null
  left="$(comm -23 <(docker images -aq --no-trunc | sort -u) <(printf '%s\n' "${keep_ids[@]}" | sort -u))"
  [[ -z $left ]] || die "the engine still holds images other than $base: $left"
}

# One run of the packaged pipe: REPOSITORY TAG CACHE CONTEXT; sets REPLY to its wall time in ms.
pipe_run() {
  local start end logf="$work/run.log"
  now_ms; start=$REPLY
  (cd "$4" && exec env -i AWS_KEY="$AWS_KEY" AWS_SECRET="$AWS_SECRET" IMAGE="$registry/$1" TAGS="$2" CACHE="$3" BUILDER="$builder" \
    AWS_ENDPOINT_URL="$AWS_ENDPOINT_URL" DOCKER_HOST="$DOCKER_HOST" LANG=C.UTF-8 NO_COLOR=1 BUILD_NETWORK=host \
    "$java" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -jar "$jar") >"$logf" 2>&1 ||
    { sed 's/^/  | /' "$logf" >&2; die "the pipe failed: $1:$2 CACHE=$3"; }
  now_ms; end=$REPLY
  REPLY=$((end - start))
  LAST_BUILT="$(grep -o -E 'Registry cache: [0-9]+ of [0-9]+ build steps taken from the cache' "$logf" | head -n 1 || true)"
}

declare -A TIMES=() HITS=() LOAD=()
# SECTION CONTEXT OFF_REPOSITORY ON_REPOSITORY ON_MODE
measure() {
  local section="$1" ctx="$2" off="$3" on="$4" mode="$5" i
  LOAD[$section]="$(loadavg)"
  log "$section: first push of the previous image ($on:latest, CACHE=$mode)"
  clean_engine
  pipe_run "$on" latest "$mode" "$ctx"
  pipe_run "$off" latest false "$ctx"
  for ((i = 1; i <= runs; i++)); do
    # alternate which goes first, so a drifting load favours neither
    local order=(off on)
    ((i % 2)) || order=(on off)
    for variant in "${order[@]}"; do
      clean_engine
      if [[ $variant == off ]]; then pipe_run "$off" "run-$i" false "$ctx"; else pipe_run "$on" "run-$i" "$mode" "$ctx"; fi
      TIMES[$section-$variant]+="$REPLY "
      HITS[$section-$variant]="$LAST_BUILT"
      log "$section round $i/$runs, CACHE=$([[ $variant == off ]] && echo false || echo "$mode"): $REPLY ms — $LAST_BUILT"
    done
  done
}

started_at="$(date -u '+%Y-%m-%d %H:%M UTC')"
load_before="$(loadavg)"
measure apache "$apache" apache-off apache-on true
measure stages "$stages" stages-off stages-on "$two_stage_mode"
measure compiled "$compiled" compiled-off compiled-on "$two_stage_mode"
load_after="$(loadavg)"

commit="$(git rev-parse --short HEAD)"
dirty=""; git diff --quiet HEAD -- src bench || dirty=" (with uncommitted changes)"
out="bench/results/$(date -u +%F)-registry-cache-$([[ $builder == classic ]] && echo classic- || true)$commit.md"
{
  printf '# Registry layer cache: rebuild on an empty engine, with the cache vs without\n\n'
  printf 'Commit %s%s, %s; BUILDER=%s; %s cores (%s), shared with other work: load average %s before, %s after.\n\n' \
    "$commit" "$dirty" "$started_at" "$builder" "$(nproc)" "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)" "$load_before" "$load_after"
  printf '`bash bench/registry-cache.sh %d`: medians (min–max) of %d runs each, interleaved (the order swapped every round); every run on an engine cleaned down to the Debian base (`%s`), the previous image in the registry; wall time of `java -jar` from start to exit (login, cache pulls, build, push, verify).\n\n' "$runs" "$runs" "$base"
  printf '| image | CACHE=false | with the cache | ratio | target | load at the start |\n|---|---|---|---|---|---|\n'
  for section in apache stages compiled; do
    read -ra off <<<"${TIMES[$section-off]}"; read -ra on <<<"${TIMES[$section-on]}"
    m_off="$(median "${off[@]}")" m_on="$(median "${on[@]}")"
    r="$(ratio "$m_off" "$m_on")"
    met="$(awk -v r="$r" 'BEGIN { print (r >= 5 ? "≥ 5× met" : "≥ 5× **missed**") }')"
    case $section in
      apache) label="the seed's Apache image (CACHE=true)" ;;
      stages) label="two-stage, light builder: python3-minimal (CACHE=$two_stage_mode)" ;;
      compiled) label="two-stage, compiling builder: gcc + libc6-dev, a C program (CACHE=$two_stage_mode)" ;;
    esac
    printf '| %s | %.1f s (%s ms) | %.1f s (%s ms) | %s× | %s | %s |\n' "$label" "$(awk -v v="$m_off" 'BEGIN{print v/1000}')" \
      "$(minmax "${off[@]}")" "$(awk -v v="$m_on" 'BEGIN{print v/1000}')" "$(minmax "${on[@]}")" "$r" "$met" "${LOAD[$section]}"
  done
  printf '\nThe last cached run of each said: apache — %s; light two-stage — %s; compiling two-stage — %s.\n\n' \
    "${HITS[apache-on]}" "${HITS[stages-on]}" "${HITS[compiled-on]}"
  printf 'Not counted: pulling the Debian base itself, which a real step pays in both variants alike (here it is local).\n'
  printf 'With CACHE=false every run executes the apt-get lines again against Debian'"'"'s mirror, so its figure moves with the mirror and the network.\n'
} >"$out"
cat "$out"
log "written to $out"
