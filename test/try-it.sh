#!/usr/bin/env bash
# Try the pipe end to end on this machine: starts the test bed (a private Docker engine that resolves ECR host
# names to the bed, a real registry, and the ECR stand-in in front of it), builds the pipe's image with the one
# command a publisher runs (test/build-image.sh), runs that image the way Bitbucket runs a pipe on the bundled
# Apache example with the seed tutorial's Dockerfile and variables (IMAGE its full repository URI), then pulls
# the pushed image back by digest, runs it and prints the page it serves: Hello World!
# Stops everything it started on every exit path.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=test/bed.sh
source test/bed.sh

# shellcheck disable=SC2119 # no arguments: install what bed_needed_packages lists
bed_install_packages
bed_install_traps
bed_start_engine

bed_log "building the pipe's image (bash test/build-image.sh, on this engine)"
bash test/build-image.sh
pipe_image="$(sed -n 's/^image:[[:space:]]*//p' pipe.yml | tr -d "\"'" | head -n 1)"
cp="$(bash test/bed-classpath.sh)"
java_bin="$(command -v java)"
# the test classes log through JBoss LogManager, as under Maven
jul=(-Djava.util.logging.manager=org.jboss.logmanager.LogManager)

repository="ayush-sharma-testing"
release_tag="ecr-release-0.1.0"
work="$(mktemp -d /tmp/ecr-try-it.XXXXXX)"
remove_work() { rm -rf -- "$work"; }
bed_on_teardown remove_work

# exports AWS_ENDPOINT_URL, AWS_KEY, AWS_SECRET, AWS_REGION and IMAGE (the full URI of the repository)
bed_start_standin "$repository"
[[ $IMAGE == "123456789012.dkr.ecr.ap-southeast-1.amazonaws.com/$repository" ]] ||
  bed_die "the stand-in named IMAGE=$IMAGE, not the seed tutorial's URI"

bed_log "making the local Debian base image (once; about 30 s the first time)"
base="$("$java_bin" "${jul[@]}" -cp "$cp" org.ecrpushpipe.testbed.BedMain debian-base)"
mkdir -p "$work/repo"
cp -r examples/apache/. "$work/repo/"
sed -i "s|^FROM debian:bookworm\$|FROM $base|" "$work/repo/Dockerfile"

bed_log "running $pipe_image the way Bitbucket runs a pipe, in the clone, with the seed's variables (IMAGE=$IMAGE)"
rc=0
# the clone as Bitbucket mounts it, the engine as Bitbucket names it, the variables handed over by name
BITBUCKET_TAG="$release_tag" docker run --rm --network host \
  --add-host "host.docker.internal:$BED_DOCKER_HOST_INTERNAL" \
  --volume="$work/repo:/opt/atlassian/pipelines/agent/build" --workdir=/opt/atlassian/pipelines/agent/build \
  --env=DOCKER_HOST=tcp://host.docker.internal:2375 --env=AWS_KEY --env=AWS_SECRET --env=IMAGE \
  --env=BITBUCKET_TAG --env=AWS_ENDPOINT_URL --env=BUILD_NETWORK "$pipe_image" | tee "$work/pipe.log" || rc=$?
if ! grep -q "Successfully pushed $IMAGE:$release_tag" "$work/pipe.log"; then
  bed_die "the pipe did not push $IMAGE:$release_tag (exit $rc)"
fi
digest="$(grep -o 'sha256:[0-9a-f]\{64\}' "$work/pipe.log" | tail -n 1)"

bed_log "pulling $IMAGE@$digest back, running it, and asking it for its page"
page="$("$java_bin" "${jul[@]}" -cp "$cp" org.ecrpushpipe.testbed.BedMain check --api-endpoint "$AWS_ENDPOINT_URL" \
  --region "$AWS_REGION" --access-key "$AWS_KEY" --secret-key "$AWS_SECRET" --image "$IMAGE" --digest "$digest" \
  --tag "$release_tag")"
printf 'The image answers: %s\n' "$page"
[[ $page == "Hello World!" ]]
