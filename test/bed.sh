# shellcheck shell=bash
#
# The test bed: installs the real components the tests use and starts a private Docker engine.
# Meant to be sourced (by test/run-tests.sh, test/try-it.sh, bench/ and the by-hand recipe of docs/testing.md), not run;
# it works in scripts and typed into an interactive shell (job control on) alike:
#
#   source test/bed.sh
#   bed_install_packages          # as root on a fresh Debian 12; installs only what is missing
#   bed_start_engine              # starts a private dockerd that resolves ECR host names to the bed
#   ...                           # DOCKER_HOST=tcp://127.0.0.1:PORT is exported
#   bed_start_standin NAME...     # registry + ECR stand-in; exports AWS_ENDPOINT_URL, AWS_KEY, ... IMAGE
#   bed_teardown                  # runs by itself when the shell exits (and, in scripts, on INT/TERM/HUP)
#
# Everything the bed starts lives under one `mktemp -d` directory, so a crashed earlier run can never
# be confused with this one, and the teardown only ever signals processes it started itself, by PID.

# The Debian packages the tests need (engine, registry, static busybox for FROM-scratch images,
# debootstrap for the local Debian base image, htpasswd for the registry's auth; unshare and mount for the
# engine's private /etc/hosts and /etc/docker, openssl for the facade's certificate, script for typing
# into an interactive shell in ByHandRecipeTest). The last four are part of any Debian; listed so a
# trimmed-down machine gets them too.
BED_PACKAGES=(docker.io docker-registry busybox-static debootstrap apache2-utils util-linux mount openssl bsdutils)

# The host names the bed's engine resolves, one loopback address a line (the first line to .2 of the engine's
# 127.X.Y.0/24 block, the next to .3, ...), a line's further names (aliases) to the same address. A stand-in's
# registry facade listens on a registry line's address, port 443. The first line is the stand-in's default (EcrBed,
# BedMain), with its dual-stack name; the next three leave room for tests of other regions and accounts, each with a
# facade of its own (EcrRegionsBed mirrors to eu-west-1 and us-east-1, EcrAccountsBed pushes into 210987654321);
# China and GovCloud (standard and FIPS names) serve EcrEndpointsBed, whose one AWS API endpoint answers every API
# host name of the line after, as the AWS SDK picks them without AWS_ENDPOINT_URL (a JVM resolves them with
# -Djdk.net.hosts.file set to the same hosts file). The last two are Docker Hub's registry and token service, for
# the token-auth registry (TokenRegistry) that the engine reaches as docker.io.
BED_HOSTS=(
  "123456789012.dkr.ecr.ap-southeast-1.amazonaws.com 123456789012.dkr-ecr.ap-southeast-1.on.aws"
  "123456789012.dkr.ecr.eu-west-1.amazonaws.com"
  "210987654321.dkr.ecr.ap-southeast-1.amazonaws.com"
  "123456789012.dkr.ecr.us-east-1.amazonaws.com"
  "123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn"
  "123456789012.dkr.ecr.us-gov-west-1.amazonaws.com 123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com"
  "api.ecr.ap-southeast-1.amazonaws.com ecr.ap-southeast-1.api.aws sts.ap-southeast-1.amazonaws.com sts.ap-southeast-1.api.aws api.ecr.cn-north-1.amazonaws.com.cn api.ecr.us-gov-west-1.amazonaws.com api.ecr-fips.us-gov-west-1.amazonaws.com"
  "registry-1.docker.io"
  "auth.docker.io"
)

# The state of what this shell started. Sourcing the file again (easy to do in an interactive shell) keeps
# it, so a running engine is never forgotten and left behind.
BED_DIR="${BED_DIR:-}"                  # the private engine's temporary directory, empty when none was started
BED_DOCKERD_PID="${BED_DOCKERD_PID:-}"  # the PID of the dockerd this shell started, empty when none
BED_STANDIN_PID="${BED_STANDIN_PID:-}"  # the PID of the stand-in (BedMain serve) this shell started, empty when none
BED_ENGINE_TIMEOUT="${BED_ENGINE_TIMEOUT:-60}"  # seconds to wait for a new engine to answer /_ping
BED_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"  # the repository this bed.sh belongs to

bed_log() {
  printf 'bed: %s\n' "$*" >&2
}

bed_die() {
  printf 'bed: ERROR: %s\n' "$*" >&2
  return 1
}

# Prints, one per line, those of the given Debian packages that are not installed.
bed_missing_packages() {
  local pkg status
  for pkg in "$@"; do
    status="$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)"
    [[ $status == installed ]] || printf '%s\n' "$pkg"
  done
}

# The packages this machine needs: BED_PACKAGES, plus a JDK 17 and, for the Maven wrapper's first
# download of Maven, wget (or curl) and CA certificates. Prints one a line.
bed_needed_packages() {
  printf '%s\n' "${BED_PACKAGES[@]}"
  command -v javac >/dev/null 2>&1 || echo openjdk-17-jdk-headless
  # The by-hand recipe (docs/testing.md) and the benchmark ask the stand-in with the AWS CLI (a v1 may already be here)
  command -v aws >/dev/null 2>&1 || echo awscli
  command -v curl >/dev/null 2>&1 || command -v wget >/dev/null 2>&1 || echo wget
  [[ -e /etc/ssl/certs/ca-certificates.crt ]] || echo ca-certificates
}

# Installs whichever of the given packages (default: bed_needed_packages) are missing, with one quiet
# `apt-get update` first. Does nothing, and needs no root, when nothing is missing.
bed_install_packages() {
  local wanted=("$@")
  if ((${#wanted[@]} == 0)); then
    mapfile -t wanted < <(bed_needed_packages)
  fi
  local missing
  mapfile -t missing < <(bed_missing_packages "${wanted[@]}")
  if ((${#missing[@]} == 0)); then
    return 0
  fi
  if ((EUID != 0)); then
    bed_die "missing Debian packages: ${missing[*]}; install them (as root: apt-get install ${missing[*]}) or run this as root"
    return 1
  fi
  bed_log "installing ${missing[*]}"
  # Packages such as docker.io and docker-registry start system services from their postinst on a
  # machine with an init system; the bed runs its own private processes instead, so keep the package
  # scripts from starting anything for the duration of the install (policy-rc.d, see invoke-rc.d(8)).
  local policy=/usr/sbin/policy-rc.d own_policy=""
  if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod 755 "$policy" && own_policy=1
  fi
  local rc=0
  {
    DEBIAN_FRONTEND=noninteractive apt-get -qq update &&
      DEBIAN_FRONTEND=noninteractive apt-get -qq install -y --no-install-recommends "${missing[@]}" >/dev/null
  } || rc=$?
  [[ -z $own_policy ]] || rm -f "$policy"
  if ((rc != 0)); then
    bed_die "apt-get could not install ${missing[*]} (exit $rc)"
    return 1
  fi
}

# Succeeds when a Docker engine answers /_ping at the given DOCKER_HOST value.
bed_engine_answers() {
  local host="$1"
  case "$host" in
    tcp://*)
      local hostport="${host#tcp://}"
      hostport="${hostport%%/*}"
      local addr="${hostport%:*}" port="${hostport##*:}"
      [[ $addr != "$hostport" ]] || port=2375
      # bash's /dev/tcp needs neither curl nor the docker CLI, which a fresh machine may lack.
      # shellcheck disable=SC2016 # $1/$2 are the inner bash's arguments
      timeout 5 bash -c '
        exec 3<>"/dev/tcp/$1/$2" || exit 1
        printf "GET /_ping HTTP/1.0\r\nHost: docker\r\n\r\n" >&3
        IFS= read -r status <&3
        [[ $status == HTTP/1.?" 200"* ]]' _ "$addr" "$port" 2>/dev/null
      ;;
    unix://*)
      local socket="${host#unix://}"
      [[ -S $socket ]] || return 1
      if command -v curl >/dev/null 2>&1; then
        [[ "$(curl -s --max-time 5 --unix-socket "$socket" http://docker/_ping)" == OK ]]
      else
        DOCKER_HOST="$host" timeout 10 docker version >/dev/null 2>&1
      fi
      ;;
    *)
      DOCKER_HOST="$host" timeout 10 docker version >/dev/null 2>&1
      ;;
  esac
}

# A TCP port on 127.0.0.1 that nothing answers on right now (dockerd may still lose a race for it;
# bed_start_engine retries with another port then).
bed_pick_port() {
  local port
  while :; do
    port=$((20000 + RANDOM % 40000))
    # shellcheck disable=SC2016 # $1 is the inner bash's argument
    if ! timeout 1 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1"' _ "$port" 2>/dev/null; then
      printf '%s\n' "$port"
      return 0
    fi
  done
}

# Starts "$@" in the background in a session of its own (so a Ctrl-C meant for the foreground reaches the
# traps, not the process) and sets BED_SPAWNED_PID to the PID of "$@" itself. Redirect the call's input
# and output as the process needs them. With job control on (an interactive shell), every background job
# leads its own process group, and setsid(1) then cannot make a session in place: it forks, its first
# process exits at once, and $! names a process already gone while the real one runs on, untracked. So
# job control is off while the job starts; the job then stays in our process group until setsid(2) takes
# it out, and setsid execs in place, keeping the PID.
bed_spawn() {
  local monitor=""
  if [[ $- == *m* ]]; then
    monitor=1
    set +m
  fi
  setsid "$@" &
  BED_SPAWNED_PID=$!
  [[ -z $monitor ]] || set -m
  return 0
}

# Starts a private dockerd listening on a unix socket in its own directory and on tcp://127.0.0.1:PORT,
# and exports DOCKER_HOST=tcp://127.0.0.1:PORT the way Bitbucket hands a TCP DOCKER_HOST to pipes.
# The engine runs in a mount namespace of its own, where a private hosts file covers /etc/hosts (the
# machine's entries plus BED_HOSTS, each line on a loopback address) and a private directory covers
# /etc/docker (certs.d/<host>/ca.crt trusting the CA of the facade's certificate): real ECR host names
# reach the bed, and the machine's own /etc/hosts and /etc/docker stay untouched. The engine also trusts that CA
# as a system CA (SSL_CERT_FILE: the machine's bundle and the CA), as it must for Docker Hub, whose registry it
# reaches with the system's CAs alone, never with certs.d. A DOCKER_HOST that is
# already set is not used: the bed cannot arrange host names for an engine it did not start. Exports
# BED_ENGINE_DIR (the hosts file, certs.d and the facade's key and certificate, for the stand-in),
# BED_ENGINE_DOCKER_HOST, BED_ENGINE_STORAGE_DRIVER, and BED_DOCKER_HOST_INTERNAL: a loopback address where
# the engine also listens on port 2375, for pipe containers run as Bitbucket runs them
# (--add-host host.docker.internal:$BED_DOCKER_HOST_INTERNAL, DOCKER_HOST=tcp://host.docker.internal:2375).
# Installs the traps that stop it again.
bed_start_engine() {
  if [[ -n ${DOCKER_HOST:-} && ${DOCKER_HOST:-} != "${BED_ENGINE_DOCKER_HOST:-}" ]]; then
    bed_log "not using DOCKER_HOST=$DOCKER_HOST: the bed starts an engine of its own, which resolves ECR host names to the stand-in"
  fi
  if [[ -n $BED_DOCKERD_PID ]]; then
    bed_die "a private engine (PID $BED_DOCKERD_PID) is already running in this shell"
    return 1
  fi
  if ((EUID != 0)); then
    bed_die "starting a private dockerd needs root; run as root or set DOCKER_HOST to a running engine"
    return 1
  fi
  command -v dockerd >/dev/null 2>&1 || { bed_die "dockerd is missing: run bed_install_packages (Debian package docker.io)"; return 1; }
  local tool
  for tool in unshare mount openssl; do
    command -v "$tool" >/dev/null 2>&1 || { bed_die "$tool is missing: run bed_install_packages"; return 1; }
  done
  if [[ ! -d /etc/docker ]]; then
    # the engine's private certs.d is mounted over it; the bed never creates anything in /etc
    bed_die "/etc/docker is missing (Debian's docker.io package creates it): run bed_install_packages"
    return 1
  fi

  bed_install_traps
  # Under /tmp rather than $TMPDIR: containerd's sockets live below the exec-root and a unix socket
  # path may not exceed 107 bytes.
  BED_DIR="$(mktemp -d /tmp/ecrbed.XXXXXX)" || return 1
  mkdir -p "$BED_DIR/x"
  bed_prepare_engine_etc "$BED_DIR" || { bed_stop; bed_die "could not prepare the engine's host names and certificates"; return 1; }
  # overlay2 first (Bitbucket's docker service runs it, and vfs copies every layer for every container and
  # build step); where the kernel or the backing filesystem refuses it, dockerd exits at once naming the
  # graphdriver, and the next driver is tried. Decided by trying, not by guessing from the kernel.
  local drivers driver port log="$BED_DIR/dockerd.log"
  read -ra drivers <<<"${BED_STORAGE_DRIVERS:-overlay2 vfs}"
  for driver in "${drivers[@]}"; do
    for _ in 1 2 3; do
      port="$(bed_pick_port)"
      : >"$log"
      # each driver on a data root of its own, as a fresh engine
      mkdir -p "$BED_DIR/data-$driver"
      # shellcheck disable=SC2016 # $1, $2 and $@ are the inner bash's arguments
      bed_spawn unshare --mount --propagation private -- \
        bash -c 'mount --bind "$1" /etc/hosts && mount --bind "$2" /etc/docker && export SSL_CERT_FILE="$3" && shift 3 && exec "$@"' \
        _ "$BED_DIR/etc/hosts" "$BED_DIR/etc/docker" "$BED_DIR/etc/ssl/ca-certificates.crt" \
        dockerd \
        --data-root "$BED_DIR/data-$driver" \
        --exec-root "$BED_DIR/x" \
        --pidfile "$BED_DIR/docker.pid" \
        -H "unix://$BED_DIR/docker.sock" \
        -H "tcp://127.0.0.1:$port" \
        -H "tcp://$(cat "$BED_DIR/address-block").1:2375" \
        --storage-driver "$driver" \
        --iptables=false --ip6tables=false --bridge=none \
        </dev/null >"$log" 2>&1
      BED_DOCKERD_PID=$BED_SPAWNED_PID
      if bed_await_engine "tcp://127.0.0.1:$port" "$BED_DOCKERD_PID"; then
        # The engine listens on TCP without TLS: say so, and keep TLS settings meant for another
        # engine from leaking into the clients that talk to this one.
        unset DOCKER_TLS_VERIFY DOCKER_CERT_PATH DOCKER_CONTEXT
        export DOCKER_HOST="tcp://127.0.0.1:$port" BED_ENGINE_STORAGE_DRIVER="$driver" BED_ENGINE_DIR="$BED_DIR"
        export BED_ENGINE_DOCKER_HOST="$DOCKER_HOST"
        # Bitbucket hands pipes DOCKER_HOST=tcp://host.docker.internal:2375 and the address of that name in
        # BITBUCKET_DOCKER_HOST_INTERNAL; the bed's engine also listens there, on a loopback address of its own.
        BED_DOCKER_HOST_INTERNAL="$(cat "$BED_DIR/address-block").1"
        export BED_DOCKER_HOST_INTERNAL
        bed_log "private Docker engine (dockerd PID $BED_DOCKERD_PID, storage driver $driver, $BED_DIR) at DOCKER_HOST=$DOCKER_HOST"
        bed_log "it resolves $(bed_engine_host_map)"
        return 0
      fi
      bed_stop_dockerd
      bed_stop_leftovers "$BED_DIR"
      if grep -q 'address already in use' "$log"; then
        bed_log "port $port was taken meanwhile; trying another one"
        continue
      fi
      break
    done
    if [[ $driver != "${drivers[-1]}" ]] && grep -q 'graphdriver' "$log"; then
      bed_log "dockerd refused the storage driver $driver ($(grep -o 'error initializing graphdriver[^"]*' "$log" | head -n 1)); falling back to the next one"
      continue
    fi
    break
  done
  bed_log "dockerd did not start; its log ($log):"
  sed 's/^/  dockerd: /' "$log" >&2
  bed_stop
  bed_die "could not start a private Docker engine"
  return 1
}

# Writes what the engine's mount namespace shows as /etc/hosts and /etc/docker, under DIR/etc, and the
# facade's TLS material under DIR/tls: a CA made for this engine alone (its key is deleted at once), and
# a key and certificate for every name in BED_HOSTS (and its address) signed by it, for the stand-in; and
# DIR/etc/ssl/ca-certificates.crt, the machine's CA bundle with that CA added, the engine's system CAs.
# The addresses are a 127.X.Y.0/24 block picked at random, so beds of several engines (several test runs
# on one machine) never share a facade address.
bed_prepare_engine_etc() {
  local dir="$1" prefix i name san="IP:127.0.0.1"
  prefix="$(bed_pick_address_block)"
  printf '%s\n' "$prefix" >"$dir/address-block"
  mkdir -p "$dir/etc/docker/certs.d" "$dir/etc/ssl" "$dir/tls"
  {
    cat /etc/hosts
    printf '\n# ECR registry hosts of the test bed (this file is /etc/hosts only in its engine'"'"'s mount namespace)\n'
    for i in "${!BED_HOSTS[@]}"; do
      printf '%s.%d %s\n' "$prefix" $((i + 2)) "${BED_HOSTS[i]}"
      for name in ${BED_HOSTS[i]}; do san+=",DNS:$name"; done
      san+=",IP:$prefix.$((i + 2))"
    done
  } >"$dir/etc/hosts"
  (
    set -e
    cd "$dir/tls"
    umask 077
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 7 \
      -subj "/CN=ecr-push-pipe test bed CA" -keyout ca.key -out ca.crt 2>/dev/null
    openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
      -subj "/CN=${BED_HOSTS[0]%% *}" -keyout facade.key -out facade.csr 2>/dev/null
    printf 'subjectAltName=%s\nbasicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n' \
      "$san" >facade.ext
    openssl x509 -req -in facade.csr -CA ca.crt -CAkey ca.key -set_serial "0x$(openssl rand -hex 16)" -days 7 \
      -extfile facade.ext -out facade.crt 2>/dev/null
    rm -f ca.key facade.csr facade.ext
    chmod 644 ca.crt facade.crt
  ) || return 1
  for name in ${BED_HOSTS[*]}; do
    mkdir -p "$dir/etc/docker/certs.d/$name"
    cp "$dir/tls/ca.crt" "$dir/etc/docker/certs.d/$name/ca.crt"
  done
  { cat /etc/ssl/certs/ca-certificates.crt 2>/dev/null || true; cat "$dir/tls/ca.crt"; } >"$dir/etc/ssl/ca-certificates.crt"
}

# Prints a 127.X.Y prefix (X in 100..249) of which no address that BED_HOSTS would get has anything
# listening on port 443 right now, and whose .1 has nothing on 2375 (the engine's host.docker.internal).
bed_pick_address_block() {
  local prefix i taken
  while :; do
    prefix="127.$((100 + RANDOM % 150)).$((RANDOM % 256))"
    taken=""
    # shellcheck disable=SC2016 # $1 is the inner bash's argument
    if timeout 1 bash -c 'exec 3<>"/dev/tcp/$1/2375"' _ "$prefix.1" 2>/dev/null; then
      continue
    fi
    for i in "${!BED_HOSTS[@]}"; do
      # shellcheck disable=SC2016 # $1 is the inner bash's argument
      if timeout 1 bash -c 'exec 3<>"/dev/tcp/$1/443"' _ "$prefix.$((i + 2))" 2>/dev/null; then
        taken=1
        break
      fi
    done
    if [[ -z $taken ]]; then
      printf '%s\n' "$prefix"
      return 0
    fi
  done
}

# "host → address, ..." of the engine's private hosts file, for the log.
bed_engine_host_map() {
  local name
  for name in ${BED_HOSTS[*]}; do
    awk -v n="$name" '{ for (f = 2; f <= NF; f++) if ($f == n) printf "%s -> %s, ", n, $1 }' "$BED_DIR/etc/hosts"
  done | sed 's/, $//'
}

# Waits until the engine answers /_ping, or its process dies, or BED_ENGINE_TIMEOUT passes.
bed_await_engine() {
  local host="$1" pid="$2" deadline=$((SECONDS + BED_ENGINE_TIMEOUT))
  while ((SECONDS < deadline)); do
    kill -0 "$pid" 2>/dev/null || return 1
    bed_engine_answers "$host" && return 0
    sleep 0.2
  done
  bed_log "dockerd did not answer /_ping on $host within ${BED_ENGINE_TIMEOUT}s"
  return 1
}

# Commands that bed_teardown runs before bed_stop, e.g. to stop a test run that uses the engine.
if [[ -z ${BED_TEARDOWN_FIRST+set} ]]; then BED_TEARDOWN_FIRST=(); fi

# What the traps run: the registered teardown commands, then bed_stop.
bed_teardown() {
  local cmd
  for cmd in "${BED_TEARDOWN_FIRST[@]}"; do
    "$cmd" || true
  done
  bed_stop
}

# Adds a command to BED_TEARDOWN_FIRST unless it is there already.
bed_on_teardown() {
  local cmd
  for cmd in "${BED_TEARDOWN_FIRST[@]}"; do
    [[ $cmd != "$1" ]] || return 0
  done
  BED_TEARDOWN_FIRST+=("$1")
}

# Makes every exit path of the sourcing shell run bed_teardown. A script: normal end, error, Ctrl-C,
# SIGTERM, hang-up; on a signal the shell then dies of that same signal, so callers see the usual 130/143.
# An interactive shell: `exit` (or end of input) and a closed terminal (SIGHUP). Ctrl-C there only
# interrupts the command being typed or run, as always, and leaves the bed up.
bed_install_traps() {
  trap 'bed_teardown' EXIT
  trap 'bed_teardown; trap - HUP EXIT; kill -HUP $$' HUP
  if [[ $- != *i* ]]; then
    trap 'bed_teardown; trap - INT EXIT; kill -INT $$' INT
    trap 'bed_teardown; trap - TERM EXIT; kill -TERM $$' TERM
  fi
}

# PIDs of what our engine left running, read from the pid files it and its containerd wrote under the
# given directory: containerd (containerd.pid), its shims (shim.pid) and their containers (init.pid).
# A PID is kept only while it still is ours: a containerd or shim whose command line names our directory,
# or a container process whose parent is one of those shims (so a reused PID is never signalled).
bed_pids_mentioning() {
  local dir="$1" file pid cmdline parent
  local -A ours=()
  while IFS= read -r file; do
    pid="$(tr -dc '0-9' <"$file" 2>/dev/null)"
    [[ -n $pid && $pid != "$$" && -r /proc/$pid/cmdline ]] || continue
    cmdline="$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)" || continue
    [[ $cmdline == *"$dir"* ]] && ours[$pid]=1
  done < <(find "$dir" \( -name containerd.pid -o -name shim.pid \) -type f 2>/dev/null)
  while IFS= read -r file; do
    pid="$(tr -dc '0-9' <"$file" 2>/dev/null)"
    [[ -n $pid && -r /proc/$pid/stat ]] || continue
    parent="$(awk '{print $4}' "/proc/$pid/stat" 2>/dev/null)"
    [[ -n ${ours[$parent]:-} ]] && ours[$pid]=1
  done < <(find "$dir" -name init.pid -type f 2>/dev/null)
  ((${#ours[@]} == 0)) || printf '%s\n' "${!ours[@]}"
  return 0
}

# Starts a real registry and the ECR stand-in in front of it (`BedMain serve`, from the test classes that
# `./mvnw package` compiles), with one IAM user and the named repositories, for the engine that
# bed_start_engine started: its registry facade listens where that engine resolves the first of
# BED_HOSTS. Waits for its READY line, then exports what a pipe run or an AWS CLI call needs:
# AWS_ENDPOINT_URL, AWS_KEY, AWS_SECRET (random), AWS_REGION, IMAGE (the first repository's full URI,
# 123456789012.dkr.ecr.ap-southeast-1.amazonaws.com/NAME) and AWS_PAGER="" (so AWS CLI v2 prints rather
# than pages). Stopped by the teardown, before the engine. BED_API_LATENCY_MS and BED_REGISTRY_LATENCY_MS (default 0)
# make every ECR/STS API request, or every registry request, wait that many ms before it is answered, as AWS in
# another region would; the stand-in's API port also serves GET/PUT $AWS_ENDPOINT_URL/_standin/latency and the API
# requests it received with their sequential round trips, GET/DELETE $AWS_ENDPOINT_URL/_standin/requests.
bed_start_standin() {
  if (($# == 0)); then
    bed_die "usage: bed_start_standin REPOSITORY..."
    return 1
  fi
  if [[ -z $BED_DIR ]]; then
    bed_die "start the engine first (bed_start_engine)"
    return 1
  fi
  if [[ -n $BED_STANDIN_PID ]]; then
    bed_die "a stand-in (PID $BED_STANDIN_PID) is already running in this shell"
    return 1
  fi
  local cp dir="$BED_DIR/standin" key="AKIABEDBYHAND0000001" secret repository
  cp="$(bash "$BED_ROOT/test/bed-classpath.sh")" || { bed_die "no class path: run ./mvnw package -DskipTests first"; return 1; }
  [[ -d $BED_ROOT/target/test-classes/org/ecrpushpipe/testbed ]] ||
    { bed_die "the test classes are missing: run ./mvnw package -DskipTests first"; return 1; }
  secret="$(head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')"
  local args=(serve --access-key "$key" --secret-key "$secret")
  for repository in "$@"; do args+=(--repository "$repository"); done
  [[ -z ${BED_API_LATENCY_MS:-} ]] || args+=(--api-latency-ms "$BED_API_LATENCY_MS")
  [[ -z ${BED_REGISTRY_LATENCY_MS:-} ]] || args+=(--registry-latency-ms "$BED_REGISTRY_LATENCY_MS")
  mkdir -p "$dir"
  bed_install_traps
  bed_on_teardown bed_stop_standin
  bed_spawn java -Djava.util.logging.manager=org.jboss.logmanager.LogManager -cp "$cp" \
    org.ecrpushpipe.testbed.BedMain "${args[@]}" </dev/null >"$dir/out" 2>"$dir/err"
  BED_STANDIN_PID=$BED_SPAWNED_PID
  local deadline=$((SECONDS + 90))
  until grep -qx READY "$dir/out" 2>/dev/null; do
    if ! kill -0 "$BED_STANDIN_PID" 2>/dev/null || ((SECONDS >= deadline)); then
      bed_log "the ECR stand-in did not start; its output:"
      sed 's/^/  stand-in: /' "$dir/out" "$dir/err" >&2
      bed_stop_standin
      bed_die "could not start the ECR stand-in"
      return 1
    fi
    sleep 0.2
  done
  AWS_ENDPOINT_URL="$(sed -n 's/^AWS_ENDPOINT_URL=//p' "$dir/out")"
  AWS_REGION="$(sed -n 's/^AWS_REGION=//p' "$dir/out")"
  IMAGE="$(sed -n 's/^REGISTRY=//p' "$dir/out")/$1"
  # the bed's engine has no bridge network: builds run on the host's (BUILD_NETWORK), as the pipe is told here
  export AWS_ENDPOINT_URL AWS_REGION IMAGE AWS_KEY="$key" AWS_SECRET="$secret" AWS_PAGER="" BUILD_NETWORK=host
  bed_log "ECR stand-in (PID $BED_STANDIN_PID) at AWS_ENDPOINT_URL=$AWS_ENDPOINT_URL; exported AWS_KEY, AWS_SECRET, AWS_REGION=$AWS_REGION, IMAGE=$IMAGE, BUILD_NETWORK=host"
}

# Stops the stand-in this shell started (it stops its registry itself) and waits for it.
bed_stop_standin() {
  local pid="$BED_STANDIN_PID"
  [[ -n $pid ]] || return 0
  kill -TERM "$pid" 2>/dev/null || true
  local deadline=$((SECONDS + 30))
  while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.1; done
  if kill -0 "$pid" 2>/dev/null; then
    bed_log "the stand-in (PID $pid) ignored SIGTERM for 30 s; killing it"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
  BED_STANDIN_PID=""
}

# Sends SIGTERM to the dockerd this shell started and waits for it (SIGKILL after 30 s).
bed_stop_dockerd() {
  bed_stop_pid "$BED_DOCKERD_PID" dockerd
  BED_DOCKERD_PID=""
}

# Sends SIGTERM to PID (a process this shell started, named NAME in the log; none when empty) and waits for it,
# with SIGKILL after 30 s.
bed_stop_pid() {
  local pid="$1" name="$2"
  [[ -n $pid ]] || return 0
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    local deadline=$((SECONDS + 30))
    while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then
      bed_log "$name (PID $pid) ignored SIGTERM for 30 s; killing it"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  wait "$pid" 2>/dev/null || true
}

# Stops what bed_start_engine started (dockerd, then anything of its own still running, such as the
# containerd it spawned) and removes its directory. Safe to call any number of times.
bed_stop() {
  bed_stop_dockerd
  [[ -n $BED_DIR ]] || return 0
  local dir="$BED_DIR"
  bed_stop_leftovers "$dir"
  # dockerd unmounts what it mounted when it shuts down cleanly; after a SIGKILL it may not have.
  local mountpoint
  while read -r mountpoint; do
    umount -l "$mountpoint" 2>/dev/null || true
  done < <(awk -v d="$dir/" 'index($5, d) == 1 { print $5 }' /proc/self/mountinfo | sort -r)
  rm -rf --one-file-system -- "$dir"
  BED_DIR=""
  unset BED_ENGINE_STORAGE_DRIVER BED_ENGINE_DIR BED_ENGINE_DOCKER_HOST
}

# Stops what an engine of ours left running under the given directory (see bed_pids_mentioning):
# SIGTERM, then SIGKILL after 10 s.
bed_stop_leftovers() {
  local dir="$1" leftovers pid
  mapfile -t leftovers < <(bed_pids_mentioning "$dir")
  ((${#leftovers[@]} > 0)) || return 0
  bed_log "stopping what the engine left running: PIDs ${leftovers[*]}"
  kill -TERM "${leftovers[@]}" 2>/dev/null || true
  local deadline=$((SECONDS + 10))
  while ((SECONDS < deadline)); do
    mapfile -t leftovers < <(bed_pids_mentioning "$dir")
    ((${#leftovers[@]} > 0)) || return 0
    sleep 0.1
  done
  for pid in "${leftovers[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
}

# The second, current engine (bed_start_current_engine).
# shellcheck source=test/bed-current-engine.sh
source "$BED_ROOT/test/bed-current-engine.sh"
