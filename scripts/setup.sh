#!/usr/bin/env bash
# Prepares a Debian 12 machine to build, run and test Berth. Idempotent, and quick when all is
# in place: it only installs what is missing and only starts what is not running.
#
#   bash scripts/setup.sh                     # everything
#   BERTH_SETUP_E2E=0 bash scripts/setup.sh   # without tauri-driver (only the e2e tests need it)
#
# scripts/run.sh and scripts/test.sh source this file and call `berth_setup`.
#
# What it sees to: Debian packages (build deps, Xvfb/WebKit driver, docker.io, busybox-static,
# docker-registry, D-Bus), the en_US.UTF-8 locale (WebKitGTK misbehaves under C locales),
# Node.js >= 20.19, rustup's toolchain with rustfmt and clippy, tauri-driver, ui/node_modules
# (npm ci when missing or older than the lockfile), a running Docker engine (started in the
# background if needed, log in /tmp/berth-dockerd.log), and the test images of tests/fixtures.
# Uses sudo for system changes when not run as root.

set -euo pipefail

BERTH_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

BERTH_PACKAGES=(
  # build
  build-essential pkg-config libssl-dev libxdo-dev libwebkit2gtk-4.1-dev
  libayatana-appindicator3-dev librsvg2-dev
  # run and test headless
  xvfb xauth webkit2gtk-driver imagemagick x11-utils locales dbus dbus-x11 util-linux
  # the engine, the test images, a local registry
  docker.io busybox-static docker-registry
  # remote engines (issue #8): a loopback sshd for SSH engine tests (run by the tests on their
  # own port and config; the system service is not configured), and Podman as a second engine
  openssh-server podman
  # TLS engine tests make their CA and certificates with the openssl CLI
  openssl
  # a second, empty dockerd for the first-run tests gets a bridge of its own (`ip link`)
  iproute2
  # Compose projects (issue #15): Debian's docker-compose is Compose v1 (1.29), which the
  # engine tests use to make a real project and Berth runs when no `docker compose` v2 is there
  docker-compose
  # registry tests with a login (issue #20): `htpasswd -B` makes the registry's bcrypt lines
  apache2-utils
  # the package step (issue #18): `desktop-file-validate` checks the .deb's desktop entry
  desktop-file-utils
)

berth_log() { printf '[setup] %s\n' "$*" >&2; }
berth_die() {
  printf '[setup] error: %s\n' "$*" >&2
  exit 1
}

if [ "$(id -u)" -eq 0 ]; then
  BERTH_SUDO=()
else
  BERTH_SUDO=(sudo)
fi

berth_as_root() {
  if [ "${#BERTH_SUDO[@]}" -gt 0 ] && ! command -v sudo >/dev/null 2>&1; then
    berth_die "need root for: $* (run as root, or install and configure sudo)"
  fi
  "${BERTH_SUDO[@]}" "$@"
}

berth_packages() {
  local p status missing=()
  for p in "${BERTH_PACKAGES[@]}"; do
    status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
    case "$status" in
      installed | triggers-pending | triggers-awaited) ;;
      *) missing+=("$p") ;;
    esac
  done
  [ "${#missing[@]}" -eq 0 ] && return 0
  berth_log "installing Debian packages: ${missing[*]}"
  berth_as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
  berth_as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}"
}

berth_locale() {
  if locale -a 2>/dev/null | grep -qiE '^en_US\.utf-?8$'; then
    return 0
  fi
  berth_log "generating the en_US.UTF-8 locale"
  if grep -qE '^#[[:space:]]*en_US\.UTF-8 UTF-8' /etc/locale.gen 2>/dev/null; then
    berth_as_root sed -i -E 's/^#[[:space:]]*(en_US\.UTF-8 UTF-8)/\1/' /etc/locale.gen
  elif ! grep -qE '^en_US\.UTF-8 UTF-8' /etc/locale.gen 2>/dev/null; then
    echo 'en_US.UTF-8 UTF-8' | berth_as_root tee -a /etc/locale.gen >/dev/null
  fi
  berth_as_root locale-gen >/dev/null
}

berth_node() {
  if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    berth_die "Node.js >= 20.19 with npm is needed for the UI (Debian 12's nodejs 18 is too old for Vite)"
  fi
  # ui/package.json: "engines": { "node": "^20.19.0 || >=22.12.0" }
  node -e '
    const [a, b] = process.versions.node.split(".").map(Number);
    process.exit((a === 20 && b >= 19) || (a === 22 && b >= 12) || a >= 23 ? 0 : 1);
  ' || berth_die "Node.js $(node --version) is too old for the UI: it needs ^20.19 or >= 22.12"
}

berth_rust() {
  # rustup's proxies, not Debian's older cargo in /usr/bin.
  local cargo_bin="${CARGO_HOME:-$HOME/.cargo}/bin"
  case ":$PATH:" in
    *":$cargo_bin:"*) ;;
    *) export PATH="$cargo_bin:$PATH" ;;
  esac
  command -v rustup >/dev/null 2>&1 ||
    berth_die "rustup not found in $cargo_bin: install Rust with rustup (the workspace needs Rust >= 1.85)"
  local installed missing=() c
  installed=$(rustup component list --installed 2>/dev/null || true)
  for c in rustfmt clippy; do
    grep -q "^$c" <<<"$installed" || missing+=("$c")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    berth_log "adding Rust components: ${missing[*]}"
    rustup component add "${missing[@]}"
  fi
}

berth_tauri_driver() {
  [ "${BERTH_SETUP_E2E:-1}" = 1 ] || return 0
  command -v tauri-driver >/dev/null 2>&1 && return 0
  berth_log "installing tauri-driver (cargo install, about a minute)"
  cargo install tauri-driver --locked --version '^2'
}

berth_ui_deps() {
  local ui="$BERTH_ROOT/ui"
  if [ ! -f "$ui/package.json" ]; then
    berth_log "no ui/package.json yet: skipping npm ci"
    return 0
  fi
  [ -f "$ui/package-lock.json" ] || berth_die "ui/package-lock.json is missing (run npm install in ui/ and commit it)"
  # npm rewrites node_modules/.package-lock.json on every install: older than the lockfile
  # means the dependencies changed since. (A fresh clone always gets `npm ci`, which also
  # fails when package.json and the lockfile disagree.)
  local installed="$ui/node_modules/.package-lock.json"
  if [ -f "$installed" ] && [ "$installed" -nt "$ui/package-lock.json" ]; then
    return 0
  fi
  berth_log "installing the UI's dependencies (npm ci)"
  npm --prefix "$ui" ci --no-audit --no-fund
}

berth_engine_up() { docker info >/dev/null 2>&1; }

berth_engine() {
  berth_engine_up && return 0
  local why
  why=$(docker info 2>&1 >/dev/null || true)
  if grep -qi 'permission denied' <<<"$why"; then
    berth_die "$(id -un) may not use the Docker socket: add the user to the docker group
  (sudo usermod -aG docker $(id -un)), then log in again"
  fi
  if [ -n "${DOCKER_HOST:-}" ]; then
    berth_die "the engine at DOCKER_HOST=$DOCKER_HOST does not answer: start it, or unset DOCKER_HOST"
  fi
  if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then
    berth_log "starting the Docker engine (systemctl start docker)"
    berth_as_root systemctl start docker || true
  fi
  if ! berth_engine_up; then
    local log=/tmp/berth-dockerd.log
    berth_log "starting dockerd in the background (log: $log)"
    # Its own session, so that Ctrl-C on the calling script does not stop the engine; and
    # none of the caller's other descriptors: a daemon that inherits one holds it for its
    # whole life (a caller's flock on fd 9 was held by dockerd and blocked every later run).
    (
      for fd in /proc/$BASHPID/fd/*; do
        fd=${fd##*/}
        # 255 is bash's own script descriptor, closed on exec anyway.
        if [ "$fd" -gt 2 ] && [ "$fd" -ne 255 ]; then eval "exec $fd>&-"; fi
      done
      berth_as_root setsid dockerd >"$log" 2>&1 </dev/null
    ) &
  fi
  local _
  for _ in $(seq 1 60); do
    berth_engine_up && return 0
    sleep 0.5
  done
  [ -f /tmp/berth-dockerd.log ] && tail -n 20 /tmp/berth-dockerd.log >&2
  berth_die "the Docker engine did not answer within 30 s ($(docker info 2>&1 | tail -n 1))"
}

# Builds tests/fixtures/<name> as berth-test/<name>:latest, the same way as
# berth_tests::fixtures::ensure_test_images(); answered from the build cache when unchanged.
berth_fixture_images() {
  local busybox="${BERTH_BUSYBOX:-/bin/busybox}" dir name tag ctx before id out
  [ -x "$busybox" ] || berth_die "$busybox is missing (apt-get install busybox-static)"
  for dir in "$BERTH_ROOT"/tests/fixtures/*/; do
    [ -f "$dir/Dockerfile" ] || continue
    name=$(basename "$dir")
    tag="berth-test/$name:latest"
    ctx=$(mktemp -d)
    cp -r "$dir/." "$ctx/"
    cp "$busybox" "$ctx/busybox"
    before=$(docker image inspect --format '{{.Id}}' "$tag" 2>/dev/null || true)
    if ! out=$(docker build -q -t "$tag" "$ctx" 2>&1); then
      rm -rf "$ctx"
      berth_die "building the test image $tag failed ($busybox must be static: busybox-static):
$out"
    fi
    rm -rf "$ctx"
    id=$(grep -o 'sha256:[0-9a-f]*' <<<"$out" | tail -n 1)
    if [ -n "$before" ] && [ "$before" != "$id" ]; then
      berth_log "rebuilt $tag"
      # The image the tag left is garbage if nothing else names or uses it.
      if [ "$(docker image inspect --format '{{len .RepoTags}} {{index .Config.Labels "berth.fixture"}}' "$before" 2>/dev/null)" = "0 1" ]; then
        docker rmi "$before" >/dev/null 2>&1 || true
      fi
    fi
  done
}

berth_setup() {
  local started=$SECONDS
  berth_packages
  berth_locale
  berth_node
  berth_rust
  berth_tauri_driver
  berth_ui_deps
  berth_engine
  berth_fixture_images
  berth_log "ready ($((SECONDS - started)) s)"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  berth_setup "$@"
fi
