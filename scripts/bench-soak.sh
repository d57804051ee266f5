#!/usr/bin/env bash
# Soak benchmark: 500 launch/remove cycles (2 replicas each) through Berth's launcher, in one
# process against the real engine; prints the process's resident memory at the start, after
# the warm-up and at the end, the growth after the warm-up (target < 5 %) and the containers
# left behind (target 0).
#   bash scripts/bench-soak.sh [--cycles N] [--warmup N] [--replicas N]
# A benchmark, not a test (not part of CI): it fails only when it cannot measure or a cycle
# fails. Everything it creates is labelled berth.test=<run id> and removed.

set -euo pipefail
cd "$(dirname "$0")/.."

if [ -f scripts/setup.sh ]; then
  export BERTH_SETUP_E2E=0
  # shellcheck source=scripts/setup.sh
  source scripts/setup.sh
  berth_setup
fi

# Release: memory is measured as the app would use it (the allocator's behaviour and the
# code's own buffers, without debug-build overheads).
cargo build --release -p berth-tests --bin bench_soak
exec target/release/bench_soak "$@"
