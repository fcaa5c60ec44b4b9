#!/usr/bin/env bash
# Installs what is missing, builds with warnings as errors, and runs every test under ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=build bash scripts/setup.sh -DBUILD_TESTING=ON -DWORKTABLE_WERROR=ON
cd build
ctest --output-on-failure -j2 --timeout 300 -LE web
# The browser journeys drive a real Chromium, one at a time (they share the web_browser lock).
ctest --output-on-failure --timeout 600 -L web
