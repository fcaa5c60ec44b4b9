#!/usr/bin/env bash
# Installs what is missing, builds with warnings as errors, and runs every test under ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=build bash scripts/setup.sh -DBUILD_TESTING=ON -DWORKTABLE_WERROR=ON
cd build
ctest --output-on-failure -j2 --timeout 300
