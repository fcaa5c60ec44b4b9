#!/usr/bin/env bash
# Installs what is missing, builds, and starts Worktable on http://127.0.0.1:${PORT:-8080}
# with its data in ./data (a demo company is created on the first start).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=build-run bash scripts/setup.sh -DBUILD_TESTING=OFF
exec ./build-run/server/worktable --port "${PORT:-8080}" --data "${DATA_DIR:-data}" "$@"
