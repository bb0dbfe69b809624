#!/usr/bin/env bash
# Benchmark: the pipe's JVM image with and without its AOT cache, on the test bed. Builds the image with
# test/build-image.sh (keeping the image as it was before training, <image>-no-aot: the same layers and flags,
# no cache file, so the JVM runs without one exactly as with a stale cache), then times, interleaved:
#   - `docker run IMAGE --help` (RUNS times, default 7);
#   - a no-change re-run (same busybox context, same tag, nothing new to push) through the image against the
#     ECR stand-in behind HTTPS (RERUNS times, default 5), after one run that pushes;
#   - `docker run` of a static busybox `true` in the same image, the engine's own cost of a container, to
#     subtract when comparing with a JVM outside a container.
# Prints medians. Talks only to 127.0.0.1. Stops everything it started.
#
#   bash bench/image-startup.sh [RUNS] [RERUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-7}" reruns="${2:-5}"
# shellcheck source=test/bed.sh
source test/bed.sh

bed_install_packages
command -v docker >/dev/null 2>&1 || bed_install_packages docker.io
bed_install_traps
bed_start_engine

bash test/build-image.sh --keep-no-aot
image="$(sed -n 's/^image:[[:space:]]*//p' pipe.yml | tr -d "\"'" | head -n 1)"
cp="$(bash test/bed-classpath.sh)"
key="AKIABENCHIMAGE000000"
secret="$(head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')"
work="$(mktemp -d /tmp/ecr-bench-image.XXXXXX)"
chmod 755 "$work"

bed_main_pid=""
stop_bench() {
  [[ -z $bed_main_pid ]] || { kill -TERM "$bed_main_pid" 2>/dev/null || true; wait "$bed_main_pid" 2>/dev/null || true; }
  bed_main_pid=""
  docker rmi "$image-no-aot" >/dev/null 2>&1 || true
  rm -rf -- "$work"
}
BED_TEARDOWN_FIRST+=(stop_bench)

BED_ACCESS_KEY="$key" BED_SECRET_KEY="$secret" java -Djava.util.logging.manager=org.jboss.logmanager.LogManager \
  -cp "$cp" org.ecrpushpipe.testbed.TrainingBedMain bench </dev/null >"$work/bed.out" 2>"$work/bed.err" &
bed_main_pid=$!
for _ in $(seq 1 300); do grep -q '^READY$' "$work/bed.out" 2>/dev/null && break; sleep 0.2; done
grep -q '^READY$' "$work/bed.out" || { cat "$work/bed.err" >&2; bed_die "the ECR stand-in did not start"; }
endpoint="$(sed -n 's/^AWS_ENDPOINT_URL=//p' "$work/bed.out")"
region="$(sed -n 's/^AWS_REGION=//p' "$work/bed.out")"
trust_store="$(sed -n 's/^TRUST_STORE=//p' "$work/bed.out")"

ctx="$work/ctx"
mkdir -p "$ctx"
cp /bin/busybox "$ctx/busybox"
head -c 16 /dev/urandom | base64 >"$ctx/stamp"
printf 'FROM scratch\nCOPY busybox /bin/busybox\nCOPY stamp /stamp\nRUN ["/bin/busybox", "sh", "-c", "cat /stamp > /built"]\n' >"$ctx/Dockerfile"
chmod -R a+rX "$ctx"

now_ms() { date +%s%3N; }
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

help_run() { docker run --rm --network none "$1" --help >/dev/null; }
# busybox runs the applet its file is named after: mounted as /true it is `true`.
container_run() { docker run --rm --network none -v /bin/busybox:/true:ro --entrypoint /true "$1"; }
# The pipe's step as Bitbucket runs it; the stand-in's certificate is trusted through JAVA_TOOL_OPTIONS.
pipe_run() {
  (cd "$ctx" && AWS_KEY="$key" AWS_SECRET="$secret" AWS_REGION="$region" IMAGE=bench TAGS=rerun \
    AWS_ENDPOINT_URL="$endpoint" NO_COLOR=1 \
    JAVA_TOOL_OPTIONS="-Djavax.net.ssl.trustStore=/bench-trust.p12 -Djavax.net.ssl.trustStorePassword=changeit" \
    docker run --rm --network host -v "$ctx:$ctx" -w "$ctx" -v "$trust_store:/bench-trust.p12:ro" \
    -e AWS_KEY -e AWS_SECRET -e AWS_REGION -e IMAGE -e TAGS -e AWS_ENDPOINT_URL -e NO_COLOR -e JAVA_TOOL_OPTIONS \
    -e DOCKER_HOST="$DOCKER_HOST" "$1" >"$work/pipe.log" 2>&1) ||
    { cat "$work/pipe.log" >&2; bed_die "the pipe failed in $1"; }
  grep -q '✔' "$work/pipe.log" || { cat "$work/pipe.log" >&2; bed_die "the pipe printed no ✔ in $1"; }
}
timed() { local t0; t0=$(now_ms); "$@"; echo $(($(now_ms) - t0)); }

printf 'warming up (one run each, not counted; the first run pushes)\n' >&2
help_run "$image"; help_run "$image-no-aot"; container_run "$image"
pipe_run "$image"; pipe_run "$image-no-aot"

help_aot=() help_none=() base=() rerun_aot=() rerun_none=()
for i in $(seq 1 "$runs"); do
  help_aot+=("$(timed help_run "$image")")
  help_none+=("$(timed help_run "$image-no-aot")")
  base+=("$(timed container_run "$image")")
  printf 'help %d/%d: with cache %d ms, without %d ms, empty container %d ms\n' "$i" "$runs" \
    "${help_aot[-1]}" "${help_none[-1]}" "${base[-1]}" >&2
done
for i in $(seq 1 "$reruns"); do
  rerun_aot+=("$(timed pipe_run "$image")")
  rerun_none+=("$(timed pipe_run "$image-no-aot")")
  printf 'no-change re-run %d/%d: with cache %d ms, without %d ms\n' "$i" "$reruns" "${rerun_aot[-1]}" "${rerun_none[-1]}" >&2
done

size() { docker image inspect -f '{{.Size}}' "$1" | awk '{printf "%.1f MB", $1 / 1000000}'; }
printf '\n| %s (storage driver %s) | with AOT cache | without |\n|---|---|---|\n' "$image" \
  "$(docker info -f '{{.Driver}}')"
printf '| image size | %s | %s |\n' "$(size "$image")" "$(size "$image-no-aot")"
# shellcheck disable=SC2016 # backquotes are Markdown here
printf '| `docker run IMAGE --help`, median of %d | %d ms | %d ms |\n' "$runs" "$(median "${help_aot[@]}")" "$(median "${help_none[@]}")"
printf '| no-change re-run through the image, median of %d | %d ms | %d ms |\n' "$reruns" "$(median "${rerun_aot[@]}")" "$(median "${rerun_none[@]}")"
# shellcheck disable=SC2016 # backquotes are Markdown here
printf '| `docker run` of busybox true in the image (no JVM), median of %d | %d ms | |\n' "$runs" "$(median "${base[@]}")"
