#!/usr/bin/env bash
# Builds Berth's release packages:  bash scripts/package.sh
#
# Tauri's own bundlers (`tauri build`, the CLI is a UI dev dependency) make a Debian package and
# an RPM from a release build with the UI embedded; nothing is downloaded at build time (no
# AppImage: its bundler downloads tools). Same features as scripts/run.sh, so a release build
# run.sh already made is reused. Prints where each package is and its size.
#
#   bash scripts/package.sh            # .deb and .rpm
#   bash scripts/package.sh deb        # the .deb only
#
# Install: sudo apt install ./target/release/bundle/deb/berth_<version>_amd64.deb

set -euo pipefail
cd "$(dirname "$0")/.."

export BERTH_SETUP_E2E=0
# shellcheck source=scripts/setup.sh
source scripts/setup.sh
berth_setup

bundles="${1:-deb,rpm}"
case "$bundles" in
  deb | rpm | deb,rpm | rpm,deb) ;;
  *) berth_die "bundles: deb, rpm or deb,rpm, not $bundles" ;;
esac

berth_log "building the release packages ($bundles); a first release build takes a while"
# The CLI runs the UI build first (beforeBuildCommand in tauri.conf.json).
ui/node_modules/.bin/tauri build --ci --bundles "$bundles" --features custom-protocol

# Tauri names the files after the product (Berth_0.1.0_amd64.deb); the package inside is
# `berth`, and so are the files here (berth_0.1.0_amd64.deb, berth-0.1.0-1.x86_64.rpm).
bundle="${CARGO_TARGET_DIR:-target}/release/bundle"
for f in "$bundle"/deb/Berth_*.deb "$bundle"/rpm/Berth-*.rpm; do
  if [ -e "$f" ]; then
    mv -f "$f" "$(dirname "$f")/berth$(basename "$f" | cut -c6-)"
  fi
done
for f in "$bundle"/deb/berth_*.deb "$bundle"/rpm/berth-*.rpm; do
  if [ -e "$f" ]; then
    printf '%s\t%s\n' "$(du -h "$f" | cut -f1)" "$f"
  fi
done
