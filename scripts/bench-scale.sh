#!/usr/bin/env bash
# Scale (issue #17): an engine with 1,000 created containers and 300 image tags of one local
# image (no pulls). Prints the release app's first painted list (target <= 1.5 s) beside
# `docker ps -a`, the backend's inventory refresh after one container event (<= 100 ms) and
# how many refreshes 100 events in about a second cause (<= 3).
#   bash scripts/bench-scale.sh [--containers N] [--images N] [--runs N]
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
cargo build -p berth-tests --bin bench_scale
bench="$PWD/target/debug/bench_scale"

case "${LC_ALL:-${LANG:-}}" in
  "" | C | C.* | POSIX)
    export LANG=en_US.UTF-8
    unset LC_ALL
    ;;
esac

if [ -z "${DISPLAY:-}" ]; then
  exec xvfb-run -a -s "-screen 0 1280x800x24" dbus-run-session -- "$bench" "$@"
elif [ -z "${DBUS_SESSION_BUS_ADDRESS:-}" ]; then
  exec dbus-run-session -- "$bench" "$@"
else
  exec "$bench" "$@"
fi
