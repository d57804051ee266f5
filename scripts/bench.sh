#!/usr/bin/env bash
# Startup time and memory of the release app with 50 running containers:
#   bash scripts/bench.sh [--containers N] [--runs N] [--idle SECONDS]
#
# Sets the machine up (scripts/setup.sh), builds the UI and the release app (UI embedded),
# then runs tests/src/bin/bench_startup.rs, which launches the app 5 times and prints each
# startup (spawn -> first real screen painted and window shown), the median, the memory
# (PSS of the app and its WebKit processes after 5 s idle) against the targets (<= 1 s,
# <= 150 MB), and `docker ps -a` for reference. A benchmark, not a test: it fails only when it
# cannot measure. Without a display it runs under Xvfb (and a session bus).
# BERTH_BENCH_APP=/path/to/berth skips the release build and measures that binary.

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
echo "==> building the benchmark" >&2
cargo build -p berth-tests --bin bench_startup
bench="$PWD/target/debug/bench_startup"

# WebKitGTK needs a real UTF-8 locale; without a GPU, compositing only costs memory.
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
