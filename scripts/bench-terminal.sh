#!/usr/bin/env bash
# Terminal benchmark (#16), in one run on the same engine:
#  1. tests/src/bin/bench_terminal.rs: round trip of 1,000 keystrokes and a `cat` of a 20 MiB
#     file, Berth's exec path (the core service the app runs) against `docker exec -it` under a
#     pseudo-terminal; rounds alternate the two; medians and ratios against the 1.5x target.
#  2. the window: the gaps between animation frames of the real app window (WebDriver) while
#     the Terminal tab shows a `cat` of 20 MiB (target: no frame over 100 ms); it is the
#     ignored e2e test terminal::bench_window_frames_during_a_20_mib_cat.
#   bash scripts/bench-terminal.sh [--keys N] [--mib N] [--rounds N]
# BERTH_BENCH_WINDOW=0 skips part 2 (it needs the app built with the UI and tauri-driver).
# A benchmark, not a test: it fails only when it cannot measure. Everything it creates is
# labelled berth.test=<run id> and removed.

set -euo pipefail
cd "$(dirname "$0")/.."

window=${BERTH_BENCH_WINDOW:-1}
if [ -f scripts/setup.sh ]; then
  export BERTH_SETUP_E2E=$window
  # shellcheck source=scripts/setup.sh
  source scripts/setup.sh
  berth_setup
fi

# Release, as the app ships: a debug build of the core adds its own overhead to each keystroke.
echo "==> building the benchmark (release)" >&2
cargo build --release -p berth-tests --bin bench_terminal
target/release/bench_terminal "$@"

[ "$window" = 1 ] || exit 0
echo "==> the window during a cat of 20 MiB (builds the UI and the app with it embedded)" >&2
# shellcheck source=scripts/bench-app.sh
source scripts/bench-app.sh
bench_window_test terminal::bench_window_frames_during_a_20_mib_cat
