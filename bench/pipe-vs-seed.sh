#!/usr/bin/env bash
# The benchmark: the pipe side by side with the hand-written step it replaces (the seed tutorial's script: AWS CLI
# `ecr get-login-password` | `docker login`, classic `docker build`, `docker push`), on one bed, in one run: the
# bed's private Docker engine, a real registry behind the ECR stand-in with the real ECR host name, and the pipe's
# image built by `bash test/build-image.sh`. Comparisons run interleaved (the order rotates every round).
#
#   bash bench/pipe-vs-seed.sh [--rerun-only] [RUNS] [COLD_RUNS]   # defaults 7 and 5; fewer than 5 is for trying it out only
#
# --rerun-only measures section 1 alone (without the AWS CLI install), writing bench/results/<date>-<commit>-rerun.md.
# BENCH_API_LATENCIES_MS (default "0 150") are the latencies of the ECR API for section 1: the stand-in answers every
# API request (ECR and STS) that many ms late, as a region far away would (a step in us-east-1 pushing to
# ap-southeast-1 waits 150–250 ms a round trip); the registry stays on loopback.
#
# 1. No-change re-run of a small busybox FROM-scratch context (same context, same tag, nothing new to push), at each
#    API latency, the latencies and the variants interleaved:
#    the pipe jar on Java 25 with -XX:TieredStopAtLevel=1 -XX:+UseSerialGC and an AOT cache trained here on a real
#    push; the same without the cache; the jar on Java 17 without flags; the pipe's image run exactly as Bitbucket
#    runs a pipe (docker run --network host --add-host host.docker.internal:… DOCKER_HOST=tcp://host.docker.internal:2375,
#    the clone mounted at /opt/atlassian/pipelines/agent/build), with and without its AOT cache; the seed script
#    with the AWS CLI installed (Debian's awscli); and the seed as Bitbucket runs it, paying for the AWS CLI install
#    on every run: `apt-get update && apt-get install -y awscli` timed inside a container of the bed's Debian base
#    (COLD_RUNS times), added to the seed's median. Phase marks come from each run's own output, time-stamped. The
#    stand-in counts the AWS API requests of every run and its sequential round trips (the longest chain of requests
#    each sent after the previous one was answered: what a client waits for one after the other).
# 2. Cold build and push of the seed's Apache example (examples/apache, FROM the bed's Debian base) on an engine
#    holding only that base (and the pipe's images): the pipe's image, the jar with its AOT cache, and the seed.
#    Built images and build cache are removed before every run; the registry holds the base layer beforehand.
# 3. 5 tags against 1, the pipe's image, the context changed every run (a new layer to push each time).
# 4. Start-up to the first AWS request (process start to the first byte arriving at a loopback listener this script
#    runs as AWS_ENDPOINT_URL, which answers as ECR does to an unknown key), and peak RSS (GNU time) over a full
#    no-change re-run, with what the memory-mapped AOT cache costs; class-load counts and the JVM's own start-up log.
# 5. The image's size, with and without its AOT cache.
#
# BENCH_NATIVE_BINARY (a native binary of the pipe, as `./mvnw package -Dnative` makes it where a GraalVM builder is;
# none is built here) adds two variants to section 1: the binary run as the jar is, and an image of it (the bed's
# Debian base and the binary as its entrypoint, made here) run as the pipe's image is.
#
# Writes the tables, the machine's details and the targets met or missed to bench/results/<date>-<short commit>.md
# and prints them. Before measuring it waits (up to BENCH_QUIET_WAIT seconds, default 900) for the 1-minute load
# average to fall to BENCH_MAX_LOAD (default: half the cores), and says so in the results when it did not.
#
# Network: the measurements talk only to 127.0.0.0/8, except two that reach Debian's package mirror (with host
# networking): the AWS CLI install of 1 (its point) and the apt-get lines of the seed's own Apache Dockerfile in 2.
# Setting up reaches out too where the machine lacks something: Debian's packages (as test/bed.sh installs them,
# plus awscli, time and curl), Maven's first download, the Debian base's debootstrap, and the Debian packages
# test/build-image.sh makes its distroless stand-in base from. Stops everything it started, by PID, on every exit
# path. Java 25: JAVA25_HOME, else /usr/lib/jvm/temurin-25-jdk-amd64 (as test/build-image.sh).
set -euo pipefail
shopt -s extglob
cd "$(dirname "$0")/.."
root=$PWD

usage="usage: bash bench/pipe-vs-seed.sh [--rerun-only] [RUNS] [COLD_RUNS]   (defaults 7 and 5)"
rerun_only=0
if [[ ${1:-} == --rerun-only ]]; then
  rerun_only=1
  shift
fi
runs="${1:-7}" cold_runs="${2:-5}"
native_binary="${BENCH_NATIVE_BINARY:-}"
if [[ -n $native_binary && ( $native_binary != /* || ! -x $native_binary ) ]]; then
  printf 'BENCH_NATIVE_BINARY: %s is not the absolute path of an executable file\n' "$native_binary" >&2
  exit 2
fi
if (($# > 2)) || [[ ! $runs =~ ^[1-9][0-9]*$ || ! $cold_runs =~ ^[1-9][0-9]*$ ]]; then
  printf '%s\n' "$usage" >&2
  exit 2
fi
read -ra latencies <<<"${BENCH_API_LATENCIES_MS:-0 150}"
for l in "${latencies[@]}"; do
  [[ $l =~ ^[0-9]{1,5}$ ]] || { printf 'BENCH_API_LATENCIES_MS: whole milliseconds, not %s\n' "$l" >&2; exit 2; }
done
((${#latencies[@]} > 0)) || { printf 'BENCH_API_LATENCIES_MS is empty\n' >&2; exit 2; }

# shellcheck source=bench/common.sh
source bench/common.sh
((runs >= 5 && cold_runs >= 5)) || log "fewer than 5 runs: the results file will say these figures are a trial, not a result"
((!rerun_only)) || log "--rerun-only: section 1 alone, without the AWS CLI install"

java25="${JAVA25_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java"
[[ -x $java25 ]] || die "no Java 25 at $java25 (Temurin 25; set JAVA25_HOME): the jar variants and the image need it"
java17=""
for candidate in "$(command -v java || true)" /usr/lib/jvm/java-17-openjdk-amd64/bin/java; do
  if [[ -n $candidate && -x $candidate ]] && "$candidate" -version 2>&1 | head -n 1 | grep -q '"17[."]'; then
    java17="$candidate"
    break
  fi
done
[[ -n $java17 ]] || die "no Java 17 (the default java or /usr/lib/jvm/java-17-openjdk-amd64): install openjdk-17-jdk-headless"

# shellcheck disable=SC2119 # no arguments: what bed_needed_packages lists
bed_install_packages
# The seed's AWS CLI is Debian's package, the one a fresh Debian 12 machine gets (not whatever `aws` PATH finds);
# GNU time for peak RSS; curl for the stand-in's request log.
bed_install_packages awscli time curl
seed_aws=/usr/bin/aws
[[ -x $seed_aws ]] || die "$seed_aws is missing although the awscli package is installed"
bed_install_traps
bed_start_engine

log "building the pipe's image with its AOT cache, keeping the one without (bash test/build-image.sh --keep-no-aot)"
bash test/build-image.sh --keep-no-aot >&2
pipe_image="$(sed -n 's/^image:[[:space:]]*//p' pipe.yml | tr -d "\"'" | head -n 1)"
pipe_image_no_aot="$pipe_image-no-aot"
docker image inspect "$pipe_image" "$pipe_image_no_aot" >/dev/null || die "test/build-image.sh left no $pipe_image in the bed's engine"
jar="$root/target/quarkus-app/quarkus-run.jar"
cp="$(bash test/bed-classpath.sh)"

bed_start_standin bench
registry="${IMAGE%%/*}"
base=""
((rerun_only)) || base="$(java -Djava.util.logging.manager=org.jboss.logmanager.LogManager -cp "$cp" org.ecrpushpipe.testbed.BedMain debian-base)"

work="$(mktemp -d /tmp/ecr-bench.XXXXXX)"
chmod 755 "$work"

native_image=""
if [[ -n $native_binary ]]; then
  native_image="ecr-push-pipe-bench/native:$(sha256sum "$native_binary" | cut -c1-12)"
  bench_native_image "$native_binary" "$native_image"
fi
listener_pid="" sampled_pid=""
stop_bench() {
  local pid
  for pid in "$sampled_pid" "$listener_pid"; do
    [[ -n $pid ]] || continue
    kill -TERM "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  sampled_pid="" listener_pid=""
  [[ -z $work ]] || rm -rf -- "$work"
  work=""
}
bed_on_teardown stop_bench

# ---------------------------------------------------------------------------------------------------------------
# Helpers

# Microseconds since the epoch, without a fork (bash 5's EPOCHREALTIME, whatever the locale's decimal point).
now_us() { REPLY="${EPOCHREALTIME//[!0-9]/}"; }

median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2))}'; }
minmax() { printf '%s\n' "$@" | sort -n | awk 'NR==1 {lo=$1} {hi=$1} END {printf "%d–%d", lo, hi}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
# "met" or "missed by N %" for a value against an upper bound; $3 "lt" when the bound itself misses
verdict() {
  awk -v v="$1" -v t="$2" -v strict="${3:-}" 'BEGIN {
    if (v < t || (v == t && strict != "lt")) { print "**met**"; exit }
    m = (v / t - 1) * 100
    printf (m < 10 ? "**missed** by %.1f %%" : "**missed** by %.0f %%"), m }'
}

# Reads lines and writes them to FILE as "<ms since T0> <line>", ANSI colours removed.
stamp_lines() {
  local file="$1" t0="$2" line
  while IFS= read -r line || [[ -n $line ]]; do
    now_us
    line="${line//$'\e'\[*([0-9;])m/}"
    printf '%d %s\n' $(((REPLY - t0) / 1000)) "$line"
  done >"$file"
}

# timed ARRAY LOG COMMAND...: runs COMMAND (stdout and stderr time-stamped into LOG) and appends its wall time in ms
# to ARRAY; a failure stops the benchmark, showing the log.
timed() {
  local -n timed_into="$1"
  local timed_log="$2" t0 rc=0
  shift 2
  rm -f "$work/image.cid" # written by image_exec: the container whose start pipe_phases looks up
  now_us
  t0=$REPLY
  TIMED_T0_US=$t0
  { "$@" 2>&1 | stamp_lines "$timed_log" "$t0"; } || rc=$?
  now_us
  if ((rc != 0)); then
    sed 's/^/  | /' "$timed_log" >&2
    die "failed (exit $rc): $*"
  fi
  timed_into+=($(((REPLY - t0) / 1000)))
}

# mark LOG ERE first|last: the ms of the first (or last) line of a time-stamped LOG that matches ERE.
mark() {
  awk -v re="$2" -v which="$3" '
    { line = substr($0, index($0, " ") + 1) }
    line ~ re { t = $1; if (which == "first") { print t; done = 1; exit } }
    END { if (!done && t != "") print t }' "$1"
}

# Phases of a run, kept per variant as space-separated lists in PHASES["variant|phase"].
declare -A PHASES=()
phase_add() { PHASES["$1|$2"]+="${3:-} "; }
phase_median() {
  local values
  read -ra values <<<"${PHASES["$1|$2"]:-}"
  if ((${#values[@]} == 0)); then echo "–"; else median "${values[@]}"; fi
}
# When the engine started container CID (µs since the epoch), from its start event: the container is gone (--rm), its
# events stay in the engine's memory. SINCE_US: a moment before it was created.
container_started_us() {
  local ns
  ns="$(docker events --since "$(($2 / 1000000)).$(printf '%06d' $(($2 % 1000000)))" --until "$(date +%s.%N)" \
    --filter "container=$1" --filter event=start --format '{{.TimeNano}}' 2>/dev/null | head -n 1)"
  [[ -z $ns ]] || echo $((ns / 1000))
}
# The pipe's phases from its own lines: start-up (until "Using the Docker engine"), engine ping (until "Building"),
# build with the ECR side alongside (until "Built image"), push and verify (until the last ✔), then the exit; and
# its first line, whatever it says: from the call (`docker run`, or the JVM's exec for the jar) and, for the image,
# from the container's start (the engine's start event for the container image_exec ran).
pipe_phases() {
  local variant="$1" logf="$2" total="$3" s p b v f c
  f="$(mark "$logf" '.' first)"
  [[ -z $f ]] || phase_add "$variant" first "$f"
  if [[ -n $f && -s $work/image.cid ]]; then
    c="$(container_started_us "$(cat "$work/image.cid")" "$TIMED_T0_US")"
    [[ -z $c ]] || phase_add "$variant" container-first $((f - (c - TIMED_T0_US) / 1000))
  fi
  s="$(mark "$logf" '^INFO: Using the Docker engine' first)"
  p="$(mark "$logf" '^INFO: Building ' first)"
  b="$(mark "$logf" '^INFO: Built image' first)"
  v="$(mark "$logf" '^✔ ' last)"
  [[ -n $s && -n $p && -n $b && -n $v ]] || { sed 's/^/  | /' "$logf" >&2; die "$variant: the pipe's output lacks a phase line"; }
  phase_add "$variant" start "$s"
  phase_add "$variant" ping $((p - s))
  phase_add "$variant" build $((b - p))
  phase_add "$variant" push $((v - b))
  phase_add "$variant" exit $((total - v))
}
# The seed's phases, from the marks seed_step prints before each command.
seed_phases() {
  local variant="$1" logf="$2" total="$3" b p e
  b="$(mark "$logf" '^bench-phase: build' first)"
  p="$(mark "$logf" '^bench-phase: push' first)"
  e="$(mark "$logf" '^bench-phase: end' first)"
  [[ -n $b && -n $p && -n $e ]] || { sed 's/^/  | /' "$logf" >&2; die "$variant: the seed's output lacks a phase mark"; }
  phase_add "$variant" login "$b"
  phase_add "$variant" build $((p - b))
  phase_add "$variant" push $((e - p))
  phase_add "$variant" exit $((total - e))
}

# The image a run built: the pipe's "Built image sha256:…" line, or the seed's "bench-built sha256:…" line.
built_image() { grep -o -E '^[0-9]+ (INFO: Built image|bench-built) sha256:[0-9a-f]{64}' "$1" | grep -o -E 'sha256:[0-9a-f]{64}' | head -n 1; }
# A no-change re-run must build the very image of the first run of its variant.
declare -A FIRST_IMAGE=()
same_image() {
  local variant="$1" id
  id="$(built_image "$2")"
  [[ -n $id ]] || { sed 's/^/  | /' "$2" >&2; die "$variant: no image id in the output"; }
  if [[ -z ${FIRST_IMAGE[$variant]:-} ]]; then
    FIRST_IMAGE[$variant]="$id"
  elif [[ ${FIRST_IMAGE[$variant]} != "$id" ]]; then
    sed 's/^/  | /' "$2" >&2
    docker image inspect "${FIRST_IMAGE[$variant]}" "$id" >&2 || true
    die "$variant: a no-change re-run built $id, not ${FIRST_IMAGE[$variant]}"
  fi
}

# Variant order for round I of N variants: rotated by I, so no variant always runs first or after the same one.
rotation() {
  local i="$1" n="$2" k
  for ((k = 0; k < n; k++)); do printf '%d\n' $(((i + k) % n)); done
}

load1() { cut -d' ' -f1 /proc/loadavg; }
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }

# The stand-in's controls on its API port (loopback only): its API latency, and its log of the API requests it
# answered (ECR and STS), with their count and the sequential round trips among them (EcrStandIn#requests).
standin_admin() { curl -fsS -X "$1" "$AWS_ENDPOINT_URL/_standin/$2"; }
api_latency() { standin_admin PUT "latency?api-ms=$1" >/dev/null || die "the stand-in refused its API latency $1 ms"; }
forget_requests() { standin_admin DELETE requests >/dev/null || die "the stand-in did not forget its requests"; }
# "COUNT ROUND_TRIPS ACTION,ACTION,…" of the requests since the last forget_requests (actions in the order answered)
aws_counts() {
  local log counts
  log="$(standin_admin GET requests)" || die "the stand-in's request log is unreadable"
  counts="$(sed -E -n 's/^\{"count":([0-9]+),"sequentialRoundTrips":([0-9]+),.*/\1 \2/p' <<<"$log")"
  [[ -n $counts ]] || die "the stand-in's request log is unreadable: $log"
  printf '%s %s\n' "$counts" "$(grep -o '"action":"[A-Za-z]*"' <<<"$log" | cut -d'"' -f4 | paste -sd, -)"
}
# A median of counts, with their range when the runs differ: "5" or "5 (4–6)".
count_cell() {
  local values
  read -ra values <<<"$1"
  if ((${#values[@]} == 0)); then echo "–"; return; fi
  local m r
  m="$(median "${values[@]}")" r="$(minmax "${values[@]}")"
  if [[ $r == "$m–$m" ]]; then echo "$m"; else echo "$m ($r)"; fi
}

# ---------------------------------------------------------------------------------------------------------------
# The steps

# The seed's step (get-login-password: get-login is gone from AWS CLI v2), its docker config and AWS settings as
# fresh as on a Bitbucket step. REPOSITORY TAG CONTEXT
seed_step() {
  local repository="$1" tag="$2" ctx="$3" cfg="$work/seed-docker-config"
  rm -rf "$cfg" && mkdir -p "$cfg"
  echo "bench-phase: login"
  AWS_ACCESS_KEY_ID="$AWS_KEY" AWS_SECRET_ACCESS_KEY="$AWS_SECRET" AWS_DEFAULT_REGION="$AWS_REGION" \
    AWS_CONFIG_FILE="$work/no-aws-config" AWS_SHARED_CREDENTIALS_FILE="$work/no-aws-credentials" \
    "$seed_aws" ecr get-login-password --endpoint-url "$AWS_ENDPOINT_URL" |
    docker --config "$cfg" login --username AWS --password-stdin "$registry"
  echo "bench-phase: build"
  (cd "$ctx" && DOCKER_BUILDKIT=0 docker --config "$cfg" build --network host --iidfile "$work/seed.iid" \
    -t "$registry/$repository:$tag" .)
  echo "bench-phase: push"
  docker --config "$cfg" push "$registry/$repository:$tag"
  echo "bench-phase: end"
  echo "bench-built $(cat "$work/seed.iid")"
  rm -rf "$cfg" # the seed leaves the registry password in this file; the benchmark does not
}

# The pipe's image exactly as Bitbucket runs a pipe, in place of the calling (sub)shell. IMAGE REPOSITORY TAGS CONTEXT
image_exec() {
  IMAGE="$registry/$2" TAGS="$3" exec docker run --rm --cidfile "$work/image.cid" --network host \
    --add-host "host.docker.internal:$BED_DOCKER_HOST_INTERNAL" \
    -v "$4:/opt/atlassian/pipelines/agent/build" -w /opt/atlassian/pipelines/agent/build \
    -e DOCKER_HOST=tcp://host.docker.internal:2375 \
    -e AWS_KEY -e AWS_SECRET -e IMAGE -e TAGS -e AWS_ENDPOINT_URL -e DEBUG -e BUILD_NETWORK \
    "$1"
}
image_step() { (image_exec "$@"); }

# The packaged jar, as `java -jar` in the clone with only the pipe's variables, in place of the calling (sub)shell.
# JAVA [FLAG…] -- REPOSITORY TAGS CONTEXT
jar_exec() {
  local java=()
  while [[ $1 != -- ]]; do java+=("$1"); shift; done
  shift
  cd "$3"
  exec env -i AWS_KEY="$AWS_KEY" AWS_SECRET="$AWS_SECRET" IMAGE="$registry/$1" TAGS="$2" \
    AWS_ENDPOINT_URL="${ENDPOINT_OVERRIDE:-$AWS_ENDPOINT_URL}" DOCKER_HOST="$DOCKER_HOST" LANG=C.UTF-8 BUILD_NETWORK=host \
    ${DEBUG:+DEBUG="$DEBUG"} "${java[@]}" -jar "$jar"
}
jar_step() { (jar_exec "$@"); }

# The native binary, run as the jar is (in the clone, only the pipe's variables), in place of the calling (sub)shell,
# its peak RSS (GNU time, KiB) left in $work/native.rss. REPOSITORY TAGS CONTEXT
native_exec() {
  cd "$3"
  exec /usr/bin/time -f %M -o "$work/native.rss" env -i AWS_KEY="$AWS_KEY" AWS_SECRET="$AWS_SECRET" IMAGE="$registry/$1" TAGS="$2" \
    AWS_ENDPOINT_URL="${ENDPOINT_OVERRIDE:-$AWS_ENDPOINT_URL}" DOCKER_HOST="$DOCKER_HOST" LANG=C.UTF-8 BUILD_NETWORK=host \
    ${DEBUG:+DEBUG="$DEBUG"} "$native_binary"
}
native_step() { (native_exec "$@"); }

# A new repository in the stand-in, made before a run and not timed. Runs that push get repositories of their own,
# so that each starts from the same state (the stand-in answers calls that name images in constant time, as ECR does,
# whatever a repository holds).
create_repository() {
  env -i AWS_ACCESS_KEY_ID="$AWS_KEY" AWS_SECRET_ACCESS_KEY="$AWS_SECRET" AWS_DEFAULT_REGION="$AWS_REGION" \
    AWS_CONFIG_FILE="$work/no-aws-config" AWS_SHARED_CREDENTIALS_FILE="$work/no-aws-credentials" \
    "$seed_aws" ecr create-repository --repository-name "$1" --endpoint-url "$AWS_ENDPOINT_URL" >"$work/create.log" 2>&1 ||
    { cat "$work/create.log" >&2; die "could not create the repository $1 in the stand-in"; }
}

FAST=(-XX:TieredStopAtLevel=1 -XX:+UseSerialGC)
aot="$work/jar.aot"
JAR17=("$java17")
JAR25=("$java25" "${FAST[@]}")
JAR25_AOT=("$java25" "${FAST[@]}" "-XX:AOTCache=$aot")

# The no-change context: a static busybox FROM scratch, and a stamp file the other measurements change.
ctx="$work/ctx"
mkdir -p "$ctx"
cp /bin/busybox "$ctx/busybox"
printf 'FROM scratch\nCOPY busybox /bin/busybox\nCOPY stamp /stamp\nRUN ["/bin/busybox", "sh", "-c", "cat /stamp > /built"]\n' >"$ctx/Dockerfile"
echo "no-change" >"$ctx/stamp"
changing="$work/changing"
cp -r "$ctx" "$changing"
chmod -R a+rX "$ctx" "$changing"
new_stamp() { head -c 16 /dev/urandom | base64 >"$changing/stamp"; }

# ---------------------------------------------------------------------------------------------------------------
# The jar's AOT cache, trained on a real push (a new layer) with the flags it runs with.
log "training the jar's AOT cache on Java 25 (${FAST[*]}): a real build, push and verify"
new_stamp
jar_step "${JAR25[@]}" "-XX:AOTCacheOutput=$aot" -- bench aot-training "$changing" >"$work/training.log" 2>&1 ||
  { sed 's/^/  | /' "$work/training.log" >&2; die "the AOT training run failed"; }
grep -q '✔ Successfully pushed' "$work/training.log" || { sed 's/^/  | /' "$work/training.log" >&2; die "the AOT training run pushed nothing"; }
"${JAR25_AOT[@]}" -XX:AOTMode=on -jar "$jar" --help >/dev/null 2>"$work/aot-check.log" ||
  { cat "$work/aot-check.log" >&2; die "the JVM refuses the AOT cache it just trained (-XX:AOTMode=on)"; }
aot_bytes="$(stat -c %s "$aot")"
log "AOT cache: $aot ($((aot_bytes / 1048576)) MiB)"

# ---------------------------------------------------------------------------------------------------------------
# Wait for a quiet machine.
max_load="${BENCH_MAX_LOAD:-$(awk -v n="$(nproc)" 'BEGIN { print n / 2 }')}"
quiet_wait="${BENCH_QUIET_WAIT:-900}"
waited=0
while awk -v l="$(load1)" -v m="$max_load" 'BEGIN { exit !(l > m) }'; do
  if ((waited >= quiet_wait)); then
    log "the load average is still $(loadavg) after ${waited} s: measuring anyway; the results say so"
    break
  fi
  ((waited == 0)) && log "load average $(loadavg) is above $max_load: waiting (up to ${quiet_wait} s) for a quieter machine"
  sleep 15
  waited=$((waited + 15))
done
load_before="$(loadavg)"
started_at="$(date -u '+%Y-%m-%d %H:%M UTC')"
declare -A SECTION_LOAD=()

# ---------------------------------------------------------------------------------------------------------------
# The results

row_ratio() { # value, seed value, target (or empty)
  local r
  r="$(ratio "$1" "$2")"
  if [[ -n ${3:-} ]]; then printf '%s (target ≤ %s: %s)' "$r" "$3" "$(verdict "$r" "$3")"; else printf '%s' "$r"; fi
}

# Writes the tables to bench/results/<date>-<commit>.md (…-rerun.md with --rerun-only) and prints them.
write_results() {
  # the rows of section 1, in this order: the seed first (the others' ratios are to it), the native variants if run
  SHOWN=(seed aot image image-no-aot jar25 jar17)
  for v in native native-image; do [[ -z ${NC_TIMES[$v]:-} ]] || SHOWN+=("$v"); done
  commit="$(git rev-parse --short HEAD)"
  dirty=""
  [[ -z "$(git status --porcelain --untracked-files=no -- . ':!bench/results' 2>/dev/null)" ]] || dirty=" (with uncommitted changes)"
  mkdir -p bench/results
  results="bench/results/$(date -u +%Y-%m-%d)-$commit$( ((!rerun_only)) || echo -rerun).md"
  cpu="$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
  mem="$(awk '/^MemTotal:/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
  engine="$(docker version -f '{{.Server.Version}}' 2>/dev/null), storage driver $(docker info -f '{{.Driver}}' 2>/dev/null) on $(docker info -f '{{range .DriverStatus}}{{if eq (index . 0) "Backing Filesystem"}}{{index . 1}}{{end}}{{end}}' 2>/dev/null)"
  j17="$("$java17" -version 2>&1 | sed -n 2p)"
  j25="$("$java25" -version 2>&1 | sed -n 2p)"
  awsv="$("$seed_aws" --version 2>&1 | cut -d' ' -f1-2)"
  r_aot="$(ratio "${NC_MEDIAN[aot]}" "${NC_MEDIAN[seed]}")"
  r_image="$(ratio "${NC_MEDIAN[image]}" "${NC_MEDIAN[seed]}")"
  if ((!rerun_only)); then
    r_cold="$(ratio "${COLD_MEDIAN[image]}" "${COLD_MEDIAN[seed]}")"
    r_tags="$(ratio "$m_tags5" "$m_tags1")"
  fi
  trial=""
  ((runs >= 5 && cold_runs >= 5)) || trial="**A trial with fewer than 5 runs: not a result.**"
  quiet_note="waited ${waited} s for the 1-minute load average to fall to ${max_load}"
  awk -v l="${load_before%% *}" -v m="$max_load" 'BEGIN { exit !(l > m) }' && quiet_note="**the load average stayed above ${max_load} (waited ${waited} s): noisy**"

  # shellcheck disable=SC2016 # backquotes are Markdown here
  {
    printf '# pipe vs seed, %s, commit %s%s\n\n' "$started_at" "$commit" "$dirty"
    [[ -z $trial ]] || printf '%s\n\n' "$trial"
    if ((rerun_only)); then
      printf '`BENCH_API_LATENCIES_MS="%s" bash bench/pipe-vs-seed.sh --rerun-only %d`: section 1 alone; medians (min–max) of %d runs, comparisons interleaved, the order rotated every round.\n\n' \
        "${latencies[*]}" "$runs" "$runs"
    else
      printf '`BENCH_API_LATENCIES_MS="%s" bash bench/pipe-vs-seed.sh %d %d`: medians (min–max) of %d runs (cold: %d), comparisons interleaved, the order rotated every round.\n\n' \
        "${latencies[*]}" "$runs" "$cold_runs" "$runs" "$cold_runs"
    fi
    printf '| machine | |\n|---|---|\n'
    printf '| CPU | %s, %s cores |\n| memory | %s |\n| kernel | %s |\n' "$cpu" "$(nproc)" "$mem" "$(uname -r)"
    printf '| load average (1, 5, 15 min) | before %s; after %s; at sections 1: %s, 3: %s, 4: %s, 2: %s; %s |\n' \
      "$load_before" "$load_after" "${SECTION_LOAD[1]}" "${SECTION_LOAD[3]:-–}" "${SECTION_LOAD[4]:-–}" "${SECTION_LOAD[2]:-–}" "$quiet_note"
    printf '| Docker engine | %s (the bed'"'"'s private dockerd) |\n| docker CLI | %s |\n' "$engine" "$(docker version -f '{{.Client.Version}}' 2>/dev/null)"
    printf '| JDKs | %s; %s |\n| AWS CLI (seed) | %s (Debian package awscli) |\n| commit | %s%s |\n\n' "$j17" "$j25" "$awsv" "$commit" "$dirty"

    printf '## 1. No-change re-run (busybox FROM scratch context, same tag, nothing new to push)\n\n'
    printf 'The ECR API %s; AWS requests and sequential AWS round trips (the longest chain of requests each sent after the previous one was answered) as the stand-in counted them: every ECR and STS request of a run (the seed'"'"'s: `aws ecr get-login-password`).\n\n' \
      "$( ((near == 0)) && echo "on loopback" || echo "$near ms away")"
    printf '| variant | median | min–max | / seed script | / seed as Bitbucket runs it | AWS requests | sequential AWS round trips |\n|---|---|---|---|---|---|---|\n'
    for v in "${SHOWN[@]}"; do
      read -ra values <<<"${NC_TIMES[$v]}"
      case "$v" in
        aot | image) target=1.2 ;;
        native) target=0.6 ;;
        *) target="" ;;
      esac
      printf '| %s | %d ms | %s | %s | %s | %s | %s |\n' "${NC_LABEL[$v]}" "${NC_MEDIAN[$v]}" "$(minmax "${values[@]}")" \
        "$(row_ratio "${NC_MEDIAN[$v]}" "${NC_MEDIAN[seed]}" "$target")" \
        "$( ((rerun_only)) && echo "–" || ratio "${NC_MEDIAN[$v]}" "$m_seed_bb")" \
        "$(count_cell "${NC_REQUESTS["$v|$near"]}")" "$(count_cell "${NC_TRIPS["$v|$near"]}")"
    done
    if ((!rerun_only)); then
      printf '| seed as Bitbucket runs it: the seed + installing the AWS CLI (%d ms, median of %d) | %d ms | | %s | 1.00 | %s | %s |\n\n' \
        "$m_install" "$cold_runs" "$m_seed_bb" "$(ratio "$m_seed_bb" "${NC_MEDIAN[seed]}")" \
        "$(count_cell "${NC_REQUESTS["seed|$near"]}")" "$(count_cell "${NC_TRIPS["seed|$near"]}")"
      printf 'The AWS CLI install: `apt-get update && apt-get install -y awscli` in a fresh container of `%s` with host networking, timed inside it (%s ms; %s) — the one part of this measurement that leaves loopback, for Debian'"'"'s mirror. The seed and the pipe build the same image from the same context: %s.\n\n' \
        "$base" "$(printf '%s\n' "${install_ms[@]}" | paste -sd/)" "$install_facts" "$same_as_seed"
    else
      printf '\nThe seed and the pipe build the same image from the same context: %s.\n\n' "$same_as_seed"
    fi
    if ((${#NATIVE_RSS[@]} > 0)); then
      printf 'The native binary'"'"'s peak RSS over its runs (GNU time, every latency): %s MiB median (%s KiB).\n\n' \
        "$(awk -v k="$(median "${NATIVE_RSS[@]}")" 'BEGIN { printf "%.1f", k / 1024 }')" "$(minmax "${NATIVE_RSS[@]}")"
    fi
    printf 'The AWS requests of the last run of each, in the order answered:\n\n'
    for v in "${SHOWN[@]}"; do
      printf -- '- %s: %s\n' "$v" "${NC_ACTIONS["$v|$near"]//,/, }"
    done
    printf '\n'
    printf 'Where the time goes, from each run'"'"'s own time-stamped output (medians, ms). The pipe: its first line, whatever it says (from `docker run` for the image, from the JVM'"'"'s exec for the jar; and for the image from the container'"'"'s start: the engine'"'"'s start event, which leaves out the engine'"'"'s creating the container — the figure the first-line target is about); start-up: from the call to `Using the Docker engine` (JVM and Quarkus start-up, reading the variables, the AWS session and SDK clients made); engine ping (until `Building`), the build with the ECR login and repository check alongside (until `Built image`), push and verify (until the last `✔`), exit. The seed: `aws ecr get-login-password | docker login`, `docker build`, `docker push`.\n\n'
    printf '| variant | first line | first line, from the container'"'"'s start | start-up | ping | build ‖ ECR | push + verify | exit |\n|---|---|---|---|---|---|---|---|\n'
    for v in "${SHOWN[@]:1}"; do
      printf '| %s | %s | %s | %s | %s | %s | %s | %s |\n' "${NC_LABEL[$v]}" "$(phase_median "$v" first)" \
        "$(phase_median "$v" container-first)" "$(phase_median "$v" start)" "$(phase_median "$v" ping)" \
        "$(phase_median "$v" build)" "$(phase_median "$v" push)" "$(phase_median "$v" exit)"
    done
    printf '\n| seed | login | build | push |\n|---|---|---|---|\n| %s | %s | %s | %s |\n\n' "${NC_LABEL[seed]}" \
      "$(phase_median seed login)" "$(phase_median seed build)" "$(phase_median seed push)"
    for l in "${latencies[@]}"; do
      ((l != near)) || continue
      printf '### The same, the ECR API %d ms away\n\n' "$l"
      printf 'Every ECR and STS request answered %d ms late by the stand-in (the registry stays on loopback), in the same rounds as the first table.\n\n' "$l"
      printf '| variant | median | min–max | / seed script | added by the distance | AWS requests | sequential AWS round trips |\n|---|---|---|---|---|---|---|\n'
      for v in "${SHOWN[@]}"; do
        read -ra values <<<"${NC_TIMES["$v|$l"]}"
        target=""
        [[ $v != image ]] || target=1.0
        printf '| %s | %d ms | %s | %s | %+d ms | %s | %s |\n' "${NC_LABEL[$v]}" "${NC_MEDIAN["$v|$l"]}" "$(minmax "${values[@]}")" \
          "$(row_ratio "${NC_MEDIAN["$v|$l"]}" "${NC_MEDIAN["seed|$l"]}" "$target")" \
          $((NC_MEDIAN["$v|$l"] - NC_MEDIAN["$v|$near"])) \
          "$(count_cell "${NC_REQUESTS["$v|$l"]}")" "$(count_cell "${NC_TRIPS["$v|$l"]}")"
      done
      printf '\n'
    done

    if ((!rerun_only)); then
      printf '## 2. Cold build and push of the seed'"'"'s Apache example (`FROM %s`)\n\n' "$base"
      printf 'Before every run the engine is left with only the base image and the pipe'"'"'s images (built images, intermediate images and build cache removed, checked), and the run gets a repository of its own that holds the base image. apt-get in the Dockerfile reaches Debian'"'"'s mirror.\n\n'
      printf '| variant | median | min–max | / seed script | build | push + verify |\n|---|---|---|---|---|---|\n'
      for v in seed image aot; do
        read -ra values <<<"${COLD_TIMES[$v]}"
        target=""
        [[ $v != image ]] || target=1.02
        b="$(phase_median "cold-$v" build)" p="$(phase_median "cold-$v" push)"
        printf '| %s | %d ms | %s | %s | %s | %s |\n' "${COLD_LABEL[$v]}" "${COLD_MEDIAN[$v]}" "$(minmax "${values[@]}")" \
          "$(row_ratio "${COLD_MEDIAN[$v]}" "${COLD_MEDIAN[seed]}" "$target")" "$b" "$p"
      done
      printf '\n'

      printf '## 3. 5 tags against 1 (the pipe'"'"'s image, a new layer every run)\n\n'
      printf '| tags | median | min–max | ratio | push + verify |\n|---|---|---|---|---|\n'
      printf '| 1 | %d ms | %s | 1.00 | %s |\n' "$m_tags1" "$(minmax "${tags1[@]}")" "$(phase_median tags1 push)"
      printf '| 5 | %d ms | %s | %s | %s |\n\n' "$m_tags5" "$(minmax "${tags5[@]}")" "$(row_ratio "$m_tags5" "$m_tags1" 1.1)" "$(phase_median tags5 push)"
      printf 'One more 5-tag run with `DEBUG=true` (%d ms), split by its push progress lines: %s.\n\n' "${profile5[0]}" "$tag_split"

      printf '## 4. Start-up to the first AWS request, and memory\n\n'
      printf 'From the process'"'"'s start to the first byte of its first request at a loopback listener given as `AWS_ENDPOINT_URL` (which then answers as ECR answers an unknown key).\n\n'
      printf '| variant | first AWS request | min–max |\n|---|---|---|\n'
      for v in aot jar25 jar17 image image-no-aot aws; do
        read -ra values <<<"${FR_TIMES[$v]}"
        target=""
        [[ $v != aot ]] || target=" (target ≤ 250 ms: $(verdict "${FR_MEDIAN[$v]}" 250))"
        printf '| %s | %d ms%s | %s |\n' "${FR_LABEL[$v]}" "${FR_MEDIAN[$v]}" "$target" "$(minmax "${values[@]}")"
      done
      printf '| native binary (`Dockerfile.native`) | not measured here: a native binary is given to section 1 only (BENCH_NATIVE_BINARY) | |\n\n'
      printf 'Memory of a full no-change re-run (GNU time'"'"'s maximum resident set size, %d runs, interleaved; its wall time in those runs), and from one more run each with `-Xlog:class+load`, `-Xlog:startuptime` and `-Xlog:gc*`: the classes loaded (of them from the AOT cache or the JDK'"'"'s CDS archive), the JVM'"'"'s own "Create VM" time, the heap at exit.\n\n' "$runs"
      printf '| JVM | peak RSS | wall | classes (from the archive) | Create VM | heap |\n|---|---|---|---|---|---|\n'
      declare -A RSS_LABEL=([aot]="${FR_LABEL[aot]}" [aot-xmn]="the same + -Xmn16m (the image's young generation)" [jar25]="${FR_LABEL[jar25]}" [jar17]="${FR_LABEL[jar17]}")
      for v in aot aot-xmn jar25 jar17; do
        rss="$(mib "${RSS_MEDIAN[$v]}") MiB"
        [[ $v != aot ]] || rss+=" (target < 128 MiB: $(verdict "$(mib "${RSS_MEDIAN[$v]}")" 128 lt))"
        if [[ -n ${CL_TOTAL[$v]:-} ]]; then
          printf '| %s | %s | %d ms | %s (%s) | %s ms | %s |\n' "${RSS_LABEL[$v]}" "$rss" "${RSS_WALL_MEDIAN[$v]}" \
            "${CL_TOTAL[$v]}" "${CL_SHARED[$v]}" "${CREATE_VM[$v]}" "${HEAP[$v]}"
        else
          printf '| %s | %s | %d ms | | | |\n' "${RSS_LABEL[$v]}" "$rss" "${RSS_WALL_MEDIAN[$v]}"
        fi
      done
      printf '\nPeak RSS counts the resident pages of the memory-mapped AOT cache. The cache file is %.1f MiB; in a sampled no-change re-run %.1f MiB of its %.1f MiB of mappings were resident at most, and the process peaked at %.1f MiB (%.1f MiB anonymous, %.1f MiB file-backed). Without the cache the same JVM peaks at %s MiB, with it at %s MiB.\n\n' \
        "$(awk -v b="$aot_bytes" 'BEGIN { print b / 1048576 }')" "$(awk -v k="$aot_rss_kb" 'BEGIN { print k / 1024 }')" \
        "$(awk -v k="$aot_size_kb" 'BEGIN { print k / 1024 }')" "$(awk -v k="$hwm_kb" 'BEGIN { print k / 1024 }')" \
        "$(awk -v k="$anon_kb" 'BEGIN { print k / 1024 }')" "$(awk -v k="$file_kb" 'BEGIN { print k / 1024 }')" \
        "$(mib "${RSS_MEDIAN[jar25]}")" "$(mib "${RSS_MEDIAN[aot]}")"
      printf 'Start-up, from the class-load log of that run (with the logging'"'"'s own cost): when the class that marks each point was loaded, ms since the JVM started (classes loaded by then, of them from the archive).\n\n'
      printf '| point | %s | %s | %s |\n|---|---|---|---|\n' "${FR_LABEL[aot]}" "${FR_LABEL[jar25]}" "${FR_LABEL[jar17]}"
      for m in "${MARKS[@]}"; do
        printf '| %s (`%s`) | %s | %s | %s |\n' "${m%%=*}" "${m#*=}" "${TIMELINE["aot|${m%%=*}"]:-–}" \
          "${TIMELINE["jar25|${m%%=*}"]:-–}" "${TIMELINE["jar17|${m%%=*}"]:-–}"
      done
      printf '\n'

      printf '## 5. Image size\n\n| image | size | target |\n|---|---|---|\n'
      printf '| %s (with its AOT cache, %s MB) | %s MB | ≤ 200 MB: %s |\n' "$pipe_image" "$image_aot_mb" "$s_image" "$(verdict "$s_image" 200)"
      printf '| %s (without) | %s MB | |\n\n' "$pipe_image_no_aot" "$s_no_aot"
    fi

    printf '## Targets\n\n| target | measured | |\n|---|---|---|\n'
    printf '| no-change re-run, jar + AOT ≤ 1.2 × seed script | %s | %s |\n' "$r_aot" "$(verdict "$r_aot" 1.2)"
    printf '| no-change re-run, image ≤ 1.2 × seed script | %s | %s |\n' "$r_image" "$(verdict "$r_image" 1.2)"
    if [[ -n ${NC_MEDIAN[native]:-} ]]; then
      r_native="$(ratio "${NC_MEDIAN[native]}" "${NC_MEDIAN[seed]}")"
      printf '| no-change re-run, native binary ≤ 0.6 × seed script | %s | %s |\n' "$r_native" "$(verdict "$r_native" 0.6)"
    fi
    for l in "${latencies[@]}"; do
      ((l != near)) || continue
      r_far="$(ratio "${NC_MEDIAN["image|$l"]}" "${NC_MEDIAN["seed|$l"]}")"
      printf '| no-change re-run, image ≤ 1.0 × seed script, the ECR API %d ms away | %s | %s |\n' "$l" "$r_far" "$(verdict "$r_far" 1.0)"
    done
    printf '| first line of the image, docker run as Bitbucket runs it, ≤ 250 ms from the container'"'"'s start | %s ms | %s |\n' \
      "$(phase_median image container-first)" "$([[ $(phase_median image container-first) == – ]] && echo "not measured (no start event)" ||
        verdict "$(phase_median image container-first)" 250)"
    if ((!rerun_only)); then
      printf '| cold build and push, image ≤ 1.02 × seed script | %s | %s |\n' "$r_cold" "$(verdict "$r_cold" 1.02)"
      printf '| 5 tags ≤ 1.1 × 1 tag | %s | %s |\n' "$r_tags" "$(verdict "$r_tags" 1.1)"
      printf '| first AWS request ≤ 250 ms with AOT | %d ms | %s |\n' "${FR_MEDIAN[aot]}" "$(verdict "${FR_MEDIAN[aot]}" 250)"
      printf '| peak RSS < 128 MiB (jar + AOT, cache counted) | %s MiB | %s |\n' "$(mib "${RSS_MEDIAN[aot]}")" "$(verdict "$(mib "${RSS_MEDIAN[aot]}")" 128 lt)"
      printf '| image ≤ 200 MB | %s MB | %s |\n' "$s_image" "$(verdict "$s_image" 200)"
    fi
    printf '\n'

    printf 'Bed: the ECR API of the stand-in over plain HTTP on 127.0.0.1 (for the seed and the pipe alike; real ECR is HTTPS), the registry behind its facade over HTTPS at `%s` as the engine resolves it. Every run that pushes has a repository of its own (made before it, not timed); the stand-in answers the calls that name images (BatchGetImage, the pipe'"'"'s cache lookup and verification, among them) in constant time, as ECR does, and, at the latencies of section 1, every ECR and STS request that many ms late; the registry'"'"'s own requests stay on loopback. Sizes: MB = 10^6 bytes, MiB = 2^20.\n' "$registry"
  } >"$results"
  cat "$results"
  log "written to $results"
}

# ---------------------------------------------------------------------------------------------------------------
# 1. No-change re-run
SECTION_LOAD[1]="$(loadavg)"
NC_NAMES=(seed aot jar25 jar17 image image-no-aot)
[[ -z $native_binary ]] || NC_NAMES+=(native native-image)
declare -A NC_LABEL=(
  [native]="pipe native binary, run as the jar is"
  [native-image]="pipe native binary's image (the bed's Debian base + the binary), docker run as Bitbucket runs it"
  [seed]="seed script (Debian's AWS CLI installed)"
  [aot]="pipe jar, Java 25 + AOT cache, ${FAST[*]}"
  [jar25]="pipe jar, Java 25, ${FAST[*]}, no cache"
  [jar17]="pipe jar, Java 17, no flags"
  [image]="pipe image, docker run as Bitbucket runs it"
  [image-no-aot]="pipe image without its AOT cache"
)
# Each variant re-runs into a repository of its own (nc-VARIANT), holding its one tag.
nc_run() { # VARIANT
  case "$1" in
    seed) seed_step "nc-$1" rerun "$ctx" ;;
    aot) jar_step "${JAR25_AOT[@]}" -- "nc-$1" rerun "$ctx" ;;
    jar25) jar_step "${JAR25[@]}" -- "nc-$1" rerun "$ctx" ;;
    jar17) jar_step "${JAR17[@]}" -- "nc-$1" rerun "$ctx" ;;
    image) image_step "$pipe_image" "nc-$1" rerun "$ctx" ;;
    image-no-aot) image_step "$pipe_image_no_aot" "nc-$1" rerun "$ctx" ;;
    native) native_step "nc-$1" rerun "$ctx" ;;
    native-image) image_step "$native_image" "nc-$1" rerun "$ctx" ;;
  esac
}
# The latency whose rows are the main table (and the phases): 0 (loopback) when measured, else the first.
near="${latencies[0]}"
for l in "${latencies[@]}"; do ((l != 0)) || near=0; done
log "1. no-change re-run: a first run of each variant pushes its tag; then $runs rounds, interleaved, at an API latency of ${latencies[*]} ms"
api_latency 0
declare -A NC_TIMES=() NC_REQUESTS=() NC_TRIPS=() NC_ACTIONS=()
NATIVE_RSS=()
for v in "${NC_NAMES[@]}"; do
  create_repository "nc-$v"
  warm=()
  timed warm "$work/nc.log" nc_run "$v"
  same_image "$v" "$work/nc.log"
  log "first run of $v: ${warm[0]} ms (not counted)"
done
for ((i = 0; i < runs; i++)); do
  line=""
  mapfile -t lorder < <(rotation "$i" "${#latencies[@]}")
  for j in "${lorder[@]}"; do
    l="${latencies[j]}"
    api_latency "$l"
    mapfile -t order < <(rotation "$i" "${#NC_NAMES[@]}")
    for k in "${order[@]}"; do
      v="${NC_NAMES[k]}"
      t=()
      forget_requests
      timed t "$work/nc.log" nc_run "$v"
      counts="$(aws_counts)" # a failure here ends the benchmark (set -e), its message already shown
      read -r n m actions <<<"$counts"
      same_image "$v" "$work/nc.log"
      NC_TIMES["$v|$l"]+="${t[0]} "
      NC_REQUESTS["$v|$l"]+="$n "
      NC_TRIPS["$v|$l"]+="$m "
      NC_ACTIONS["$v|$l"]="${actions:-none}"
      [[ $v != native ]] || NATIVE_RSS+=("$(tail -n 1 "$work/native.rss")")
      if ((l == near)); then
        if [[ $v == seed ]]; then seed_phases "$v" "$work/nc.log" "${t[0]}"; else pipe_phases "$v" "$work/nc.log" "${t[0]}"; fi
      fi
      line+=" $v@$l ${t[0]} ms ($n requests, $m round trips),"
    done
  done
  log "re-run $((i + 1))/$runs:${line%,}"
done
api_latency 0 # the other sections talk to the stand-in on loopback
declare -A NC_MEDIAN=()
for l in "${latencies[@]}"; do
  for v in "${NC_NAMES[@]}"; do
    read -ra values <<<"${NC_TIMES["$v|$l"]}"
    NC_MEDIAN["$v|$l"]="$(median "${values[@]}")"
  done
done
for v in "${NC_NAMES[@]}"; do
  NC_TIMES[$v]="${NC_TIMES["$v|$near"]}"
  NC_MEDIAN[$v]="${NC_MEDIAN["$v|$near"]}"
done
# Are the seed's and the pipe's no-change builds the same image (the pipe packs the context as the docker CLI does)?
same_as_seed="no"
[[ ${FIRST_IMAGE[seed]} != "${FIRST_IMAGE[aot]}" ]] || same_as_seed="yes"

if ((rerun_only)); then
  load_after="$(loadavg)"
  write_results
  exit 0
fi

# The seed as Bitbucket runs it: its AWS CLI installed on every run.
log "AWS CLI install (Debian's awscli into a fresh container of $base, from Debian's mirror): $cold_runs runs"
# shellcheck disable=SC2016 # the container's shell expands these
install_awscli() {
  docker run --rm --network host "$base" sh -c '
    t0=$(date +%s%N)
    { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y awscli; } >/tmp/apt.log 2>&1 ||
      { cat /tmp/apt.log; exit 1; }
    t1=$(date +%s%N)
    grep -E "^(Need to get|After this operation)" /tmp/apt.log
    /usr/bin/aws --version
    echo "bench-install-ms $(((t1 - t0) / 1000000))"'
}
install_ms=()
for ((i = 1; i <= cold_runs; i++)); do
  whole=()
  timed whole "$work/install.log" install_awscli
  install_ms+=("$(grep -o 'bench-install-ms [0-9]*' "$work/install.log" | cut -d' ' -f2)")
  log "AWS CLI install $i/$cold_runs: ${install_ms[-1]} ms (docker run ${whole[0]} ms)"
done
install_facts="$(grep -E '(Need to get|After this operation|aws-cli/)' "$work/install.log" | cut -d' ' -f2- | paste -sd ';' | sed 's/;/; /g')"
m_install="$(median "${install_ms[@]}")"
m_seed_bb=$((NC_MEDIAN[seed] + m_install))

# ---------------------------------------------------------------------------------------------------------------
# 3. 5 tags against 1
SECTION_LOAD[3]="$(loadavg)"
log "3. 5 tags against 1 (the pipe's image, a new layer every run): $runs rounds, interleaved"
tags1=() tags5=()
for ((i = 0; i < runs; i++)); do
  mapfile -t order < <(rotation "$i" 2)
  for k in "${order[@]}"; do
    new_stamp
    if ((k == 0)); then
      create_repository "tags-$i-1"
      timed tags1 "$work/tags.log" image_step "$pipe_image" "tags-$i-1" "one-$i" "$changing"
      pipe_phases tags1 "$work/tags.log" "${tags1[-1]}"
    else
      create_repository "tags-$i-5"
      timed tags5 "$work/tags.log" image_step "$pipe_image" "tags-$i-5" "a-$i b-$i c-$i d-$i e-$i" "$changing"
      pipe_phases tags5 "$work/tags.log" "${tags5[-1]}"
    fi
  done
  log "tags $((i + 1))/$runs: 1 tag ${tags1[-1]} ms, 5 tags ${tags5[-1]} ms"
done
m_tags1="$(median "${tags1[@]}")" m_tags5="$(median "${tags5[@]}")"
# Where a tag's time goes: one more 5-tag run with DEBUG=true, whose push progress lines split each tag into the
# engine's push (from "Pushing" to the engine's "<tag>: digest: …" line) and the pipe's verification (to its ✔).
log "profiling a 5-tag run (DEBUG=true, not counted)"
new_stamp
profile5=()
create_repository tags-profile
DEBUG=true timed profile5 "$work/tags-debug.log" image_step "$pipe_image" tags-profile "p1 p2 p3 p4 p5" "$changing"
tag_split="$(awk '
  { line = substr($0, index($0, " ") + 1) }
  line ~ /^INFO: Pushing / { tag = line; sub(/\.$/, "", tag); sub(/.*:/, "", tag); start[tag] = $1; order[++n] = tag }
  line ~ /^DEBUG: [^ ]+: digest: sha256:/ { tag = line; sub(/^DEBUG: /, "", tag); sub(/: digest:.*/, "", tag); digest[tag] = $1 }
  line ~ /^✔ Successfully pushed / { tag = line; sub(/ \(sha256.*/, "", tag); sub(/.*:/, "", tag); ok[tag] = $1 }
  END {
    for (i = 1; i <= n; i++) { t = order[i]; if (!(t in digest) || !(t in ok)) { print "incomplete"; exit } }
    printf "first tag: push %d ms, verify %d ms; each further tag:", digest[order[1]] - start[order[1]], ok[order[1]] - digest[order[1]]
    for (i = 2; i <= n; i++) { t = order[i]; printf " %d + %d", digest[t] - start[t], ok[t] - digest[t] }
    printf " ms (push + verify)"
  }' "$work/tags-debug.log")"
[[ $tag_split != incomplete ]] || { sed 's/^/  | /' "$work/tags-debug.log" >&2; die "the DEBUG run lacks a tag's push or ✔ line"; }
log "5 tags: $tag_split"

# ---------------------------------------------------------------------------------------------------------------
# 4. Start-up to the first AWS request; peak RSS
SECTION_LOAD[4]="$(loadavg)"
mkdir -p "$work/listener"
cat >"$work/listener/FirstRequest.java" <<'EOF'
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Locale;

/**
 * Stands for ECR's API on 127.0.0.1: notes when the first byte of a request arrives (microseconds since the epoch,
 * in DIR/first, unless that file exists already), reads the request, and answers as ECR answers an unknown access
 * key, so the client fails at once without retrying. Writes its port to DIR/port.
 */
public class FirstRequest {
    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            Path port = dir.resolve("port.tmp");
            Files.writeString(port, Integer.toString(server.getLocalPort()));
            Files.move(port, dir.resolve("port"), StandardCopyOption.ATOMIC_MOVE);
            while (true) {
                Socket client = server.accept();
                Thread.ofPlatform().daemon().start(() -> handle(client, dir));
            }
        }
    }

    private static void handle(Socket client, Path dir) {
        try (client) {
            InputStream in = new BufferedInputStream(client.getInputStream());
            int first = in.read();
            Instant now = Instant.now();
            if (first < 0) {
                return;
            }
            synchronized (FirstRequest.class) {
                Path mark = dir.resolve("first");
                if (!Files.exists(mark)) {
                    Path tmp = dir.resolve("first.tmp");
                    Files.writeString(tmp, Long.toString(now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000));
                    Files.move(tmp, mark, StandardCopyOption.ATOMIC_MOVE);
                }
            }
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            head.write(first);
            while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    return;
                }
                head.write(b);
            }
            long length = 0;
            for (String line : head.toString(StandardCharsets.ISO_8859_1).split("\r\n")) {
                if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                    length = Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
                }
            }
            in.skipNBytes(length);
            byte[] body = "{\"__type\":\"UnrecognizedClientException\",\"message\":\"The security token included in the request is invalid.\"}"
                    .getBytes(StandardCharsets.UTF_8);
            OutputStream out = client.getOutputStream();
            out.write(("HTTP/1.1 400 Bad Request\r\nContent-Type: application/x-amz-json-1.1\r\n"
                    + "x-amzn-ErrorType: UnrecognizedClientException\r\nx-amzn-RequestId: bench\r\n"
                    + "Content-Length: " + body.length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.write(body);
            out.flush();
        } catch (IOException ignored) {
            // the client went away; nothing to answer
        }
    }
}
EOF
bed_spawn "$java25" "$work/listener/FirstRequest.java" "$work/listener" </dev/null >"$work/listener/out" 2>&1
listener_pid=$BED_SPAWNED_PID
for _ in $(seq 1 150); do [[ -s $work/listener/port ]] && break; sleep 0.2; done
[[ -s $work/listener/port ]] || { cat "$work/listener/out" >&2; die "the first-request listener did not start"; }
first_endpoint="http://127.0.0.1:$(cat "$work/listener/port")"
log "4. start-up to the first AWS request (listener at $first_endpoint) and peak RSS: $runs rounds, interleaved"

FR_NAMES=(jar17 jar25 aot image image-no-aot aws)
declare -A FR_LABEL=(
  [jar17]="pipe jar, Java 17, no flags"
  [jar25]="pipe jar, Java 25, ${FAST[*]}, no cache"
  [aot]="pipe jar, Java 25 + AOT cache, ${FAST[*]}"
  [image]="pipe image, docker run as Bitbucket runs it"
  [image-no-aot]="pipe image without its AOT cache"
  [aws]="the seed's first command: aws ecr get-login-password"
)
# The command of a variant, in the no-change context with the listener as its endpoint, in place of the calling
# subshell; it fails after the first request, as it should.
fr_exec() {
  case "$1" in
    jar17) ENDPOINT_OVERRIDE="$first_endpoint" jar_exec "${JAR17[@]}" -- bench rerun "$ctx" ;;
    jar25) ENDPOINT_OVERRIDE="$first_endpoint" jar_exec "${JAR25[@]}" -- bench rerun "$ctx" ;;
    aot) ENDPOINT_OVERRIDE="$first_endpoint" jar_exec "${JAR25_AOT[@]}" -- bench rerun "$ctx" ;;
    image) AWS_ENDPOINT_URL="$first_endpoint" image_exec "$pipe_image" bench rerun "$ctx" ;;
    image-no-aot) AWS_ENDPOINT_URL="$first_endpoint" image_exec "$pipe_image_no_aot" bench rerun "$ctx" ;;
    aws)
      exec env -i AWS_ACCESS_KEY_ID="$AWS_KEY" AWS_SECRET_ACCESS_KEY="$AWS_SECRET" AWS_DEFAULT_REGION="$AWS_REGION" \
        AWS_CONFIG_FILE="$work/no-aws-config" AWS_SHARED_CREDENTIALS_FILE="$work/no-aws-credentials" \
        "$seed_aws" ecr get-login-password --endpoint-url "$first_endpoint" ;;
  esac
}
# first_request ARRAY VARIANT: ms from the process's start to the first byte at the listener. The start is taken in
# the subshell that then becomes the measured process (exec), so it leaves out only the fork.
first_request() {
  local -n fr_into="$1"
  local first="$work/listener/first" t0 rc=0
  rm -f "$first"
  (now_us && printf '%s' "$REPLY" >"$work/fr.t0" && fr_exec "$2") </dev/null >"$work/fr.log" 2>&1 || rc=$?
  for _ in $(seq 1 50); do [[ -s $first ]] && break; sleep 0.1; done
  [[ -s $first ]] || { sed 's/^/  | /' "$work/fr.log" >&2; die "$2 sent no request to the listener (exit $rc)"; }
  t0="$(cat "$work/fr.t0")"
  fr_into+=($((($(cat "$first") - t0) / 1000)))
}
declare -A FR_TIMES=()
for ((i = 0; i < runs; i++)); do
  line=""
  mapfile -t order < <(rotation "$i" "${#FR_NAMES[@]}")
  for k in "${order[@]}"; do
    v="${FR_NAMES[k]}"
    t=()
    first_request t "$v"
    FR_TIMES[$v]+="${t[0]} "
    line+=" $v ${t[0]} ms,"
  done
  log "first request $((i + 1))/$runs:${line%,}"
done
declare -A FR_MEDIAN=()
for v in "${FR_NAMES[@]}"; do
  read -ra values <<<"${FR_TIMES[$v]}"
  FR_MEDIAN[$v]="$(median "${values[@]}")"
done

# Peak RSS (KiB) of a full no-change re-run under GNU time.
# aot-xmn: the same with the image's young generation (-Xmn16m, see the Dockerfile): without a cap, the serial GC's
# young generation is sized from the machine's memory and a whole run's garbage fits in it, so RSS grows by what the
# run allocates.
RSS_NAMES=(jar17 jar25 aot aot-xmn)
declare -A RSS_KB=() RSS_WALL=()
for ((i = 0; i < runs; i++)); do
  mapfile -t order < <(rotation "$i" "${#RSS_NAMES[@]}")
  for k in "${order[@]}"; do
    v="${RSS_NAMES[k]}"
    case "$v" in
      jar17) java=("${JAR17[@]}") ;;
      jar25) java=("${JAR25[@]}") ;;
      aot) java=("${JAR25_AOT[@]}") ;;
      aot-xmn) java=("${JAR25_AOT[@]}" -Xmn16m) ;;
    esac
    jar_step /usr/bin/time -v -o "$work/time.txt" "${java[@]}" -- nc-aot rerun "$ctx" >"$work/rss.log" 2>&1 ||
      { sed 's/^/  | /' "$work/rss.log" >&2; die "$v failed under GNU time"; }
    RSS_KB[$v]+="$(sed -n 's/^[[:space:]]*Maximum resident set size (kbytes): //p' "$work/time.txt") "
    RSS_WALL[$v]+="$(sed -n 's/^[[:space:]]*Elapsed (wall clock) time.*: //p' "$work/time.txt" |
      awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; printf "%d", s * 1000 }') "
  done
done
declare -A RSS_MEDIAN=() RSS_WALL_MEDIAN=()
for v in "${RSS_NAMES[@]}"; do
  read -ra values <<<"${RSS_KB[$v]}"
  RSS_MEDIAN[$v]="$(median "${values[@]}")"
  read -ra values <<<"${RSS_WALL[$v]}"
  RSS_WALL_MEDIAN[$v]="$(median "${values[@]}")"
done
mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }

# What the AOT cache costs in memory: one no-change re-run whose mappings of the cache file are sampled every 20 ms
# (the largest resident size seen), and its totals at exit.
log "sampling the AOT cache's resident pages during a no-change re-run"
(cd "$ctx" && exec env -i AWS_KEY="$AWS_KEY" AWS_SECRET="$AWS_SECRET" IMAGE="$registry/nc-aot" TAGS="rerun" \
  AWS_ENDPOINT_URL="$AWS_ENDPOINT_URL" DOCKER_HOST="$DOCKER_HOST" LANG=C.UTF-8 BUILD_NETWORK=host \
  "${JAR25_AOT[@]}" -jar "$jar") >"$work/sampled.log" 2>&1 &
sampled_pid=$!
aot_rss_kb=0 aot_size_kb=0 hwm_kb=0 anon_kb=0 file_kb=0
while kill -0 "$sampled_pid" 2>/dev/null; do
  if sample="$(awk -v f="$aot" '
        /^[0-9a-f]+-[0-9a-f]+ / { m = ($NF == f) }
        m && /^Size:/ { s += $2 }
        m && /^Rss:/ { r += $2 }
        END { print r + 0, s + 0 }' "/proc/$sampled_pid/smaps" 2>/dev/null)"; then
    read -r r s <<<"$sample"
    if ((r > aot_rss_kb)); then aot_rss_kb=$r aot_size_kb=$s; fi
    status="$(cat "/proc/$sampled_pid/status" 2>/dev/null || true)"
    h="$(awk '/^VmHWM:/ { print $2 }' <<<"$status")"
    if [[ -n $h ]] && ((h >= hwm_kb)); then
      hwm_kb=$h
      anon_kb="$(awk '/^RssAnon:/ { print $2 }' <<<"$status")"
      file_kb="$(awk '/^RssFile:/ { print $2 }' <<<"$status")"
    fi
  fi
  sleep 0.02
done
wait "$sampled_pid" || { sed 's/^/  | /' "$work/sampled.log" >&2; die "the sampled no-change re-run failed"; }
sampled_pid=""

# The JVM's own view of a no-change re-run: classes loaded (and how many from the AOT cache or CDS archive), its
# "Create VM" time, when the classes that mark the pipe's start-up were loaded, and the heap at exit.
log "class-load counts, start-up marks and heap, one no-change re-run per JVM"
declare -A CL_TOTAL=() CL_SHARED=() CREATE_VM=() TIMELINE=() HEAP=()
# "label=class" (a class loaded when the pipe reaches that point)
MARKS=(
  "JVM: the jar's main class=io.quarkus.bootstrap.runner.QuarkusEntryPoint"
  "Quarkus: the app's main=org.ecrpushpipe.cli.Main"
  "Picocli: the command=org.ecrpushpipe.cli.PushCommand"
  "variables read, adapters made=org.ecrpushpipe.publish.Publisher"
  "SDK: building the client=software.amazon.awssdk.core.client.builder.SdkDefaultClientBuilder"
  "SDK: client built, first call marshalled=software.amazon.awssdk.services.ecr.transform.GetAuthorizationTokenRequestMarshaller"
  "SDK: signed, sending it=software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient\$RequestCallable"
)
for v in jar17 jar25 aot; do
  case "$v" in
    jar17) java=("${JAR17[@]}") ;;
    jar25) java=("${JAR25[@]}") ;;
    aot) java=("${JAR25_AOT[@]}") ;;
  esac
  rm -f "$work/cl.txt" "$work/st.txt" "$work/gc.txt"
  jar_step "${java[@]}" "-Xlog:class+load=info:file=$work/cl.txt" "-Xlog:startuptime=info:file=$work/st.txt" \
    "-Xlog:gc*=info:file=$work/gc.txt" -- "nc-$v" rerun "$ctx" >"$work/cl.log" 2>&1 ||
    { sed 's/^/  | /' "$work/cl.log" >&2; die "$v failed with class-load logging"; }
  CL_TOTAL[$v]="$(grep -c 'class,load' "$work/cl.txt" || true)"
  CL_SHARED[$v]="$(grep -c 'source: shared objects file' "$work/cl.txt" || true)"
  CREATE_VM[$v]="$(awk '/Create VM/ { printf "%d", $(NF-1) * 1000 }' "$work/st.txt")"
  for m in "${MARKS[@]}"; do
    # "ms classes-so-far from-the-archive-so-far", at the line that loads the mark's class
    TIMELINE["$v|${m%%=*}"]="$(awk -v c="${m#*=}" '
      / source: shared objects file/ { shared++ }
      $2 == c { t = $1; gsub(/^\[|s\]\[.*$/, "", t); printf "%d ms (%d, %d)", t * 1000, NR, shared; exit }' "$work/cl.txt")"
  done
  # the first heap line at exit: the young generation (serial GC) or the whole heap (G1), committed and used
  HEAP[$v]="$(awk '
    /\]\[gc *\] GC\([0-9]+\) Pause/ { gcs++ }
    /gc,(heap,)?exit/ && / total [0-9]+K, used [0-9]+K/ && !name {
      line = $0; sub(/^.*exit *\] */, "", line); name = line; sub(/ +total.*/, "", name)
      total = line; sub(/.* total /, "", total); sub(/K,.*/, "", total)
      used = line; sub(/.* used /, "", used); sub(/K.*/, "", used)
    }
    END { printf "%s: %.0f of %.0f MiB used at exit; %d collections", name, used / 1024, total / 1024, gcs }' "$work/gc.txt")"
done

# ---------------------------------------------------------------------------------------------------------------
# 2. Cold build and push of the seed's Apache example
SECTION_LOAD[2]="$(loadavg)"
apache="$work/apache"
mkdir -p "$apache"
cp -r examples/apache/. "$apache/"
sed -i "s|^FROM debian:bookworm\$|FROM $base|" "$apache/Dockerfile"
grep -q "^FROM $base\$" "$apache/Dockerfile" || die "could not point examples/apache/Dockerfile at $base"
chmod -R a+rX "$apache"
keep=("$base" "$pipe_image" "$pipe_image_no_aot" ${native_image:+"$native_image"})
# the kept images and their parents (the classic builder's intermediate images under the pipe's image)
keep_ids=()
for ref in "${keep[@]}"; do
  id="$(docker image inspect -f '{{.Id}}' "$ref")"
  while [[ -n $id ]]; do
    keep_ids+=("$id")
    id="$(docker image inspect -f '{{.Parent}}' "$id")"
  done
done
# Leaves the engine holding only the images in `keep`: every other tag goes (with the intermediate images of the
# classic builder under it), then dangling images and the build cache; then checks that nothing else is left.
clean_engine() {
  local ref left
  while read -r ref; do
    [[ -n $ref ]] || continue
    docker image rm -f "$ref" >/dev/null
  done < <(docker images --format '{{.Repository}}:{{.Tag}} {{.ID}}' |
    awk -v keep="$(printf '%s\n' "${keep[@]}")" 'BEGIN { n = split(keep, k, "\n"); for (i = 1; i <= n; i++) K[k[i]] = 1 }
      !($1 in K) && $1 != "<none>:<none>" { print $1 }')
  docker image prune -f >/dev/null
  docker builder prune -af >"$work/prune.log" 2>&1 || { cat "$work/prune.log" >&2; die "docker builder prune failed"; }
  left="$(comm -23 <(docker images -aq --no-trunc | sort -u) <(printf '%s\n' "${keep_ids[@]}" | sort -u))"
  [[ -z $left ]] || die "the engine still holds images other than ${keep[*]}: $left"
}
log "2. cold build and push of the Apache example"
clean_engine
# Before each run: a repository of its own that already holds the base image, as ECR would after any earlier push.
push_base() { # REPOSITORY
  local cfg="$work/base-docker-config"
  rm -rf "$cfg" && mkdir -p "$cfg"
  AWS_ACCESS_KEY_ID="$AWS_KEY" AWS_SECRET_ACCESS_KEY="$AWS_SECRET" AWS_DEFAULT_REGION="$AWS_REGION" \
    AWS_CONFIG_FILE="$work/no-aws-config" AWS_SHARED_CREDENTIALS_FILE="$work/no-aws-credentials" \
    "$seed_aws" ecr get-login-password --endpoint-url "$AWS_ENDPOINT_URL" |
    docker --config "$cfg" login --username AWS --password-stdin "$registry"
  docker tag "$base" "$registry/$1:base"
  docker --config "$cfg" push "$registry/$1:base"
  docker image rm "$registry/$1:base"
  rm -rf "$cfg"
}
COLD_NAMES=(seed image aot)
declare -A COLD_LABEL=(
  [seed]="seed script"
  [image]="pipe image, docker run as Bitbucket runs it"
  [aot]="pipe jar, Java 25 + AOT cache"
)
declare -A COLD_TIMES=()
log "cold runs: $cold_runs rounds, interleaved, the engine cleaned before every run"
for ((i = 0; i < cold_runs; i++)); do
  line=""
  mapfile -t order < <(rotation "$i" "${#COLD_NAMES[@]}")
  for k in "${order[@]}"; do
    v="${COLD_NAMES[k]}"
    repository="cold-$v-$i"
    create_repository "$repository"
    push_base "$repository" >"$work/base.log" 2>&1 || { sed 's/^/  | /' "$work/base.log" >&2; die "could not push the base image"; }
    clean_engine
    t=()
    case "$v" in
      seed) timed t "$work/cold.log" seed_step "$repository" apache "$apache" ;;
      image) timed t "$work/cold.log" image_step "$pipe_image" "$repository" apache "$apache" ;;
      aot) timed t "$work/cold.log" jar_step "${JAR25_AOT[@]}" -- "$repository" apache "$apache" ;;
    esac
    if [[ $v == seed ]]; then seed_phases "cold-$v" "$work/cold.log" "${t[0]}"; else pipe_phases "cold-$v" "$work/cold.log" "${t[0]}"; fi
    COLD_TIMES[$v]+="${t[0]} "
    line+=" $v ${t[0]} ms,"
  done
  log "cold $((i + 1))/$cold_runs:${line%,}"
done
clean_engine
declare -A COLD_MEDIAN=()
for v in "${COLD_NAMES[@]}"; do
  read -ra values <<<"${COLD_TIMES[$v]}"
  COLD_MEDIAN[$v]="$(median "${values[@]}")"
done

# ---------------------------------------------------------------------------------------------------------------
# 5. Image size
size_mb() { docker image inspect -f '{{.Size}}' "$1" | awk '{ printf "%.1f", $1 / 1000000 }'; }
s_image="$(size_mb "$pipe_image")" s_no_aot="$(size_mb "$pipe_image_no_aot")"
image_aot_mb="$(awk -v b="$(stat -c %s target/aot/app.aot 2>/dev/null || echo 0)" 'BEGIN { printf "%.1f", b / 1000000 }')"

load_after="$(loadavg)"

# ---------------------------------------------------------------------------------------------------------------
write_results
