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

# shellcheck source=scripts/bench-app.sh
source scripts/bench-app.sh
bench_app_run bench_scale "$@"
