#!/usr/bin/env bash
# Releases the pipe from the branch checked out, the way its own pipeline does on main (bitbucket-pipelines.yml):
#
#   bash release/release.sh [--version X.Y.Z] [--pull-bases] [--stand-in-bases] [--dry-run]
#
#   --version X.Y.Z   release this version instead of the one the change entries ask for (at least that one;
#                     e.g. --version 1.0.0 from 0.1.0 when the entries are only minor and patch)
#   --pull-bases      docker pull the Dockerfile's public bases first (the pipeline does: the image is published)
#   --stand-in-bases  build on whatever bases the engine holds, stand-ins of test/build-image.sh included (a release
#                     into a registry of your own without Docker Hub, as the test of this script does); without
#                     it, a base the engine lacks or holds as a stand-in stops the release before anything changes
#   --dry-run         check everything below up to the engine, print the version it would release, change nothing
#
# In order, each step only when the ones before succeeded:
#   1. checks, changing nothing: a branch is checked out and the tree is clean; .changes/next-release holds change
#      entries; the version (release/changes.py plan: the highest entry type bumps pom.xml's version, major >
#      minor > patch) has no tag here nor on origin; origin would take the branch (git push --dry-run); git can
#      commit; a Docker engine answers (DOCKER_HOST, else the test bed's private engine, as test/build-image.sh);
#      the registry of pipe.yml's image takes RELEASE_REGISTRY_USERNAME / RELEASE_REGISTRY_PASSWORD (given to a
#      docker config of this run's own, removed at the end; neither set: the docker CLI's own logins); the bases.
#   2. the release commit "Release X.Y.Z [skip ci]" (release/changes.py apply: the CHANGELOG section, the entries
#      moved to .changes/X.Y.Z.json, the version in pom.xml, pipe.yml and the documentation), tagged X.Y.Z, with
#      the tags X.Y and X moved to it, here only.
#   3. the image, built by test/build-image.sh as pipe.yml's image:X.Y.Z, whose --version must say X.Y.Z.
#   4. the image pushed as X.Y.Z, X.Y and X.
#   5. git: the branch and the three tags pushed to origin in one atomic push (X.Y and X forced: they move).
# The image goes first and git last: Bitbucket reaches an image only through pipe.yml at a git tag, so no tag ever
# names an image that is not there. A failure in 2 to 5 puts this repository back as it was (the branch where it
# was, the tags as they were) and says so; image tags pushed before a failed step 5 stay in the registry, unnamed
# by any git tag, and a re-run (after fixing the cause) builds and pushes them again with the release.
#
# Every failure is one line, "release: ERROR: …", and exit code 1 (2 for a wrong call). Run from anywhere; as root
# on a machine without a Docker engine (the bed's engine needs it).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=test/bed.sh
source test/bed.sh

log() { printf 'release: %s\n' "$*" >&2; }
fail() { printf 'release: ERROR: %s\n' "$*" >&2; exit 1; }
usage="usage: bash release/release.sh [--version X.Y.Z] [--pull-bases] [--stand-in-bases] [--dry-run]"

asked="" pull_bases="" stand_in_bases="" dry_run=""
while (($# > 0)); do
  case "$1" in
    --version)
      [[ -n ${2:-} ]] || { printf 'release: ERROR: --version needs X.Y.Z\n%s\n' "$usage" >&2; exit 2; }
      asked="$2"
      shift ;;
    --pull-bases) pull_bases=1 ;;
    --stand-in-bases) stand_in_bases=1 ;;
    --dry-run) dry_run=1 ;;
    *) printf "release: ERROR: unknown argument '%s'\n%s\n" "$1" "$usage" >&2; exit 2 ;;
  esac
  shift
done

# What step 2 changed, for the rollback; empty until then.
start_commit="" branch="" version="" minor="" major="" prior_minor="" prior_major="" released="" scratch=""

# The last non-empty line of a file, for a one-line reason.
last_line() { sed '/^[[:space:]]*$/d' "$1" | tail -n 1; }

# Runs on every exit (bed.sh's traps): puts the repository back when a release was begun and not finished, and
# removes this run's scratch directory (with its docker config, and the login in it).
release_cleanup() {
  if [[ -n $start_commit && -z $released ]]; then
    git reset -q --hard "$start_commit" && rm -f ".changes/$version.json"
    git tag -d "$version" >/dev/null 2>&1 || true
    if [[ -n $prior_minor ]]; then git tag -f "$minor" "$prior_minor" >/dev/null; else git tag -d "$minor" >/dev/null 2>&1 || true; fi
    if [[ -n $prior_major ]]; then git tag -f "$major" "$prior_major" >/dev/null; else git tag -d "$major" >/dev/null 2>&1 || true; fi
    log "put back as before: $branch at $(git rev-parse --short "$start_commit"), no tag $version, tags $minor and $major as they were"
    start_commit=""
  fi
  [[ -z $scratch ]] || rm -rf -- "$scratch"
  scratch=""
}
bed_on_teardown release_cleanup
bed_install_traps

# --- 1. checks: nothing changes until they all pass ---------------------------------------------------------------
for tool in git python3; do
  command -v "$tool" >/dev/null 2>&1 || fail "$tool is missing (Debian package $tool)"
done
git rev-parse --is-inside-work-tree >/dev/null 2>&1 || fail "$PWD is not a git repository"
branch="$(git symbolic-ref -q --short HEAD)" || fail "HEAD is detached: check out the branch to release (main)"
dirty="$(git status --porcelain --untracked-files=normal)"
if [[ -n $dirty ]]; then
  more=$(($(wc -l <<<"$dirty") - 1))
  fail "the working tree is not clean ('$(head -n 1 <<<"$dirty" | cut -c4-)'$( ((more == 0)) || printf ' and %d more' "$more")): commit or stash what is not committed first; a release commits only its own changes"
fi
scratch="$(mktemp -d "${TMPDIR:-/tmp}/ecr-release.XXXXXX")"
plan_args=(plan)
[[ -z $asked ]] || plan_args+=(--version "$asked")
python3 release/changes.py "${plan_args[@]}" >"$scratch/plan" 2>"$scratch/plan.err" || fail "$(last_line "$scratch/plan.err")"
plan_value() { sed -n "s/^$1=//p" "$scratch/plan"; }
current="$(plan_value current)" version="$(plan_value next)" image="$(plan_value image)"
minor="${version%.*}" major="${version%%.*}"
log "releasing $version after $current: $(plan_value entries) change entries, the highest $(plan_value bump)${asked:+ (--version $asked)}"
[[ ! -e .changes/$version.json ]] || fail ".changes/$version.json exists already: $version was released"
if git rev-parse -q --verify "refs/tags/$version" >/dev/null; then
  fail "the tag $version exists already here (at $(git rev-parse --short "refs/tags/$version^{commit}")): $version is released; new change entries make the next version"
fi
git remote get-url origin >/dev/null 2>&1 || fail "there is no remote 'origin' to push the release to"
git ls-remote --tags origin "refs/tags/$version" >"$scratch/remote-tag" 2>"$scratch/remote-tag.err" ||
  fail "cannot read origin's tags: $(last_line "$scratch/remote-tag.err")"
[[ ! -s $scratch/remote-tag ]] ||
  fail "the tag $version exists already on origin (at $(cut -c1-7 "$scratch/remote-tag")): $version is released; fetch it (git fetch --tags)"
# origin would take the branch as it is now: it has not moved on (the release commit goes on top of this HEAD)
if ! git push --dry-run --porcelain origin "HEAD:refs/heads/$branch" >"$scratch/dry-push" 2>"$scratch/dry-push.err"; then
  reason="$(grep '^!' "$scratch/dry-push" | cut -f3- | head -n 1)"
  fail "origin refuses the push of $branch: ${reason:-$(last_line "$scratch/dry-push.err")}; release from origin's $branch as it is now (git pull)"
fi
git var GIT_COMMITTER_IDENT >/dev/null 2>&1 || fail "git has no committer identity: set user.name and user.email (git config)"
if [[ -n $dry_run ]]; then
  log "dry run: would release $version (git tags $version, $minor, $major; images $image:$version, :$minor, :$major); nothing changed"
  printf '%s\n' "$version"
  exit 0
fi

# shellcheck disable=SC2119 # no arguments: install what bed_needed_packages lists
bed_install_packages || fail "the packages test/build-image.sh needs cannot be installed"
if [[ -n ${DOCKER_HOST:-} ]] && bed_engine_answers "$DOCKER_HOST"; then
  log "using the Docker engine at DOCKER_HOST=$DOCKER_HOST"
else
  bed_start_engine || fail "no Docker engine answers at DOCKER_HOST=${DOCKER_HOST:-} and the bed's own did not start"
fi

# The registry of pipe.yml's image: its first part when that names a host, else Docker Hub.
first="${image%%/*}"
registry=""
[[ $image != */* || ( $first != *.* && $first != *:* && $first != localhost ) ]] || registry="$first"
if [[ -n ${RELEASE_REGISTRY_USERNAME:-} && -n ${RELEASE_REGISTRY_PASSWORD:-} ]]; then
  export DOCKER_CONFIG="$scratch/docker-config"
  mkdir -m 700 "$DOCKER_CONFIG"
  printf '%s' "$RELEASE_REGISTRY_PASSWORD" |
    docker login --username "$RELEASE_REGISTRY_USERNAME" --password-stdin ${registry:+"$registry"} >/dev/null 2>"$scratch/login.err" ||
    fail "${registry:-Docker Hub} refused the login of RELEASE_REGISTRY_USERNAME: $(last_line "$scratch/login.err")"
  log "logged in to ${registry:-Docker Hub} as RELEASE_REGISTRY_USERNAME"
elif [[ -n ${RELEASE_REGISTRY_USERNAME:-}${RELEASE_REGISTRY_PASSWORD:-} ]]; then
  fail "set both RELEASE_REGISTRY_USERNAME and RELEASE_REGISTRY_PASSWORD, or neither (then the docker CLI's own logins push)"
else
  log "no RELEASE_REGISTRY_USERNAME: the docker CLI's own logins push to ${registry:-Docker Hub}"
fi

bases=()
for arg in JDK_IMAGE RUNTIME_IMAGE DEBIAN_IMAGE; do
  bases+=("$(sed -n "s/^ARG $arg=//p" Dockerfile)")
done
for base in "${bases[@]}"; do
  [[ -n $base ]] || fail "Dockerfile lacks one of 'ARG JDK_IMAGE=…', 'ARG RUNTIME_IMAGE=…', 'ARG DEBIAN_IMAGE=…'"
  if [[ -n $pull_bases ]]; then
    docker pull -q "$base" >/dev/null 2>"$scratch/pull.err" || fail "docker pull $base failed: $(last_line "$scratch/pull.err")"
    log "pulled the base $base"
  fi
  label="$(docker image inspect -f '{{index .Config.Labels "org.ecrpushpipe.stand-in"}}' "$base" 2>/dev/null || echo absent)"
  if [[ $label != "" && $label != "<no value>" && -z $stand_in_bases ]]; then
    [[ $label == absent ]] && what="lacks the base $base" || what="holds a stand-in as $base"
    fail "the engine $what: pass --pull-bases to build on the public image, or --stand-in-bases to publish on test/build-image.sh's stand-ins"
  fi
done

# --- 2. the release commit and its tags, here only -----------------------------------------------------------------
start_commit="$(git rev-parse HEAD)"
prior_minor="$(git rev-parse -q --verify "refs/tags/$minor^{commit}" || true)"
prior_major="$(git rev-parse -q --verify "refs/tags/$major^{commit}" || true)"
python3 release/changes.py apply "$version" >/dev/null 2>"$scratch/apply.err" || fail "$(last_line "$scratch/apply.err")"
git add -A
git commit -q -m "Release $version [skip ci]" \
  -m "The CHANGELOG section and .changes/$version.json from .changes/next-release; the version in pom.xml, pipe.yml and the documentation." \
  2>"$scratch/commit.err" || fail "git commit failed: $(last_line "$scratch/commit.err")"
git tag -a "$version" -m "Release $version"
git tag -f "$minor" >/dev/null
git tag -f "$major" >/dev/null
log "committed the release $(git rev-parse --short HEAD) on $branch, tagged $version and moved $minor and $major to it (here only)"

# --- 3. the image --------------------------------------------------------------------------------------------------
bash test/build-image.sh || fail "test/build-image.sh could not build $image:$version (its output above says why)"
said="$(docker run --rm --network none "$image:$version" --version 2>&1 || true)"
[[ $said == "ecr-push-pipe $version" ]] || fail "the image $image:$version says '$said' to --version, not 'ecr-push-pipe $version'"

# --- 4. the image tags ---------------------------------------------------------------------------------------------
for tag in "$version" "$minor" "$major"; do
  [[ $tag == "$version" ]] || docker tag "$image:$version" "$image:$tag"
  docker push -q "$image:$tag" >/dev/null 2>"$scratch/push.err" ||
    fail "docker push $image:$tag failed: $(last_line "$scratch/push.err")"
  log "pushed $image:$tag"
done

# --- 5. git --------------------------------------------------------------------------------------------------------
if ! git push --atomic --porcelain origin "HEAD:refs/heads/$branch" "refs/tags/$version" "+refs/tags/$minor" \
  "+refs/tags/$major" >"$scratch/push-git" 2>"$scratch/push-git.err"; then
  reason="$(grep '^!' "$scratch/push-git" | cut -f2- | tr '\t' ' ' | head -n 1)"
  hook="$(sed -n 's/^remote: *//p' "$scratch/push-git.err" | sed '/^[[:space:]]*$/d' | head -n 1)"
  fail "origin refused the release: ${reason:-$(last_line "$scratch/push-git.err")}${hook:+ ($hook)}; the image tags were pushed, a re-run after fixing this pushes them again with the release"
fi
released=1
log "released $version: $branch and the tags $version (new), $minor and $major (moved) on origin; images $image:$version, :$minor, :$major"
