#!/usr/bin/env bash
# Launch benchmark: 30 replicas through Berth's launcher, through a `docker run -d` loop, and
# through the engine's limit (raw API create+start at the best of several concurrencies), in
# one run; prints each time and the ratios (targets: Berth <= 1.1x the engine's limit and
# <= 0.6x the CLI loop).
#   bash scripts/bench-launch.sh [--replicas N] [--concurrency N]
# A benchmark, not a test: it fails only when it cannot measure. Everything it creates is
# labelled berth.test=<run id> and removed.

set -euo pipefail
cd "$(dirname "$0")/.."

if [ -f scripts/setup.sh ]; then
  export BERTH_SETUP_E2E=0
  # shellcheck source=scripts/setup.sh
  source scripts/setup.sh
  berth_setup
fi

# A debug build is enough: the time is the engine's, the launcher's own work is microseconds
# (and it shares the test crate's compiled dependencies).
cargo build -p berth-tests --bin bench_launch
exec target/debug/bench_launch "$@"
