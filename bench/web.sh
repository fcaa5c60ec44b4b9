#!/usr/bin/env bash
# Browser benchmark of the grid on a 100,000-row table, one command:
#
#   bash bench/web.sh
#
# Builds worktable in Release (build-release/, as bench/run.sh does), installs what is missing
# (Debian's chromium, the web/ npm packages), then bench/web.mjs starts the server on a free
# loopback port with a temporary data folder, loads the table through the import API, and
# times the grid in headless Chromium. Kept apart from bench/run.sh: that one measures the
# HTTP server with wrk; this one measures the page.
#
# Environment (all optional):
#   BENCH_ROWS       rows of the table (default 100000)
#   BENCH_WEB_RUNS   tries per figure, the median is printed (default 5)
#   BENCH_BUILD_DIR  build folder (default <repo>/build-release)
#   WORKTABLE_BINARY a worktable binary to use instead of building one
#   BENCH_STRICT=1   exit 1 when a target is missed
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_DIR=${BENCH_BUILD_DIR:-$ROOT/build-release}
SUDO=""
[[ $(id -u) -eq 0 ]] || SUDO=sudo

missing=()
command -v node >/dev/null 2>&1 || missing+=(nodejs npm)
[[ -x /usr/bin/chromium ]] || missing+=(chromium)
if ((${#missing[@]})); then
  echo "== Installing ${missing[*]}"
  $SUDO apt-get update -o DPkg::Lock::Timeout=600 >/dev/null
  $SUDO apt-get install -y -o DPkg::Lock::Timeout=600 "${missing[@]}" >/dev/null
fi
if [[ ! -d $ROOT/web/node_modules ]]; then
  echo "== npm ci --prefix web"
  npm ci --prefix "$ROOT/web" --no-audit --no-fund >/dev/null
fi

if [[ -n ${WORKTABLE_BINARY:-} ]]; then
  echo "== Server binary given: $WORKTABLE_BINARY (no build)"
else
  echo "== Build (Release, $BUILD_DIR; compiler output in $BUILD_DIR/web-bench-build.log)"
  mkdir -p "$BUILD_DIR"
  log=$BUILD_DIR/web-bench-build.log
  { cmake -S "$ROOT" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF -DWORKTABLE_WERROR=OFF &&
    cmake --build "$BUILD_DIR" --target worktable -j "$(nproc)"; } >"$log" 2>&1 || { tail -n 40 "$log"; exit 1; }
  echo "built ($(grep -c 'warning:' "$log" || true) compiler warnings)"
  WORKTABLE_BINARY=$BUILD_DIR/server/worktable
fi

echo "== Grid in headless Chromium"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
WORKTABLE_BINARY=$WORKTABLE_BINARY node "$ROOT/bench/web.mjs"
