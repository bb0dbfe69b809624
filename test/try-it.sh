#!/usr/bin/env bash
# Try the pipe end to end on this machine: builds it, starts the test bed (a private Docker engine unless
# DOCKER_HOST already reaches one, a real registry, and the ECR stand-in in front of it), runs the packaged
# pipe on the bundled Apache example (the seed tutorial's Dockerfile and variables), then pulls the pushed
# image back by digest, runs it and prints the page it serves: Hello World!
# Stops everything it started on every exit path.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
# shellcheck source=test/bed.sh
source test/bed.sh

bed_install_packages
bed_install_traps
bed_start_engine

bed_log "building the pipe (./mvnw package -DskipTests)"
./mvnw -B -q package -DskipTests
cp="$(bash test/bed-classpath.sh)"
java_bin="$(command -v java)"
# the test classes log through JBoss LogManager, as under Maven
jul=(-Djava.util.logging.manager=org.jboss.logmanager.LogManager)

key="AKIATRYIT00000000000"
secret="$(head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')"
repository="ayush-sharma-testing"
release_tag="ecr-release-0.1.0"
work="$(mktemp -d /tmp/ecr-try-it.XXXXXX)"

# The registry and the stand-in run as one child process; SIGTERM makes it stop both.
bed_main_pid=""
stop_bed_main() {
  [[ -n $bed_main_pid ]] || return 0
  kill -TERM "$bed_main_pid" 2>/dev/null || true
  wait "$bed_main_pid" 2>/dev/null || true
  bed_main_pid=""
  rm -rf -- "$work"
}
BED_TEARDOWN_FIRST+=(stop_bed_main)

mkfifo "$work/out"
"$java_bin" "${jul[@]}" -cp "$cp" org.ecrpushpipe.testbed.BedMain serve --access-key "$key" --secret-key "$secret" \
  --repository "$repository" </dev/null >"$work/out" &
bed_main_pid=$!
exec {bed_out}<"$work/out"
while IFS= read -r -t 60 line <&"$bed_out"; do
  [[ $line == READY ]] && break
  case "$line" in
    AWS_ENDPOINT_URL=*) endpoint="${line#*=}" ;;
    REGISTRY=*) registry="${line#*=}" ;;
    AWS_REGION=*) region="${line#*=}" ;;
  esac
done
[[ -n ${endpoint:-} && -n ${registry:-} ]] || bed_die "the ECR stand-in did not start"
bed_log "ECR stand-in at $endpoint, its registry at $registry"

bed_log "making the local Debian base image (once; about 30 s the first time)"
base="$("$java_bin" "${jul[@]}" -cp "$cp" org.ecrpushpipe.testbed.BedMain debian-base)"
mkdir -p "$work/repo"
cp -r examples/apache/. "$work/repo/"
sed -i "s|^FROM debian:bookworm\$|FROM $base|" "$work/repo/Dockerfile"

bed_log "running the pipe the way Bitbucket would, in the clone, with the seed's variables"
rc=0
(cd "$work/repo" && env -i AWS_KEY="$key" AWS_SECRET="$secret" AWS_REGION="$region" IMAGE="$repository" \
  BITBUCKET_TAG="$release_tag" AWS_ENDPOINT_URL="$endpoint" DOCKER_HOST="$DOCKER_HOST" \
  "$java_bin" -jar "$root/target/quarkus-app/quarkus-run.jar") | tee "$work/pipe.log" || rc=$?
if ! grep -q "Successfully pushed" "$work/pipe.log"; then
  bed_die "the pipe did not push (exit $rc)"
fi
digest="$(grep -o 'sha256:[0-9a-f]\{64\}' "$work/pipe.log" | tail -n 1)"

bed_log "pulling $registry/$repository@$digest back, running it, and asking it for its page"
page="$("$java_bin" "${jul[@]}" -cp "$cp" org.ecrpushpipe.testbed.BedMain check --api-endpoint "$endpoint" --region "$region" \
  --access-key "$key" --secret-key "$secret" --image "$registry/$repository" --digest "$digest" --tag "$release_tag")"
printf 'The image answers: %s\n' "$page"
[[ $page == "Hello World!" ]]
