#!/usr/bin/env bash
# Stats benchmark: 20 running containers watched for 20 s by Berth's stats hub ((a) the list's
# columns plus one open detail, (b) all 20 charted each second) and by `docker stats`
# (streaming), in one run, beside the engine's idle baseline; prints the CPU seconds of the
# engine (dockerd + containerd + shims) and of each watcher, the ratios (target: Berth <= 0.5x),
# and the RSS of 15 minutes of history for 50 containers.
#   bash scripts/bench-stats.sh [--containers N] [--seconds N] [--rounds N]
# A benchmark, not a test. Everything it creates is labelled berth.test=<run id> and removed.

set -euo pipefail
cd "$(dirname "$0")/.."

if [ -f scripts/setup.sh ]; then
  export BERTH_SETUP_E2E=0
  # shellcheck source=scripts/setup.sh
  source scripts/setup.sh
  berth_setup
fi

cargo build -p berth-tests --bin bench_stats
exec target/debug/bench_stats "$@"
