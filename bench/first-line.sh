#!/usr/bin/env bash
# The pipe's image's first line: how long after the container's start it comes, run exactly as Bitbucket runs a pipe
# (docker run --network host, the clone mounted, the variables handed over by name) on a no-change re-run of a small
# busybox FROM-scratch context, on the bed's private engine and ECR stand-in.
#
#   bash bench/first-line.sh [RUNS] [LABEL=IMAGE.tar|LABEL=NATIVE-BINARY ...]   # RUNS defaults to 9
#
# Without LABEL=IMAGE.tar arguments it builds the pipe's image from this tree (bash test/build-image.sh) and measures
# it alone. With them it measures each saved image (test/build-image.sh --save FILE), e.g. before=/tmp/a.tar
# after=/tmp/b.tar, or a native binary of the pipe (as `./mvnw package -Dnative` makes it where a GraalVM builder is;
# none is built here), run from an image made here of the bed's Debian base and the binary as its entrypoint,
# interleaved: every round runs each image once per variant (below), the order rotated every round. One run of each
# first, not counted, warms the engine's and the page cache's view of it.
#
# Each image runs twice a round: with only the pipe's variables, and with the context variables Bitbucket also hands
# a pipe (BITBUCKET_COMMIT, BITBUCKET_REPO_FULL_NAME, …), which switch on the Code Insights report: its HTTP client
# is made in the background from the start of the run (the report itself goes to a proxy that is not there on the
# bed, so the run ends with a warning; not timed here).
#
# Three figures a run, from the host's clock (bash's EPOCHREALTIME) and the engine's (State.StartedAt: set when the
# container's process has been started; the engine runs on this machine, so both are the same clock):
#   from the container's start: StartedAt to the moment the first line of the pipe's output (stdout or stderr)
#                               reaches `docker run` here — the figure the pipe's start-up target is about;
#   from `docker run`:          the moment `docker run` is called to that same line (what bench/pipe-vs-seed.sh
#                               calls start-up: it adds the engine's creating and starting the container);
#   the engine's part:          `docker run` called to StartedAt.
# The containers are not run with --rm (removed after each run instead, untimed) so that StartedAt can be read.
#
# Writes bench/results/<date>-first-line-<short commit>.md (the machine, the load average at each round, medians and
# ranges) and prints it. Talks only to 127.0.0.0/8. Stops everything it started, by PID, on every exit path.
set -euo pipefail
cd "$(dirname "$0")/.."

usage="usage: bash bench/first-line.sh [RUNS] [LABEL=IMAGE.tar|LABEL=NATIVE-BINARY ...]   (RUNS defaults to 9)"
runs=9
if [[ ${1:-} =~ ^[0-9]+$ ]]; then
  runs="$1"
  shift
fi
((runs >= 1)) || { printf '%s\n' "$usage" >&2; exit 2; }
labels=() tars=()
for arg in "$@"; do
  [[ $arg == ?*=?* ]] || { printf '%s\n' "$usage" >&2; exit 2; }
  labels+=("${arg%%=*}")
  tars+=("$(realpath -m "${arg#*=}")")
  [[ -f ${tars[-1]} ]] || { printf 'bench: no such file: %s\n' "${tars[-1]}" >&2; exit 2; }
done

# shellcheck source=bench/common.sh
source bench/common.sh
bench_start_bed

pipe_image="$(sed -n 's/^image:[[:space:]]*//p' pipe.yml | tr -d "\"'" | head -n 1)"
images=()
if ((${#tars[@]} == 0)); then
  log "building the pipe's image from this tree (bash test/build-image.sh)"
  bash test/build-image.sh >&2
  labels=("$(git rev-parse --short HEAD)")
  images=("$pipe_image")
else
  for i in "${!tars[@]}"; do
    if [[ $(head -c 4 "${tars[$i]}" | od -An -c | tr -d ' ') == 177ELF ]]; then
      bench_native_image "${tars[$i]}" "first-line/${labels[$i]}:bench"
      images+=("first-line/${labels[$i]}:bench")
      continue
    fi
    log "loading ${labels[$i]}: ${tars[$i]}"
    docker load -q -i "${tars[$i]}" >/dev/null || die "docker load -i ${tars[$i]} failed"
    docker image inspect "$pipe_image" >/dev/null 2>&1 || die "${tars[$i]} holds no $pipe_image"
    docker tag "$pipe_image" "first-line/${labels[$i]}:bench"
    docker rmi "$pipe_image" >/dev/null
    images+=("first-line/${labels[$i]}:bench")
  done
fi

bed_start_standin bench
registry="${IMAGE%%/*}"

work="$(mktemp -d /tmp/ecr-first-line.XXXXXX)"
chmod 755 "$work"
remove_work() { [[ -z $work ]] || rm -rf -- "$work"; work=""; }
bed_on_teardown remove_work

ctx="$work/ctx"
mkdir -p "$ctx"
cp /bin/busybox "$ctx/busybox"
printf 'FROM scratch\nCOPY busybox /bin/busybox\nCOPY stamp /stamp\nRUN ["/bin/busybox", "sh", "-c", "cat /stamp > /built"]\n' >"$ctx/Dockerfile"
echo "no-change" >"$ctx/stamp"
chmod -R a+rX "$ctx"

now_us() { REPLY="${EPOCHREALTIME//[!0-9]/}"; }
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2))}'; }
minmax() { printf '%s\n' "$@" | sort -n | awk 'NR==1 {lo=$1} {hi=$1} END {printf "%d–%d", lo, hi}'; }
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }

# Reads lines and writes them as "<µs since the epoch> <line>", ANSI colours removed.
shopt -s extglob
stamp_lines() {
  local line
  while IFS= read -r line || [[ -n $line ]]; do
    now_us
    printf '%s %s\n' "$REPLY" "${line//$'\e'\[*([0-9;])m/}"
  done
}

# The variants: every image, without and with Bitbucket's context variables.
modes=(pipe bitbucket)
variants=() variant_labels=()
for i in "${!images[@]}"; do
  for m in "${modes[@]}"; do
    variants+=("$i $m")
    variant_labels+=("${labels[$i]}$([[ $m == pipe ]] && echo ", the pipe's variables" || echo ", with Bitbucket's context variables")")
  done
done
# what Bitbucket hands a pipe besides its own variables (made-up values of the right shape)
bitbucket_env=(-e BITBUCKET_COMMIT=5eed0123456789abcdef0123456789abcdef0123 -e BITBUCKET_REPO_FULL_NAME=team/service
  -e BITBUCKET_BRANCH=main -e BITBUCKET_BUILD_NUMBER=42 -e BITBUCKET_WORKSPACE=team -e BITBUCKET_REPO_SLUG=service
  -e BITBUCKET_CLONE_DIR=/opt/atlassian/pipelines/agent/build -e CI=true
  -e BITBUCKET_PIPELINE_UUID='{8c0e1b7a-0000-4000-8000-000000000001}' -e BITBUCKET_STEP_UUID='{8c0e1b7a-0000-4000-8000-000000000002}')

declare -A FROM_START=() FROM_RUN=() ENGINE=() FIRST_TEXT=()
# run_once VARIANT COUNT(0|1): one run of a variant; COUNT=1 keeps its figures
run_once() {
  local v="$1" keep="$2" out="$work/run.log" cid_file="$work/cid" t0 rc=0 cid started started_us first_us i mode extra=()
  read -r i mode <<<"${variants[$v]}"
  [[ $mode == pipe ]] || extra=("${bitbucket_env[@]}")
  rm -f "$cid_file"
  now_us
  t0=$REPLY
  { TAGS=bench IMAGE="$registry/bench" docker run --cidfile "$cid_file" --network host \
      --add-host "host.docker.internal:$BED_DOCKER_HOST_INTERNAL" \
      -v "$ctx:/opt/atlassian/pipelines/agent/build" -w /opt/atlassian/pipelines/agent/build \
      -e DOCKER_HOST=tcp://host.docker.internal:2375 \
      -e AWS_KEY -e AWS_SECRET -e IMAGE -e TAGS -e AWS_ENDPOINT_URL -e BUILD_NETWORK "${extra[@]}" \
      "${images[$i]}" 2>&1 | stamp_lines >"$out"; } || rc=$?
  cid="$(cat "$cid_file" 2>/dev/null || true)"
  [[ -n $cid ]] || die "${variant_labels[$v]}: docker run wrote no container id"
  started="$(docker inspect -f '{{.State.StartedAt}}' "$cid")"
  docker rm "$cid" >/dev/null
  if ((rc != 0)) || ! grep -q '✔ Successfully pushed' "$out"; then
    cut -d' ' -f2- "$out" | sed 's/^/  | /' >&2
    die "${variant_labels[$v]}: the run failed (exit $rc)"
  fi
  started_us="$(date -d "$started" +%s%6N)"
  first_us="$(head -n 1 "$out" | cut -d' ' -f1)"
  ((keep)) || return 0
  FROM_START[$v]+="$(((first_us - started_us) / 1000)) "
  FROM_RUN[$v]+="$(((first_us - t0) / 1000)) "
  ENGINE[$v]+="$(((started_us - t0) / 1000)) "
  FIRST_TEXT[$v]="$(head -n 1 "$out" | cut -d' ' -f2-)"
}

log "warming up: one uncounted run of each variant"
for v in "${!variants[@]}"; do run_once "$v" 0; done

load_before="$(loadavg)"
started_at="$(date -u '+%Y-%m-%d %H:%M UTC')"
round_loads=()
for ((r = 0; r < runs; r++)); do
  round_loads+=("$(cut -d' ' -f1 /proc/loadavg)")
  for ((k = 0; k < ${#variants[@]}; k++)); do
    run_once $(((r + k) % ${#variants[@]})) 1
  done
  log "round $((r + 1))/$runs (load $(loadavg)): $(for v in "${!variants[@]}"; do
    read -ra f <<<"${FROM_START[$v]}"; printf '%s: %s ms; ' "${variant_labels[$v]}" "${f[-1]}"; done)"
done
load_after="$(loadavg)"

commit="$(git rev-parse --short HEAD)"
dirty=""
[[ -z "$(git status --porcelain --untracked-files=no -- . ':!bench/results' 2>/dev/null)" ]] || dirty=" (with uncommitted changes)"
results="bench/results/$(date -u +%Y-%m-%d)-first-line-$commit.md"
{
  printf '# The image'"'"'s first line, %s, commit %s%s\n\n' "$started_at" "$commit" "$dirty"
  printf '`bash bench/first-line.sh %s%s`: medians (min–max) of %d runs each, interleaved, the order rotated every round, after one uncounted run of each.\n\n' \
    "$runs" "$( ((${#tars[@]} == 0)) || for i in "${!labels[@]}"; do printf ' %s=%s' "${labels[$i]}" "$(basename "${tars[$i]}")"; done)" "$runs"
  printf '| machine | |\n|---|---|\n'
  printf '| CPU | %s, %s cores |\n' "$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)" "$(nproc)"
  printf '| memory | %s |\n| kernel | %s |\n' "$(awk '/^MemTotal:/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)" "$(uname -r)"
  printf '| load average (1, 5, 15 min) | before %s; after %s; 1-minute at each round: %s |\n' "$load_before" "$load_after" "${round_loads[*]}"
  printf '| Docker engine | %s, storage driver %s (the bed'"'"'s private dockerd) |\n\n' \
    "$(docker version -f '{{.Server.Version}}' 2>/dev/null)" "$(docker info -f '{{.Driver}}' 2>/dev/null)"
  printf '| image | first line, from the container'"'"'s start | from `docker run` | the engine: `docker run` to the start | the first line |\n|---|---|---|---|---|\n'
  for v in "${!variants[@]}"; do
    read -ra s <<<"${FROM_START[$v]}"
    read -ra d <<<"${FROM_RUN[$v]}"
    read -ra e <<<"${ENGINE[$v]}"
    printf '| %s | %d ms (%s) | %d ms (%s) | %d ms (%s) | `%s` |\n' "${variant_labels[$v]}" "$(median "${s[@]}")" "$(minmax "${s[@]}")" \
      "$(median "${d[@]}")" "$(minmax "${d[@]}")" "$(median "${e[@]}")" "$(minmax "${e[@]}")" "${FIRST_TEXT[$v]}"
  done
  printf '\nEvery run, from the container'"'"'s start (ms), in the order run:\n\n'
  for v in "${!variants[@]}"; do printf -- '- %s: %s\n' "${variant_labels[$v]}" "${FROM_START[$v]% }"; done
  printf '\nThe container'"'"'s start is the engine'"'"'s State.StartedAt (set once the container'"'"'s process has been started); the first line'"'"'s time is when `docker run` handed it to this script, so it includes the engine'"'"'s log stream. Target: ≤ 250 ms from the container'"'"'s start.\n'
} >"$results"
cat "$results"
log "written to $results"
