#!/bin/sh
# Runs a command of this repository in a privileged Debian 12 container (.ci/Dockerfile) on the Docker engine the
# step has (DOCKER_HOST), the clone mounted at its own path and the step's network shared: how the pipe's own
# pipeline (bitbucket-pipelines.yml, runtime v3) gives test/run-tests.sh and release/release.sh the root and the
# mount namespace that test/bed.sh's private engine needs, which a step's own container cannot have.
#
#   sh .ci/privileged.sh COMMAND...        e.g. sh .ci/privileged.sh bash test/run-tests.sh
#
# POSIX sh: the step's image (docker:28-cli) has no bash. The release's variables go in by name, and only when set;
# host.docker.internal (where Pipelines' git proxy listens) resolves inside as it does in the step.
set -eu
cd "$(dirname "$0")/.."
clone="$(pwd)"
docker build -q -t ecr-push-pipe-ci -f .ci/Dockerfile .ci >/dev/null
exec docker run --rm --privileged --network host \
  ${BITBUCKET_DOCKER_HOST_INTERNAL:+--add-host "host.docker.internal:$BITBUCKET_DOCKER_HOST_INTERNAL"} \
  -v "$clone:$clone" -w "$clone" \
  -e RELEASE_REGISTRY_USERNAME -e RELEASE_REGISTRY_PASSWORD \
  ecr-push-pipe-ci "$@"
