#!/usr/bin/env bash
# Builds Berth and starts it:  bash scripts/run.sh [ARGS FOR THE APP...]
#
# The app is a release build with the UI embedded (cargo build --release --features
# custom-protocol): the build a user gets, light and quick at run time. The first build takes
# several minutes; later ones only what changed. BERTH_PROFILE=debug builds the debug
# binary instead (shares its build with scripts/test.sh, quicker to build, heavier to run).
#
# Without a display ($DISPLAY empty) it starts Xvfb on :99 and runs the app there, headless;
# it says how to take a screenshot. Without a session bus it runs under dbus-run-session.

set -euo pipefail
cd "$(dirname "$0")/.."

export BERTH_SETUP_E2E=0
# shellcheck source=scripts/setup.sh
source scripts/setup.sh
berth_setup

profile="${BERTH_PROFILE:-release}"
case "$profile" in
  release) cargo_profile=(--release) ;;
  debug) cargo_profile=() ;;
  *) berth_die "BERTH_PROFILE must be release or debug, not $profile" ;;
esac

berth_log "building the UI"
npm --prefix ui run build
berth_log "building the app ($profile)"
cargo build "${cargo_profile[@]}" -p berth --features custom-protocol
app="$PWD/target/$profile/berth"

# WebKitGTK needs a real UTF-8 locale: under C it reports the language "C" and the UI fails.
case "${LC_ALL:-${LANG:-}}" in
  "" | C | C.* | POSIX)
    export LANG=en_US.UTF-8
    unset LC_ALL
    ;;
esac

xvfb_pid=""
stop_xvfb() {
  if [ -n "$xvfb_pid" ]; then
    kill "$xvfb_pid" 2>/dev/null || true
  fi
}
trap stop_xvfb EXIT

if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  display="${BERTH_DISPLAY:-:99}"
  if ! xdpyinfo -display "$display" >/dev/null 2>&1; then
    Xvfb "$display" -screen 0 1280x800x24 -nolisten tcp >/tmp/berth-xvfb.log 2>&1 &
    xvfb_pid=$!
    for _ in $(seq 1 50); do
      xdpyinfo -display "$display" >/dev/null 2>&1 && break
      sleep 0.1
    done
    xdpyinfo -display "$display" >/dev/null 2>&1 ||
      berth_die "Xvfb did not start on $display (see /tmp/berth-xvfb.log)"
  fi
  export DISPLAY="$display"
  berth_log "no display: Berth runs headless on Xvfb $DISPLAY. Screenshot:"
  berth_log "  DISPLAY=$DISPLAY import -window root /tmp/berth.png"
fi

berth_log "starting $app (Ctrl-C to quit)"
if [ -z "${DBUS_SESSION_BUS_ADDRESS:-}" ] && command -v dbus-run-session >/dev/null 2>&1; then
  dbus-run-session -- "$app" "$@"
else
  "$app" "$@"
fi
