#!/usr/bin/env bash
# A Docker engine for the docker stack provider's tests, on machines that have none running.
#
#   .ci/docker-engine.sh          start (idempotent): nothing to do when `docker info` already answers
#   .ci/docker-engine.sh stop     stop the dockerd this script started (by its recorded pid)
#
# Its pid file, log and build logs go to $DOCKER_ENGINE_STATE (default /var/run/kaspi-harness-docker).
#
# CI machines here reach the Debian mirror but no container registry, so the base image the stack's
# Dockerfiles build FROM is made locally with debootstrap from the mirror apt already uses. The engine
# gets a bridge network (the docker provider's default mode, what users run) where the kernel allows
# one; otherwise it runs with no bridge and no iptables, and the containers use host networking.
set -euo pipefail

state_dir=${DOCKER_ENGINE_STATE:-/var/run/kaspi-harness-docker}
pid_file="$state_dir/dockerd.pid"
log_file="$state_dir/dockerd.log"
# The names the docker provider looks for (stack/docker/images.ts): it builds FROM them when present.
base_image=local/debian:bookworm
node_image=local/node:20

now() { date +%s.%N; }
took() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f s", b - a }'; }
say() { echo "[docker-engine] $*"; }

stop_engine() {
  if [[ ! -f $pid_file ]]; then
    say "no dockerd started by this script (no $pid_file)"
    return 0
  fi
  local pid
  pid=$(cat "$pid_file")
  # Only the process we started, and only if it still is dockerd (the pid may have been reused).
  if [[ -r /proc/$pid/comm && $(cat "/proc/$pid/comm") == dockerd ]]; then
    kill -TERM "$pid"
    for _ in $(seq 1 100); do
      [[ -d /proc/$pid ]] || break
      sleep 0.1
    done
    if [[ -d /proc/$pid ]]; then
      say "dockerd $pid did not stop within 10 s; sending SIGKILL"
      kill -KILL "$pid" || true
    fi
    say "stopped dockerd $pid"
  else
    say "dockerd $pid is not running"
  fi
  rm -f "$pid_file"
}

as_root() {
  if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo -n "$@"; fi
}

install_packages() {
  local missing=()
  command -v dockerd >/dev/null || missing+=(docker.io)
  command -v docker-compose >/dev/null || missing+=(docker-compose)
  command -v debootstrap >/dev/null || missing+=(debootstrap)
  ((${#missing[@]} == 0)) && return 0
  local begun
  begun=$(now)
  say "installing ${missing[*]} with apt-get"
  as_root apt-get update -qq
  # docker.io ships a client too; keep a client already on PATH first (it may be newer).
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  say "packages installed in $(took "$begun")"
}

# Whether dockerd can have a bridge network here, tried on throwaway objects only: a bridge link, and
# iptables' nat table in a throwaway network namespace. dockerd needs the first for docker0 and each
# compose project's network, and iptables for their NAT (image builds reach the mirror through it);
# the embedded DNS that resolves service names on a project network is a DNAT of 127.0.0.11:53 inside
# each container's namespace, the rule tried here. Prints why not, when not.
bridge_unavailable() {
  local name=khprobe$$ out
  if ! command -v ip >/dev/null; then
    echo "no ip command (iproute2) to try a bridge with"
    return 0
  fi
  if ! out=$(as_root ip link add "$name" type bridge 2>&1); then
    echo "the kernel refuses a bridge link: $out"
    return 0
  fi
  as_root ip link del "$name"
  if ! out=$(as_root ip netns add "$name" 2>&1); then
    echo "no network namespace to try iptables in: $out"
    return 0
  fi
  if ! out=$(as_root ip netns exec "$name" iptables -t nat -A OUTPUT -d 127.0.0.11/32 -p udp --dport 53 \
    -j DNAT --to-destination 127.0.0.11:53 2>&1); then
    as_root ip netns del "$name"
    echo "iptables cannot add a nat rule: ${out:-no output}"
    return 0
  fi
  as_root ip netns del "$name"
}

start_engine() {
  local begun network_flags why_not
  begun=$(now)
  mkdir -p "$state_dir"
  why_not=$(bridge_unavailable)
  if [[ -z $why_not ]]; then
    network_flags=(--ip6tables=false)
    say "starting dockerd with a bridge network and iptables (the kernel allows both)"
  else
    network_flags=(--iptables=false --ip6tables=false --bridge=none)
    say "starting dockerd without a bridge or iptables (containers use host networking): $why_not"
  fi
  # setsid: its own session, so the caller's Ctrl-C or exit does not take the engine down with it.
  setsid dockerd "${network_flags[@]}" --storage-driver=overlay2 \
    --pidfile "$state_dir/dockerd.own.pid" >"$log_file" 2>&1 </dev/null &
  echo $! >"$pid_file"
  for _ in $(seq 1 300); do
    if docker info >/dev/null 2>&1; then
      say "dockerd $(cat "$pid_file") answers after $(took "$begun")"
      return 0
    fi
    if [[ ! -d /proc/$(cat "$pid_file") ]]; then
      say "dockerd exited; last lines of $log_file:"
      tail -n 20 "$log_file" >&2
      rm -f "$pid_file"
      return 1
    fi
    sleep 0.1
  done
  say "dockerd did not answer within 30 s; see $log_file"
  return 1
}

# The first deb.debian.org-style URI apt uses for bookworm (deb822 .sources or one-line format).
debian_mirror() {
  local uri
  uri=$(grep -hE '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}' | grep -v security | head -n1 || true)
  if [[ -z $uri ]]; then
    uri=$(grep -hE '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
      awk '$3 ~ /^bookworm$/ {print $2}' | head -n1 || true)
  fi
  echo "${uri:-http://deb.debian.org/debian}"
}

build_base_image() {
  if docker image inspect "$base_image" >/dev/null 2>&1; then
    say "base image $base_image present"
    return 0
  fi
  local begun dir mirror
  begun=$(now)
  mirror=$(debian_mirror)
  dir=$(mktemp -d /tmp/kh-debootstrap.XXXXXX)
  say "building $base_image with debootstrap from $mirror"
  as_root debootstrap --variant=minbase bookworm "$dir" "$mirror" >"$state_dir/debootstrap.log" 2>&1 || {
    tail -n 20 "$state_dir/debootstrap.log" >&2
    as_root rm -rf "$dir"
    return 1
  }
  # The image's apt uses the same mirror, so `apt-get install` in the Dockerfiles works from here.
  echo "deb $mirror bookworm main" | as_root tee "$dir/etc/apt/sources.list" >/dev/null
  as_root tar -C "$dir" -c . | docker import - "$base_image" >/dev/null
  as_root rm -rf "$dir"
  say "base image $base_image built in $(took "$begun")"
}

# Node 20 for the simulators image, from this machine's own node and npm (Debian 12 ships Node 18, and
# node:20-bookworm-slim cannot be pulled here).
build_node_image() {
  if docker image inspect "$node_image" >/dev/null 2>&1; then
    say "node image $node_image present"
    return 0
  fi
  local begun context node npm_dir
  begun=$(now)
  node=$(command -v node)
  npm_dir=$(cd "$(dirname "$(readlink -f "$(command -v npm)")")/.." && pwd)
  context=$(mktemp -d /tmp/kh-node-image.XXXXXX)
  cp "$(readlink -f "$node")" "$context/node"
  cp -r "$npm_dir" "$context/npm"
  cp "$(dirname "$0")/../docker/node/Dockerfile" "$context/Dockerfile"
  # The trust this machine's npm uses (a registry mirror or TLS-inspecting proxy may need an extra
  # CA), so `npm ci` inside image builds reaches the registry the way the host's npm does.
  cp "${NODE_EXTRA_CA_CERTS:-/etc/ssl/certs/ca-certificates.crt}" "$context/extra-ca.pem"
  say "building $node_image from $("$node" --version) and npm $(npm --version) on $base_image"
  docker build --network host --build-arg "BASE_IMAGE=$base_image" -t "$node_image" "$context" \
    >"$state_dir/node-image.log" 2>&1 || { tail -n 20 "$state_dir/node-image.log" >&2; rm -rf "$context"; return 1; }
  rm -rf "$context"
  say "node image $node_image built in $(took "$begun")"
}

case ${1:-start} in
  stop)
    stop_engine
    ;;
  start)
    total=$(now)
    if docker info >/dev/null 2>&1; then
      say "a container runtime already answers (docker info): nothing to set up"
      # A user's engine can pull debian:bookworm-slim; ours cannot, so the base image is built only
      # for the engine this script runs.
      if [[ -f $pid_file ]]; then
        build_base_image
        build_node_image
      fi
      exit 0
    fi
    install_packages
    start_engine
    build_base_image
    build_node_image
    say "engine ready in $(took "$total")"
    ;;
  *)
    echo "usage: $0 [start|stop]" >&2
    exit 2
    ;;
esac
