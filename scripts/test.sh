#!/usr/bin/env bash
# Installs what is missing, builds with warnings as errors, and runs every test under ctest.
# The API tests run twice, on SQLite and (label pg) on a throwaway PostgreSQL cluster that
# scripts/with_postgresql.sh starts on loopback and removes afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=build bash scripts/setup.sh -DBUILD_TESTING=ON -DWORKTABLE_WERROR=ON
cd build
bash ../scripts/with_postgresql.sh ctest --output-on-failure -j2 --timeout 300 -LE web
# The browser journeys drive a real Chromium, one at a time (they share the web_browser lock).
ctest --output-on-failure --timeout 600 -L web
