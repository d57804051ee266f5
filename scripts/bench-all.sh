#!/usr/bin/env bash
# Every benchmark of issue #17 in one go, on one release build, then one summary of each
# figure with its target and its side-by-side reference:
#   bash scripts/bench-all.sh
# 1. startup and memory, 50 running containers, with the PSS by mapping and WebKit/JSC memory
#    knobs tried one at a time (scripts/bench.sh --knobs; reference `docker ps -a`)
# 2. idle cost, 50 running containers, window open / hidden in the tray (scripts/bench-idle.sh;
#    reference: the engine with no Berth)
# 3. stats: the list + one detail, and 20 charted, vs `docker stats` (scripts/bench-stats.sh)
# 4. launching 30 replicas vs the engine's limit and a `docker run` loop (scripts/bench-launch.sh)
# 5. scale: 1,000 containers and 300 images (scripts/bench-scale.sh; reference `docker ps -a`)
# 6. sizes: the release binary and the .deb (scripts/package.sh makes it), if present
# Each part's full output is kept in $BERTH_BENCH_LOGS (default target/bench-logs/). It takes
# about 20 minutes; figures on a machine doing other work carry that work: the load average
# is printed with every part. BERTH_BENCH_APP=/path/to/berth skips the release build.

set -uo pipefail
cd "$(dirname "$0")/.."

logs="${BERTH_BENCH_LOGS:-$PWD/target/bench-logs}"
mkdir -p "$logs"

if [ -z "${BERTH_BENCH_APP:-}" ]; then
  echo "==> building the UI and the release app once for every part" >&2
  npm --prefix ui run build || exit 1
  cargo build --release -p berth --features custom-protocol || exit 1
  export BERTH_BENCH_APP="$PWD/target/release/berth"
fi
cargo build -p berth-tests --bin bench_startup --bin bench_idle --bin bench_stats \
  --bin bench_launch --bin bench_scale || exit 1

status=0
part() {
  local name=$1
  shift
  echo
  echo "================ $name [$(date -u +%H:%M:%S) UTC, load $(cut -d' ' -f1-3 /proc/loadavg)]"
  if ! bash "$@" 2>&1 | tee "$logs/$name.log"; then
    echo "!! $name failed (see $logs/$name.log)"
    status=1
  fi
}

part startup scripts/bench.sh --knobs
part idle scripts/bench-idle.sh
part stats scripts/bench-stats.sh
part launch scripts/bench-launch.sh
part scale scripts/bench-scale.sh

echo
echo "================ summary (full output in $logs)"
mib() { awk -v b="$1" 'BEGIN { printf "%.1f MiB", b / 1048576 }'; }
echo "sizes:"
echo "  release binary  $(mib "$(stat -c %s "$BERTH_BENCH_APP")")  ($BERTH_BENCH_APP)"
deb=$(ls -t target/release/bundle/deb/*.deb 2>/dev/null | head -n 1)
if [ -n "$deb" ]; then
  echo "  .deb package    $(mib "$(stat -c %s "$deb")")  ($deb)"
else
  echo "  .deb package    not built (bash scripts/package.sh makes it)"
fi
for name in startup idle stats launch scale; do
  echo "$name:"
  if [ "$name" = stats ]; then
    # Its figures are the table of the least of the rounds.
    sed -n '/least of/,/CPU seconds/p' "$logs/$name.log" | sed 's/^/  /'
    continue
  fi
  # The session bus's activation lines name the app's path too: not figures.
  grep -E "target|reference|OVER|x that|vs " "$logs/$name.log" | grep -vE "^==>|Finished|Compiling|dbus-daemon" | sed 's/^/  /'
done
exit $status
