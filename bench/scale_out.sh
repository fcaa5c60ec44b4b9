#!/usr/bin/env bash
# Scale-out benchmark (issue 7): one, then two worktable servers on one PostgreSQL database,
# behind Debian's nginx on loopback; wrk reads records and PATCHes them through nginx and
# prints requests/s and p99 for each, with the ratio two servers / one server.
#
#   bash bench/scale_out.sh
#
# Needs root (or sudo) for the throwaway PostgreSQL cluster (scripts/with_postgresql.sh) and
# to install nginx and wrk when missing. Environment (all optional):
#   BENCH_DURATION  length of each wrk run (default 10s)
#   BENCH_ROWS      rows of the table (default 20000)
#   BENCH_BUILD_DIR build folder holding server/worktable (default <repo>/build-release,
#                   built in Release when missing)
# On a 2-core machine the servers, PostgreSQL, nginx and wrk share the same cores: a second
# server can only help as far as a core is idle with one; the figures say how far that is.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH_DIR=$ROOT/bench
export BENCH_DIR PYTHONDONTWRITEBYTECODE=1

if [ -z "${WORKTABLE_TEST_PG_URL:-}" ]; then
  exec bash "$ROOT/scripts/with_postgresql.sh" bash "$0" "$@"
fi

BUILD_DIR=${BENCH_BUILD_DIR:-$ROOT/build-release}
DURATION=${BENCH_DURATION:-10s}
ROWS=${BENCH_ROWS:-20000}
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo

missing=()
command -v nginx > /dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx)
command -v wrk > /dev/null 2>&1 || missing+=(wrk)
if [ ${#missing[@]} -gt 0 ]; then
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q -o DPkg::Lock::Timeout=600 "${missing[@]}" > /dev/null
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

if [ ! -x "$BUILD_DIR/server/worktable" ]; then
  cmake -S "$ROOT" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release > /dev/null
  cmake --build "$BUILD_DIR" -j"$(nproc)" --target worktable
fi

WORK=$(mktemp -d /tmp/worktable-scale.XXXXXX)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2> /dev/null || true; done
  wait 2> /dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

free_port() {
  local port=$((20000 + RANDOM % 30000))
  while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2> /dev/null; do port=$((20000 + RANDOM % 30000)); done
  echo "$port"
}
wait_healthy() {
  for _ in $(seq 100); do
    curl -fs "http://127.0.0.1:$1/healthz" > /dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "nothing answers on port $1" >&2
  exit 1
}

DB_URL="${WORKTABLE_TEST_PG_URL%/*}/bench"
psql "$WORKTABLE_TEST_PG_URL" -qc "CREATE DATABASE bench" > /dev/null
start_server() {  # port
  mkdir -p "$WORK/server-$1"
  "$BUILD_DIR/server/worktable" --port "$1" --data "$WORK/server-$1" --db "$DB_URL" --no-demo \
    > "$WORK/server-$1.log" 2>&1 &
  PIDS+=($!)
  wait_healthy "$1"
}
A=$(free_port)
start_server "$A"
B=$(free_port)
start_server "$B"
echo "servers on ports $A and $B, database $DB_URL"

python3 "$BENCH_DIR/bench_api.py" setup --base "http://127.0.0.1:$A" --out "$WORK/setup" --rows "$ROWS" \
  --chunk 10000 > "$WORK/setup.log" 2>&1 || { cat "$WORK/setup.log"; exit 1; }
# shellcheck disable=SC1091
source "$WORK/setup/env"

NGINX_PORT=$(free_port)
start_nginx() {  # upstream servers (ports)
  local upstream=""
  for port in "$@"; do upstream+="    server 127.0.0.1:$port;"$'\n'; done
  mkdir -p "$WORK/nginx"
  cat > "$WORK/nginx/nginx.conf" <<CONF
worker_processes 1;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $WORK/nginx/body;
  proxy_temp_path $WORK/nginx/proxy;
  upstream worktable {
    least_conn;
$upstream    keepalive 64;
  }
  server {
    listen 127.0.0.1:$NGINX_PORT;
    location / {
      proxy_pass http://worktable;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }
  }
}
CONF
  "$NGINX" -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" -g 'daemon off;' &
  NGINX_PID=$!
  wait_healthy "$NGINX_PORT"
}
stop_nginx() {
  kill -QUIT "$NGINX_PID" 2> /dev/null || true
  wait "$NGINX_PID" 2> /dev/null || true
}

declare -A R
run_wrk() {  # name script
  local out=$WORK/wrk-$1.txt
  BENCH_TOKEN=$BENCH_TOKEN BENCH_TID=$BENCH_TID BENCH_IDS=$WORK/setup/ids BENCH_SEED=${BENCH_SEED:-0} \
    wrk -t2 -c32 -d"$DURATION" --timeout 10s --latency -s "$BENCH_DIR/$2" "http://127.0.0.1:$NGINX_PORT" \
    > "$out" 2>&1 || { cat "$out"; exit 1; }
  local line kv
  line=$(grep -m1 '^BENCH_RESULT ' "$out") || { cat "$out"; exit 1; }
  for kv in ${line#BENCH_RESULT }; do R[$1.${kv%%=*}]=${kv#*=}; done
  printf '  %-10s %9.0f req/s   p99 %7.2f ms   non-2xx %s\n' "$1" "${R[$1.rps]}" \
    "$(awk -v u="${R[$1.p99_us]}" 'BEGIN {print u / 1000}')" "${R[$1.status_errors]}"
}

echo "== one server behind nginx (wrk -t2 -c32, $DURATION each)"
start_nginx "$A"
run_wrk get1 get_one.lua
run_wrk patch1 patch.lua
stop_nginx
echo "== two servers behind nginx"
start_nginx "$A" "$B"
run_wrk get2 get_one.lua
# Other random values than patch1's: the same ones would change nothing, and write nothing.
BENCH_SEED=1 run_wrk patch2 patch.lua
stop_nginx

echo
echo "| Measure | One server | Two servers | Two / one |"
echo "|---|---:|---:|---:|"
for m in get patch; do
  printf '| %s req/s | %.0f | %.0f | %.2f |\n' "$m" "${R[${m}1.rps]}" "${R[${m}2.rps]}" \
    "$(awk -v a="${R[${m}2.rps]}" -v b="${R[${m}1.rps]}" 'BEGIN {print a / b}')"
  printf '| %s p99 ms | %.2f | %.2f | |\n' "$m" "$(awk -v u="${R[${m}1.p99_us]}" 'BEGIN {print u / 1000}')" \
    "$(awk -v u="${R[${m}2.p99_us]}" 'BEGIN {print u / 1000}')"
done
echo "($(nproc) cores shared by PostgreSQL, the servers, nginx and wrk; load average $(cut -d' ' -f1 /proc/loadavg))"
