#!/usr/bin/env bash
# Scale (issue #17): an engine with 1,000 created containers and 300 image tags of one local
# image (no pulls). Prints, in one run:
#  1. tests/src/bin/bench_scale.rs: the release app's first painted list (target <= 1.5 s)
#     beside `docker ps -a`, the backend's inventory refresh after one container event
#     (<= 100 ms; beside it the same with a full listing) and how many refreshes 100 events in
#     about a second cause (<= 3);
#  2. the window: the gaps between animation frames while a script scrolls the container list
#     with 1,000 containers from top to bottom (target: every frame under 32 ms); it is the
#     ignored e2e test scroll_frames::bench_scroll_frames_with_1000_containers.
#   bash scripts/bench-scale.sh [--containers N] [--images N] [--runs N]
# BERTH_BENCH_APP=/path/to/berth skips the release build and measures that binary.
# BERTH_BENCH_WINDOW=0 skips part 2 (it needs the app built with the UI and tauri-driver).
# A benchmark, not a test. Everything it creates is labelled berth.test=<run id> and removed.

set -euo pipefail
cd "$(dirname "$0")/.."

# shellcheck source=scripts/bench-app.sh
source scripts/bench-app.sh
# A subshell: bench_app_run ends in `exec`.
(bench_app_run bench_scale "$@")

[ "${BERTH_BENCH_WINDOW:-1}" = 1 ] || exit 0
echo "==> the window while scrolling 1,000 containers (builds the UI and the app with it embedded)" >&2
if [ -f scripts/setup.sh ]; then
  export BERTH_SETUP_E2E=1
  # shellcheck source=scripts/setup.sh
  source scripts/setup.sh
  berth_setup
fi
bench_window_test scroll_frames::bench_scroll_frames_with_1000_containers
