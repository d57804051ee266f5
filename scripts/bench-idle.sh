#!/usr/bin/env bash
# Idle cost of the release app with 50 running containers that do nothing (issue #17): CPU of
# Berth's processes and the engine's extra (dockerd, containerd, shims) over 60 s, with the
# window open on the Containers view and focused, then closed to the tray, against the engine
# with no Berth before and after. Targets: open, Berth <= 0.5 % and engine extra <= 2 % of one
# core; hidden, both <= 0.2 %.
#   bash scripts/bench-idle.sh [--containers N] [--seconds N]
# BERTH_BENCH_APP=/path/to/berth skips the release build and measures that binary.
# A benchmark, not a test. Everything it creates is labelled berth.test=<run id> and removed.

set -euo pipefail
cd "$(dirname "$0")/.."

if [ -f scripts/setup.sh ]; then
  export BERTH_SETUP_E2E=0
  # shellcheck source=scripts/setup.sh
  source scripts/setup.sh
  berth_setup
fi

if [ -z "${BERTH_BENCH_APP:-}" ]; then
  echo "==> building the UI and the release app (several minutes the first time)" >&2
  npm --prefix ui run build
  cargo build --release -p berth --features custom-protocol
  export BERTH_BENCH_APP="$PWD/target/release/berth"
fi
cargo build -p berth-tests --bin bench_idle
bench="$PWD/target/debug/bench_idle"

case "${LC_ALL:-${LANG:-}}" in
  "" | C | C.* | POSIX)
    export LANG=en_US.UTF-8
    unset LC_ALL
    ;;
esac

# Closing to the tray needs a session bus (the tray's menu is on it) and a display.
if [ -z "${DISPLAY:-}" ]; then
  exec xvfb-run -a -s "-screen 0 1280x800x24" dbus-run-session -- "$bench" "$@"
elif [ -z "${DBUS_SESSION_BUS_ADDRESS:-}" ]; then
  exec dbus-run-session -- "$bench" "$@"
else
  exec "$bench" "$@"
fi
