# shellcheck shell=bash
#
# A second, current Docker engine for the test bed, beside the main one (Debian 12's docker.io 20.10, the engine of
# Bitbucket's runtime v2): Bitbucket's runtime v3 runs a dind image of the user's choice (Docker 25 to 29), whose
# BuildKit reads a newer Dockerfile syntax (here-documents, COPY --link). Sourced by test/bed.sh; used as
#
#   bed_start_engine
#   bed_start_current_engine      # exports BED_CURRENT_DOCKER_HOST, BED_CURRENT_DOCKER_CLI, ...
#
# Its packages come from Debian itself, as .debs of a newer suite (BED_CURRENT_SUITE, default trixie: Debian 13's
# docker.io 26.1, containerd 1.7, docker-cli and docker-buildx), fetched with an apt configuration of the bed's own
# (a sources list, package lists and a state of its own under the cache directory: nothing under /etc is read for
# sources or changed, nothing is installed) and unpacked with dpkg-deb under the bed's directory. Their runc is not
# used: Debian 13's is built against glibc 2.38, which Debian 12 lacks; the machine's runc (Debian 12's docker.io
# depends on it) runs the containers. The .debs and package lists are kept in BED_CACHE_DIR (default
# ~/.cache/ecr-push-pipe) between runs on one machine, checked against the package lists' SHA-256 before use, and
# fetched again whenever they are missing or stale: the cache saves time, nothing relies on it.

BED_CURRENT_SUITE="${BED_CURRENT_SUITE:-trixie}"
BED_DEBIAN_MIRROR="${BED_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
# BED_APT_OPTIONS: more apt-get options for this fetch alone, split at blanks (a proxy:
# '-o Acquire::http::Proxy=http://proxy:3128')
# dockerd and its containerd, and the docker CLI with its BuildKit client (buildx), the oracle for that engine
BED_CURRENT_PACKAGES=(docker.io containerd docker-cli docker-buildx)
BED_CURRENT_PID="${BED_CURRENT_PID:-}"  # the PID of the current dockerd this shell started, empty when none
BED_CURRENT_DIR="${BED_CURRENT_DIR:-}"  # its directory, under BED_DIR

# Where the bed keeps what it downloads between runs on one machine.
bed_cache_dir() {
  printf '%s\n' "${BED_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/ecr-push-pipe}"
}

# apt-get with the configuration of the directory DIR alone: its sources.list, its package lists, its cache, and
# an empty dpkg state and no pinning, so neither the machine's sources nor what it has installed play a part.
bed_private_apt() {
  local dir="$1" extra
  shift
  read -ra extra <<<"${BED_APT_OPTIONS:-}"
  apt-get -q -o Dir::Etc::SourceList="$dir/sources.list" -o Dir::Etc::SourceParts=/dev/null \
    -o Dir::Etc::Preferences=/dev/null -o Dir::Etc::PreferencesParts=/dev/null \
    -o Dir::State::Lists="$dir/lists" -o Dir::Cache="$dir/apt-cache" -o Dir::State::status=/dev/null \
    -o APT::Architectures="$(dpkg --print-architecture)" -o Acquire::Languages=none -o APT::Sandbox::User=root \
    "${extra[@]}" "$@"
}

# Brings the suite's package lists up to date in DIR. When the mirror cannot be reached, lists fetched earlier
# serve (with a warning); with none, fails naming the mirror and apt's own words.
bed_current_update() {
  local dir="$1" log
  mkdir -p "$dir/lists/partial" "$dir/apt-cache/archives/partial"
  printf 'deb %s %s main\n' "$BED_DEBIAN_MIRROR" "$BED_CURRENT_SUITE" >"$dir/sources.list"
  # apt-get update says a list it could not fetch in a warning, and may still exit 0
  local failed='^(E:|W: Failed to fetch|W: Some index files failed)'
  if log="$(bed_private_apt "$dir" update 2>&1)" && ! grep -Eq "$failed" <<<"$log"; then
    return 0
  fi
  if compgen -G "$dir/lists/*_Packages*" >/dev/null; then
    bed_log "apt-get update of $BED_CURRENT_SUITE at $BED_DEBIAN_MIRROR failed; using the package lists fetched earlier ($(grep -Em1 "$failed" <<<"$log"))"
    return 0
  fi
  bed_die "could not fetch Debian $BED_CURRENT_SUITE's package lists from $BED_DEBIAN_MIRROR: $(grep -E "$failed|^[WE]:" <<<"$log" | head -n 3 | tr '\n' ' ')"
}

# Puts the suite's BED_CURRENT_PACKAGES in DIR/debs, each checked against the SHA-256 its package list gives:
# a cached file that matches is kept, anything else is fetched. Prints the .debs' paths, one a line; removes
# .debs of other versions.
bed_current_debs() {
  local dir="$1" uri file size hash path
  local -a wanted=()
  mkdir -p "$dir/debs"
  local listing
  listing="$(bed_private_apt "$dir" --print-uris download "${BED_CURRENT_PACKAGES[@]}" 2>&1)" ||
    { bed_die "Debian $BED_CURRENT_SUITE does not offer ${BED_CURRENT_PACKAGES[*]}: $listing"; return 1; }
  while read -r uri file size hash; do
    [[ $uri == \'* ]] || continue
    path="$dir/debs/$file"
    wanted+=("$file")
    if [[ ! -f $path ]] || [[ "$(sha256sum "$path" | cut -d' ' -f1)" != "${hash#SHA256:}" ]]; then
      bed_log "downloading $file ($((size / 1024 / 1024)) MiB) from ${uri//\'/}"
      rm -f "$path"
      (cd "$dir/debs" && bed_private_apt "$dir" -qq download "${file%%_*}" >/dev/null 2>"$dir/download.err") ||
        { bed_die "could not download $file from $BED_DEBIAN_MIRROR: $(cat "$dir/download.err")"; return 1; }
      [[ "$(sha256sum "$path" | cut -d' ' -f1)" == "${hash#SHA256:}" ]] ||
        { bed_die "$file as downloaded does not have the SHA-256 its package list names"; return 1; }
    fi
    printf '%s\n' "$path"
  done <<<"$listing"
  for path in "$dir"/debs/*.deb; do
    [[ -e $path && " ${wanted[*]} " != *" ${path##*/} "* ]] || continue
    rm -f "$path"
  done
  ((${#wanted[@]} == ${#BED_CURRENT_PACKAGES[@]})) ||
    { bed_die "apt named ${#wanted[@]} .debs for ${BED_CURRENT_PACKAGES[*]}: $listing"; return 1; }
}

# Brings CACHE up to date and unpacks its .debs in ROOT, while no other run on this machine works there (so no run
# removes a .deb another is unpacking).
bed_current_locked() {
  local cache="$1" root="$2"
  (
    flock -w 900 9 || { bed_die "another run has held $cache/lock for 15 minutes"; exit 1; }
    bed_current_update "$cache" || exit 1
    debs="$(bed_current_debs "$cache")" || exit 1
    mkdir -p "$root"
    while read -r deb; do
      dpkg-deb -x "$deb" "$root" || { bed_die "dpkg-deb could not unpack $deb"; exit 1; }
    done <<<"$debs"
  ) 9>>"$cache/lock"
}

# Fetches the current engine's .debs (through the cache) and unpacks them in ROOT.
bed_fetch_current_engine() {
  local root="$1" cache
  cache="$(bed_cache_dir)/current-engine/$BED_CURRENT_SUITE"
  mkdir -p "$cache" || { bed_die "cannot create the cache directory $cache"; return 1; }
  bed_current_locked "$cache" "$root"
}

# The directory put first on the current dockerd's PATH: the unpacked containerd, its shim and ctr, with the
# machine's runc and docker-init (the unpacked runc needs a newer glibc).
bed_current_bin() {
  local bin="$1" root="$2" tool
  mkdir -p "$bin"
  for tool in containerd containerd-shim-runc-v2 ctr; do
    [[ -x $root/usr/bin/$tool ]] || { bed_die "the unpacked containerd lacks usr/bin/$tool"; return 1; }
    ln -s "$root/usr/bin/$tool" "$bin/$tool"
  done
  for tool in /usr/sbin/runc /usr/bin/docker-init; do
    [[ -x $tool ]] || { bed_die "$tool is missing: run bed_install_packages (Debian package docker.io)"; return 1; }
    ln -s "$tool" "$bin/${tool##*/}"
  done
}

# Starts the current dockerd (see the top of this file) beside the main engine, as that one is started: in a mount
# namespace of its own where the main engine's private hosts file and /etc/docker cover the machine's (so it
# resolves the ECR host names to the same stand-ins), with a data root and exec root of its own under
# BED_DIR/current, the main engine's storage driver, no bridge, listening on a unix socket and
# tcp://127.0.0.1:PORT. Exports BED_CURRENT_DOCKER_HOST (that address), BED_CURRENT_DOCKER_CLI (the suite's docker
# CLI), BED_CURRENT_CLI_PLUGINS (its plugin directory, with buildx) and BED_CURRENT_ENGINE_VERSION; stopped by the
# teardown before the main engine. Fails loudly, naming what failed, when it cannot be had.
bed_start_current_engine() {
  [[ -n $BED_DIR && -n ${BED_ENGINE_STORAGE_DRIVER:-} ]] || { bed_die "start the main engine first (bed_start_engine)"; return 1; }
  [[ -z $BED_CURRENT_PID ]] || { bed_die "a current engine (PID $BED_CURRENT_PID) is already running in this shell"; return 1; }
  local tool
  for tool in apt-get dpkg-deb flock sha256sum; do
    command -v "$tool" >/dev/null 2>&1 || { bed_die "$tool is missing (a Debian machine has it)"; return 1; }
  done
  local started=$SECONDS dir="$BED_DIR/current"
  BED_CURRENT_DIR="$dir"
  bed_on_teardown bed_stop_current_engine
  mkdir -p "$dir/data" "$dir/x"
  if ! { bed_fetch_current_engine "$dir/root" && bed_current_bin "$dir/bin" "$dir/root"; }; then
    bed_die "could not get Debian $BED_CURRENT_SUITE's Docker engine"
    return 1
  fi
  local fetched=$((SECONDS - started)) version
  version="$("$dir/root/usr/sbin/dockerd" --version 2>&1)" || { bed_die "the unpacked dockerd does not run here: $version"; return 1; }
  bed_spawn_current_engine "$dir" || return 1
  export BED_CURRENT_DOCKER_CLI="$dir/root/usr/bin/docker" BED_CURRENT_CLI_PLUGINS="$dir/root/usr/libexec/docker/cli-plugins"
  export BED_CURRENT_ENGINE_VERSION="$version"
  bed_log "current Docker engine ($version, Debian $BED_CURRENT_SUITE; dockerd PID $BED_CURRENT_PID) at BED_CURRENT_DOCKER_HOST=$BED_CURRENT_DOCKER_HOST; fetched and unpacked in ${fetched} s, started in $((SECONDS - started - fetched)) s"
}

# Spawns the current dockerd and waits for it (retrying once on a port taken meanwhile); shows its log on failure.
bed_spawn_current_engine() {
  local dir="$1" port log="$1/dockerd.log"
  for _ in 1 2 3; do
    port="$(bed_pick_port)"
    : >"$log"
    # shellcheck disable=SC2016 # $1, $2 and $@ are the inner bash's arguments
    bed_spawn env PATH="$dir/bin:$PATH" unshare --mount --propagation private -- \
      bash -c 'mount --bind "$1" /etc/hosts && mount --bind "$2" /etc/docker && shift 2 && exec "$@"' \
      _ "$BED_DIR/etc/hosts" "$BED_DIR/etc/docker" \
      "$dir/root/usr/sbin/dockerd" --data-root "$dir/data" --exec-root "$dir/x" --pidfile "$dir/docker.pid" \
      -H "unix://$dir/docker.sock" -H "tcp://127.0.0.1:$port" --storage-driver "$BED_ENGINE_STORAGE_DRIVER" \
      --iptables=false --ip6tables=false --bridge=none </dev/null >"$log" 2>&1
    BED_CURRENT_PID=$BED_SPAWNED_PID
    if bed_await_engine "tcp://127.0.0.1:$port" "$BED_CURRENT_PID"; then
      export BED_CURRENT_DOCKER_HOST="tcp://127.0.0.1:$port"
      return 0
    fi
    bed_stop_current_engine
    grep -q 'address already in use' "$log" || break
  done
  bed_log "the current dockerd did not start; its log ($log):"
  sed 's/^/  dockerd: /' "$log" >&2
  bed_die "could not start Debian $BED_CURRENT_SUITE's Docker engine"
}

# Stops the current dockerd this shell started, and what it left running. Safe to call any number of times.
bed_stop_current_engine() {
  bed_stop_pid "$BED_CURRENT_PID" dockerd
  BED_CURRENT_PID=""
  [[ -z $BED_CURRENT_DIR ]] || bed_stop_leftovers "$BED_CURRENT_DIR"
  unset BED_CURRENT_DOCKER_HOST BED_CURRENT_DOCKER_CLI BED_CURRENT_CLI_PLUGINS BED_CURRENT_ENGINE_VERSION
}
