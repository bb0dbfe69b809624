#!/usr/bin/env bash
# Benchmark: the seed tutorial's hand-written step (AWS CLI login → docker login → docker build → docker push)
# against the pipe (packaged jar), on the same bed: the same engine, registry and ECR stand-in, the same build
# context, runs interleaved. Each run changes one file of the context, so every run builds a new layer and
# pushes it (the base layer is cached after the first run, as on a step that reuses its docker cache).
# Prints a table of medians and the ratio. Talks only to loopback addresses (the registry host,
# 123456789012.dkr.ecr.ap-southeast-1.amazonaws.com, is one in the bed engine's private /etc/hosts).
# Stops everything it started.
#
#   bash bench/seed-vs-pipe.sh [RUNS]      # default 7
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
runs="${1:-7}"
# shellcheck source=test/bed.sh
source test/bed.sh

bed_install_packages
command -v aws >/dev/null 2>&1 || bed_install_packages awscli
command -v docker >/dev/null 2>&1 || bed_install_packages docker.io
bed_install_traps
bed_start_engine

./mvnw -B -q package -DskipTests
cp="$(bash test/bed-classpath.sh)"
java_bin="$(command -v java)"
key="AKIABENCH00000000000"
secret="$(head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')"
work="$(mktemp -d /tmp/ecr-bench.XXXXXX)"

bed_main_pid=""
stop_bench() {
  [[ -z $bed_main_pid ]] || { kill -TERM "$bed_main_pid" 2>/dev/null || true; wait "$bed_main_pid" 2>/dev/null || true; }
  bed_main_pid=""
  rm -rf -- "$work"
}
BED_TEARDOWN_FIRST+=(stop_bench)

"$java_bin" -Djava.util.logging.manager=org.jboss.logmanager.LogManager -cp "$cp" org.ecrpushpipe.testbed.BedMain \
  serve --access-key "$key" --secret-key "$secret" --repository bench </dev/null >"$work/bed.out" 2>"$work/bed.err" &
bed_main_pid=$!
for _ in $(seq 1 150); do grep -q '^READY$' "$work/bed.out" 2>/dev/null && break; sleep 0.2; done
grep -q '^READY$' "$work/bed.out" || { cat "$work/bed.err" >&2; bed_die "the ECR stand-in did not start"; }
endpoint="$(sed -n 's/^AWS_ENDPOINT_URL=//p' "$work/bed.out")"
registry="$(sed -n 's/^REGISTRY=//p' "$work/bed.out")"
region="$(sed -n 's/^AWS_REGION=//p' "$work/bed.out")"

ctx="$work/ctx"
mkdir -p "$ctx"
cp /bin/busybox "$ctx/busybox"
printf 'FROM scratch\nCOPY busybox /bin/busybox\nCOPY stamp /stamp\nRUN ["/bin/busybox", "sh", "-c", "cat /stamp > /built"]\n' >"$ctx/Dockerfile"

# The seed's step, with get-login-password (get-login is gone from AWS CLI v2) and the classic builder.
seed_step() {
  local tag="$1" cfg="$work/docker-config"
  mkdir -p "$cfg"
  AWS_ACCESS_KEY_ID="$key" AWS_SECRET_ACCESS_KEY="$secret" AWS_DEFAULT_REGION="$region" \
    aws ecr get-login-password --endpoint-url "$endpoint" |
    docker --config "$cfg" login --username AWS --password-stdin "$registry" >/dev/null 2>&1
  (cd "$ctx" && DOCKER_BUILDKIT=0 docker --config "$cfg" build -q --network host -t "$registry/bench:$tag" . >/dev/null)
  docker --config "$cfg" push -q "$registry/bench:$tag" >/dev/null
  rm -rf "$cfg"   # the seed leaves the password in this file; the benchmark does not
}

# $2: extra JVM flags (none: plain `java -jar`)
pipe_step() {
  local tag="$1" flags
  read -ra flags <<<"${2:-}"
  (cd "$ctx" && env -i AWS_KEY="$key" AWS_SECRET="$secret" AWS_REGION="$region" IMAGE=bench TAGS="$tag" \
    AWS_ENDPOINT_URL="$endpoint" DOCKER_HOST="$DOCKER_HOST" NO_COLOR=1 \
    "$java_bin" "${flags[@]}" -jar "$root/target/quarkus-app/quarkus-run.jar" >"$work/pipe.log" 2>&1) ||
    { cat "$work/pipe.log" >&2; bed_die "the pipe failed"; }
}

now_ms() { date +%s%3N; }
# start-up flags a JVM image would run with (toolchain.md: C1 only and the serial GC start fastest)
fast_flags="-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"
seed_times=() pipe_times=() fast_times=()
printf 'warming up (one run each, not counted)\n' >&2
head -c 16 /dev/urandom | base64 >"$ctx/stamp"; seed_step warm-seed
head -c 16 /dev/urandom | base64 >"$ctx/stamp"; pipe_step warm-pipe
for i in $(seq 1 "$runs"); do
  head -c 16 /dev/urandom | base64 >"$ctx/stamp"
  t0=$(now_ms); seed_step "seed-$i"; seed_times+=($(($(now_ms) - t0)))
  head -c 16 /dev/urandom | base64 >"$ctx/stamp"
  t0=$(now_ms); pipe_step "pipe-$i"; pipe_times+=($(($(now_ms) - t0)))
  head -c 16 /dev/urandom | base64 >"$ctx/stamp"
  t0=$(now_ms); pipe_step "fast-$i" "$fast_flags"; fast_times+=($(($(now_ms) - t0)))
  printf 'run %d/%d: seed %d ms, pipe %d ms, pipe with start-up flags %d ms\n' "$i" "$runs" \
    "${seed_times[-1]}" "${pipe_times[-1]}" "${fast_times[-1]}" >&2
done

median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
ms=$(median "${seed_times[@]}")
mp=$(median "${pipe_times[@]}")
printf '\n| step (%d runs, interleaved) | median | min | max |\n|---|---|---|---|\n' "$runs"
printf '| seed script: aws + docker login/build/push | %d ms | %d ms | %d ms |\n' "$ms" \
  "$(printf '%s\n' "${seed_times[@]}" | sort -n | head -1)" "$(printf '%s\n' "${seed_times[@]}" | sort -n | tail -1)"
printf '| ecr-push-pipe (JVM jar) | %d ms | %d ms | %d ms |\n' "$mp" \
  "$(printf '%s\n' "${pipe_times[@]}" | sort -n | head -1)" "$(printf '%s\n' "${pipe_times[@]}" | sort -n | tail -1)"
mf=$(median "${fast_times[@]}")
printf '| ecr-push-pipe (JVM jar, %s) | %d ms | %d ms | %d ms |\n' "$fast_flags" "$mf" \
  "$(printf '%s\n' "${fast_times[@]}" | sort -n | head -1)" "$(printf '%s\n' "${fast_times[@]}" | sort -n | tail -1)"
awk -v p="$mp" -v f="$mf" -v s="$ms" 'BEGIN { printf "\npipe / seed = %.2f, with start-up flags %.2f (below 1: the pipe is faster)\n", p / s, f / s }'
