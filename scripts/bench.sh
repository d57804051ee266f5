#!/usr/bin/env bash
# Startup time and memory of the release app with 50 running containers:
#   bash scripts/bench.sh [--containers N] [--runs N] [--idle SECONDS] [--knobs] [--knob-runs N]
#
# Sets the machine up (scripts/setup.sh), builds the UI and the release app (UI embedded) and
# the empty window beside it (src-tauri/examples/empty_window.rs: the floor), then runs
# tests/src/bin/bench_startup.rs, which launches the app 5 times and prints each startup
# (spawn -> first real screen painted and window shown), the median and where the time goes,
# the memory (PSS of the app and its WebKit processes after 5 s idle, by process and by
# mapping) against the targets (<= 1 s, <= 150 MB), the empty window's memory measured the
# same way in the same run, and `docker ps -a` for reference; `--knobs` also tries each memory
# knob alone (median of 3 launches each). A benchmark, not a test: it fails only when it
# cannot measure. Without a display it runs under Xvfb (and a session bus).
# BERTH_BENCH_APP=/path/to/berth skips the release build and measures that binary (and the
# empty window in examples/ beside it, when there is one).

set -euo pipefail
cd "$(dirname "$0")/.."

# The floor, built with the release app's profile and features: only the example compiles
# (and the UI it embeds, as the app does, must exist first).
if [ -z "${BERTH_BENCH_APP:-}" ]; then
  [ -f ui/dist/index.html ] || npm --prefix ui run build
  echo "==> building the empty window (the floor)" >&2
  cargo build --release -p berth --features custom-protocol --example empty_window
fi

# shellcheck source=scripts/bench-app.sh
source scripts/bench-app.sh
bench_app_run bench_startup "$@"
