#!/usr/bin/env bash
# Installs what is missing (Debian 12, as root) and builds Worktable into build/ (or $BUILD_DIR).
# Usage: bash scripts/setup.sh [extra cmake args]
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(build-essential cmake pkg-config libpoco-dev libsqlite3-dev libgtest-dev libgmock-dev
          libsodium-dev libcsv-dev libpq-dev postgresql nginx nodejs chromium)
# The web UI's npm packages (AG Grid, playwright-core for the browser tests) come with npm; a
# nodejs from elsewhere may bundle its own npm (and conflict with Debian's package).
command -v npm > /dev/null 2>&1 || packages+=(npm)
packages+=(${EXTRA_PACKAGES:-})

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing: ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo_cmd apt-get update -q -o DPkg::Lock::Timeout=600
  $sudo_cmd apt-get install -y -q -o DPkg::Lock::Timeout=600 "${missing[@]}"
fi

# The web UI's packages, pinned by web/package-lock.json (node_modules is not committed).
if [ ! -d web/node_modules ] || [ web/package-lock.json -nt web/node_modules/.package-lock.json ]; then
  npm ci --prefix web --no-audit --no-fund
fi

build_dir=${BUILD_DIR:-build}
cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=${BUILD_TYPE:-RelWithDebInfo} "$@" > "$build_dir.cmake.log" 2>&1 \
  || { cat "$build_dir.cmake.log"; exit 1; }
cmake --build "$build_dir" -j"$(nproc)"
