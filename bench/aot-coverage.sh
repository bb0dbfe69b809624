#!/usr/bin/env bash
# What the pipe image's AOT cache covers: each path a common run takes, run once in its own container with the
# image's own java and flags plus -Xlog:class+load, counting the classes the JVM loaded from the cache and those it
# loaded cold (parsed and verified from the jars), for one or more images side by side (e.g. an image built before a
# change of test/build-image.sh's training, and the one after).
#
#   bash bench/aot-coverage.sh [SAVED…]
#
# builds pipe.yml's image here (bash test/build-image.sh, in the bed's private engine) and measures it, after the
# images of SAVED files (`docker save` output, e.g. of `bash test/build-image.sh --save FILE` at another commit)
# loaded into that engine.
#
# The paths, in this order, each in a fresh process as a real run is:
#   buildkit   BuildKit, a new layer pushed          classic    the classic builder, a new layer, two tags
#   rerun      the same unchanged (nothing to push)   cache      buildkit's images removed from the engine: pulled
#   promote    SOURCE_TAG, nothing built              mirror     BuildKit, a new layer, MIRROR_REGIONS
#   secret     BuildKit with a build secret (BUILD_SECRETS)
# Cold classes are split into Picocli's (Java 5 class files, which no AOT cache can hold), the JVM's own hidden
# classes (lambda forms, lambdas of classes a custom class loader defined: not archived either), and the rest: the
# rest is what the training can still improve.
#
# The bed: the bed's private engine, and org.ecrpushpipe.testbed.TrainingBedMain's registries and ECR stand-ins of
# two regions behind HTTPS on 127.0.0.1 (the same bed test/build-image.sh trains on, with other repositories).
# Loopback only. Writes bench/results/<date>-aot-coverage-<short commit>.md and prints it. Stops what it started.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/common.sh
source bench/common.sh

for saved in "$@"; do [[ -f $saved ]] || die "no such file: $saved (docker save output)"; done
bench_start_bed
images=()
for saved in "$@"; do
  loaded="$(docker load -i "$saved" | sed -n 's/^Loaded image: //p' | head -n 1)"
  [[ -n $loaded ]] || die "$saved holds no tagged image"
  images+=("$loaded")
done
log "building the pipe's image (bash test/build-image.sh)"
bash test/build-image.sh >&2
images+=("$(sed -n 's/^image:[[:space:]]*//p' pipe.yml | tr -d "\"'" | head -n 1)")

work="$(mktemp -d /tmp/ecr-aot-coverage.XXXXXX)"
chmod 755 "$work"
bed_pid=""
stop_coverage() {
  if [[ -n $bed_pid ]]; then
    kill -TERM "$bed_pid" 2>/dev/null || true
    wait "$bed_pid" 2>/dev/null || true
    bed_pid=""
  fi
  [[ -z $work ]] || rm -rf -- "$work"
  work=""
}
bed_on_teardown stop_coverage

key="AKIACOVERAGEBENCH000"
secret="$(head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')"
cp="$(bash test/bed-classpath.sh)"
mkfifo "$work/bed.out"
BED_ACCESS_KEY="$key" BED_SECRET_KEY="$secret" java -Djava.util.logging.manager=org.jboss.logmanager.LogManager \
  -cp "$cp" org.ecrpushpipe.testbed.TrainingBedMain coverage </dev/null >"$work/bed.out" 2>"$work/bed.err" &
bed_pid=$!
exec {bed_out}<"$work/bed.out"
endpoint="" region="" mirror_region="" registry_host="" trust_store=""
while IFS= read -r -t 120 line <&"$bed_out"; do
  [[ $line == READY ]] && break
  case "$line" in
    AWS_ENDPOINT_URL=*) endpoint="${line#*=}" ;;
    AWS_REGION=*) region="${line#*=}" ;;
    MIRROR_REGION=*) mirror_region="${line#*=}" ;;
    REGISTRY_HOST=*) registry_host="${line#*=}" ;;
    TRUST_STORE=*) trust_store="${line#*=}" ;;
  esac
done
[[ -n $endpoint && -n $mirror_region && -n $registry_host ]] ||
  { cat "$work/bed.err" >&2; die "the bed (TrainingBedMain) did not start"; }

# contexts: a plain one, and one whose RUN mounts a secret
mkdir -p "$work/ctx" "$work/secret" "$work/out"
chmod 777 "$work/out"
for d in ctx secret; do cp /bin/busybox "$work/$d/busybox"; done
printf '%s\n' 'FROM scratch' 'COPY busybox /bin/busybox' 'COPY stamp /stamp' \
  'RUN ["/bin/busybox", "sh", "-c", "cat /stamp > /built"]' >"$work/ctx/Dockerfile"
printf '%s\n' 'FROM scratch' 'COPY busybox /bin/busybox' 'COPY stamp /stamp' \
  'RUN --mount=type=secret,id=token ["/bin/busybox", "sh", "-c", "test -s /run/secrets/token && cat /stamp > /built"]' \
  >"$work/secret/Dockerfile"
new_stamp() { head -c 16 /dev/urandom | base64 >"$work/$1/stamp"; chmod -R a+rX "$work/$1"; }
token="$(head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')"

# run_path IMAGE N PATH: one run of PATH in the image, its classes logged; prints "total cold picocli hidden"
run_path() {
  local image="$1" n="$2" path="$3" entry java args=() repo="coverage" tag="$2-$3" dir="$work/ctx" vars=()
  mapfile -t entry < <(docker image inspect -f '{{range .Config.Entrypoint}}{{println .}}{{end}}' "$image" | sed '/^$/d')
  java="${entry[0]}"
  local count=${#entry[@]}
  # the image's flags, the class-load log and the trust store before -jar JAR
  args=("${entry[@]:1:count-3}" "-Xlog:class+load=info:file=/out/classes.txt"
    "-Djavax.net.ssl.trustStore=/trust.p12" "-Djavax.net.ssl.trustStorePassword=changeit" "${entry[@]:count-2}")
  case "$path" in
    buildkit) new_stamp ctx ;;
    classic) new_stamp ctx; vars=(BUILDER=classic "TAGS=$tag $tag-b") ;;
    rerun) vars=(BUILDER=classic "TAGS=$n-classic $n-classic-b") ;;
    cache)
      tag="$n-buildkit"
      # the image and, under BuildKit, the repository's cache image, which the registry cache pulls instead
      docker image rm -f "$registry_host/$repo:$tag" "$registry_host/$repo:cache" >/dev/null ;;
    promote) vars=(SOURCE_TAG="$n-buildkit") ;;
    mirror) new_stamp ctx; vars=(MIRROR_REGIONS="$mirror_region") ;;
    secret) dir="$work/secret"; new_stamp secret; vars=(BUILD_SECRETS=id=token,env=COVERAGE_TOKEN) ;;
  esac
  rm -f "$work/out/classes.txt"
  local env_args=() v
  for v in "${vars[@]}"; do env_args+=(-e "$v"); done
  AWS_KEY="$key" AWS_SECRET="$secret" AWS_REGION="$region" IMAGE="$repo" TAGS="$tag" AWS_ENDPOINT_URL="$endpoint" \
    COVERAGE_TOKEN="$token" docker run --rm --network host -v "$dir:$dir" -w "$dir" -v "$work/out:/out" \
    -v "$trust_store:/trust.p12:ro" -e AWS_KEY -e AWS_SECRET -e AWS_REGION -e IMAGE -e TAGS -e AWS_ENDPOINT_URL \
    -e COVERAGE_TOKEN -e DOCKER_HOST="$DOCKER_HOST" -e NO_COLOR=1 -e BUILD_NETWORK=host "${env_args[@]}" \
    --entrypoint "$java" "$image" "${args[@]}" >"$work/run.log" 2>&1 ||
    { sed 's/^/  | /' "$work/run.log" >&2; die "$image: the $path run failed"; }
  case "$path" in
    promote) grep -q '^Promoted\|Promoted ' "$work/run.log" || { cat "$work/run.log" >&2; die "$path: no promotion"; } ;;
    cache) grep -q 'Registry cache: pulling' "$work/run.log" || { cat "$work/run.log" >&2; die "$path: nothing pulled"; } ;;
    rerun) grep -q 'Successfully pushed' "$work/run.log" || { cat "$work/run.log" >&2; die "$path: nothing pushed"; } ;;
  esac
  awk '
    /class,load/ {
      total++
      if ($0 ~ /source: shared objects file/) next
      cold++
      if ($0 ~ /info\.picocli/) picocli++
      else if ($0 ~ /source: (__JVM_LookupDefineClass__|__dynamic_proxy__|[a-zA-Z_$][a-zA-Z0-9_$.]*$)/ && $0 !~ /source: (jrt|file|jar):/) hidden++
    }
    END { printf "%d %d %d %d\n", total, cold, picocli, hidden }' "$work/out/classes.txt"
  # the other cold classes, for the results file
  grep 'class,load' "$work/out/classes.txt" | grep -v 'source: shared objects file' | grep -E 'source: (jrt|file|jar):' |
    grep -v 'info\.picocli' | awk '{ print $2 }' >"$work/cold-$n-$path.txt" || true
}

paths=(buildkit classic rerun cache promote mirror secret)
declare -A RESULT=()
for ((i = 0; i < ${#images[@]}; i++)); do
  image="${images[i]}"
  log "$image: $(docker image inspect -f '{{.Id}}' "$image" | cut -c1-19)"
  for path in "${paths[@]}"; do
    RESULT["$i|$path"]="$(run_path "$image" "i$i" "$path")"
    log "$image $path: ${RESULT["$i|$path"]} (classes, cold, of them Picocli's and hidden)"
  done
done

commit="$(git rev-parse --short HEAD)"
mkdir -p bench/results
results="bench/results/$(date -u +%F)-aot-coverage-$commit.md"
{
  printf '# What the AOT cache covers, path by path, commit %s\n\n' "$commit"
  printf '`bash bench/aot-coverage.sh %s`, %s. Each path one run in a fresh container of the image (its own java and flags, plus `-Xlog:class+load`), on the bed'"'"'s engine against the registries and ECR stand-ins of two regions behind HTTPS on 127.0.0.1 (`TrainingBedMain`). Load average %s.\n\n' \
    "${images[*]}" "$(date -u '+%F %H:%M UTC')" "$(cut -d' ' -f1-3 /proc/loadavg)"
  printf 'Classes loaded, and of them loaded cold (not from the AOT cache): Picocli'"'"'s (Java 5 class files, which no cache holds), hidden classes (lambdas of classes Quarkus'"'"' class loader defines, lambda forms: not archived), and the others — what training can still cover.\n\n'
  printf '| path |'
  for image in "${images[@]}"; do printf ' %s: loaded / cold / Picocli / hidden / **others** |' "$image"; done
  printf '\n|---|'
  for _ in "${images[@]}"; do printf -- '---|'; done
  printf '\n'
  for path in "${paths[@]}"; do
    printf '| %s |' "$path"
    for ((i = 0; i < ${#images[@]}; i++)); do
      read -r total cold picocli hidden <<<"${RESULT["$i|$path"]}"
      printf ' %d / %d / %d / %d / **%d** |' "$total" "$cold" "$picocli" "$hidden" $((cold - picocli - hidden))
    done
    printf '\n'
  done
  printf '\nThe paths: buildkit (BuildKit, a new layer pushed), classic (the classic builder, a new layer, two tags), rerun (the classic run again unchanged: nothing new to push), cache (the buildkit run'"'"'s image removed from the engine, so the registry cache pulls it first), promote (`SOURCE_TAG`: tags added on the registry'"'"'s side, nothing built), mirror (BuildKit, a new layer, `MIRROR_REGIONS`), secret (BuildKit with `BUILD_SECRETS`).\n\n'
  for ((i = 0; i < ${#images[@]}; i++)); do
    printf 'Other cold classes of %s, by path (first 12 each):\n\n' "${images[i]}"
    for path in "${paths[@]}"; do
      printf -- '- %s: %s\n' "$path" "$(head -n 12 "$work/cold-i$i-$path.txt" | paste -sd' ' | sed 's/ /, /g')"
    done
    printf '\n'
  done
} >"$results"
cat "$results"
log "written to $results"
