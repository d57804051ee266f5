#!/usr/bin/env bash
# Startup time and memory of the release app with 50 running containers:
#   bash scripts/bench.sh [--containers N] [--runs N] [--idle SECONDS] [--knobs] [--knob-runs N]
#
# Sets the machine up (scripts/setup.sh), builds the UI and the release app (UI embedded),
# then runs tests/src/bin/bench_startup.rs, which launches the app 5 times and prints each
# startup (spawn -> first real screen painted and window shown), the median and where the time
# goes, the memory (PSS of the app and its WebKit processes after 5 s idle, by process and by
# mapping) against the targets (<= 1 s, <= 150 MB), the floor (the same binary opening an
# empty window, BERTH_EMPTY_WINDOW=1) measured the same way in the same run, and
# `docker ps -a` for reference; `--knobs` also tries each memory knob alone (median of 3
# launches each). A benchmark, not a test: it fails only when it cannot measure. Without a
# display it runs under Xvfb (and a session bus).
# BERTH_BENCH_APP=/path/to/berth skips the release build and measures that binary.

set -euo pipefail
cd "$(dirname "$0")/.."

# shellcheck source=scripts/bench-app.sh
source scripts/bench-app.sh
bench_app_run bench_startup "$@"
