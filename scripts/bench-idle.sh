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

# shellcheck source=scripts/bench-app.sh
source scripts/bench-app.sh
bench_app_run bench_idle "$@"
