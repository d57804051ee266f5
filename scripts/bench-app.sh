# Sourced by the benchmarks that measure the release app's window (bench.sh, bench-idle.sh,
# bench-scale.sh, bench-terminal.sh): one home for setting the machine up, building the app once
# and running a bench binary where WebKitGTK can draw, and for running an ignored e2e benchmark
# in the real window (bench_window_test). Not run on its own.
#   bench_app_run BIN [ARGS...]
# Sets the machine up (scripts/setup.sh), builds the UI and the release app unless
# BERTH_BENCH_APP names a binary to measure, builds tests/src/bin/BIN.rs, and runs it with
# ARGS under Xvfb and a session bus when there is none (the tray's menu is on the bus).

bench_app_run() {
  local bin=$1
  shift
  if [ -f scripts/setup.sh ]; then
    export BERTH_SETUP_E2E=0
    # shellcheck source=scripts/setup.sh
    source scripts/setup.sh
    berth_setup
  fi
  if [ -z "${BERTH_BENCH_APP:-}" ]; then
    echo "==> building the UI and the release app (several minutes the first time)" >&2
    npm --prefix ui run build
    cargo build --release -p berth --features custom-protocol
    export BERTH_BENCH_APP="$PWD/target/release/berth"
  fi
  echo "==> building the benchmark" >&2
  cargo build -p berth-tests --bin "$bin"
  local bench="$PWD/target/debug/$bin"
  # WebKitGTK needs a real UTF-8 locale.
  case "${LC_ALL:-${LANG:-}}" in
    "" | C | C.* | POSIX)
      export LANG=en_US.UTF-8
      unset LC_ALL
      ;;
  esac
  if [ -z "${DISPLAY:-}" ]; then
    exec xvfb-run -a -s "-screen 0 1280x800x24" dbus-run-session -- "$bench" "$@"
  elif [ -z "${DBUS_SESSION_BUS_ADDRESS:-}" ]; then
    exec dbus-run-session -- "$bench" "$@"
  else
    exec "$bench" "$@"
  fi
}

#   bench_window_test TEST
# Runs the ignored e2e benchmark TEST (e.g. terminal::bench_…) against the debug app with the UI
# embedded (built here), in a virtual display when there is none. The caller has run
# scripts/setup.sh with BERTH_SETUP_E2E=1 (tauri-driver, WebKitWebDriver).
bench_window_test() {
  npm --prefix ui run build
  cargo build -p berth --features custom-protocol
  export BERTH_APP="$PWD/target/debug/berth"
  # WebKitGTK needs a real UTF-8 locale; without a GPU, compositing only costs memory.
  export LANG=en_US.UTF-8 WEBKIT_DISABLE_COMPOSITING_MODE=1
  unset LC_ALL
  local test=(cargo test -p berth-tests --test e2e -- --test-threads=1 --ignored --nocapture "$1")
  if [ -z "${DISPLAY:-}" ]; then
    xvfb-run -a -s "-screen 0 1280x800x24" dbus-run-session -- "${test[@]}"
  else
    "${test[@]}"
  fi
}
