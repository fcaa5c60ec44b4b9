#!/usr/bin/env bash
# Worktable benchmark: one command, from the repository root or anywhere.
#
#   bash bench/run.sh
#
# Builds worktable and bench_ceiling in Release (build-release/), installs wrk
# if missing, starts the server on a free loopback port with a temporary data
# folder, loads a 100,000-row table through the API, measures with wrk, and
# prints each figure beside its target and beside the same figure for
# bench_ceiling (a minimal Poco HTTPServer answering a constant JSON). The
# summary, a Markdown table, is also written to bench/results.md.
#
# Environment (all optional):
#   BENCH_DURATION  length of each wrk run (default 10s)
#   BENCH_ROWS      rows of the big table (default 100000)
#   BENCH_PATCH_PAIRS  alternated ceiling/worktable PATCH runs (default 3; the median is judged)
#   BENCH_BUILD_DIR build folder (default <repo>/build-release)
#   BENCH_KEEP=1    keep the temporary folder (data, logs, wrk outputs)
#   BENCH_STRICT=1  exit 1 when a target is missed
#   BENCH_IMPORT=0  skip the import and export figures (bench/import.sh)
#   BENCH_WEB=0     skip the browser figures (bench/web.sh)
# shellcheck disable=SC2153  # BENCH_TID, BENCH_TOKEN, ... come from the set-up's env file
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH_DIR=$ROOT/bench
BUILD_DIR=${BENCH_BUILD_DIR:-$ROOT/build-release}
DURATION=${BENCH_DURATION:-10s}
ROWS=${BENCH_ROWS:-100000}
PATCH_PAIRS=${BENCH_PATCH_PAIRS:-3}
CHUNK=10000
PAGE_QUERY="offset=$((ROWS * 9 / 10))&limit=100&sort=Name"
RESULTS_MD=$BENCH_DIR/results.md
export BENCH_DIR
export PYTHONDONTWRITEBYTECODE=1  # no __pycache__ in bench/

WORK=$(mktemp -d /tmp/worktable-bench.XXXXXX)
WT_PID=""
CEIL_PID=""
STARTED=$(date +%s)

say() { printf '%s\n' "$*"; }
step() { printf '\n== %s\n' "$*"; }
die() {
  printf 'bench: ERROR: %s\n' "$*" >&2
  BENCH_KEEP=1
  exit 1
}

stop_pid() {
  local pid=$1
  [[ -n $pid ]] || return 0
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 50); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

cleanup() {
  local rc=$?
  stop_pid "$WT_PID"
  stop_pid "$CEIL_PID"
  if [[ ${BENCH_KEEP:-0} == 1 || $rc -ne 0 ]]; then
    printf 'bench: logs, data and wrk outputs kept in %s\n' "$WORK" >&2
    if [[ $rc -ne 0 && -s $WORK/worktable.log ]]; then
      printf 'bench: last lines of the server log:\n' >&2
      tail -n 20 "$WORK/worktable.log" >&2 || true
    fi
  else
    rm -rf "$WORK"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------- build
step "Build (Release, $BUILD_DIR)"
build_started=$(date +%s)
# Warnings stay warnings here: a benchmark build should not fail on one (they are
# counted below). Tests are not built.
cmake -S "$ROOT" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF \
  -DWORKTABLE_WERROR=OFF >"$WORK/build.log" 2>&1 || { tail -n 40 "$WORK/build.log"; die "cmake configure failed"; }
if grep -Eq '^[[:space:]]*add_subdirectory\(bench' "$ROOT/CMakeLists.txt"; then
  cmake --build "$BUILD_DIR" --target worktable bench_ceiling -j "$(nproc)" >>"$WORK/build.log" 2>&1 ||
    { tail -n 40 "$WORK/build.log"; die "build failed"; }
  CEILING=$BUILD_DIR/bench/bench_ceiling
else
  # The top level does not include bench/ (yet): build the ceiling as a project of its own.
  cmake --build "$BUILD_DIR" --target worktable -j "$(nproc)" >>"$WORK/build.log" 2>&1 ||
    { tail -n 40 "$WORK/build.log"; die "build of worktable failed"; }
  {
    cmake -S "$BENCH_DIR" -B "$BUILD_DIR/bench-standalone" -DCMAKE_BUILD_TYPE=Release >>"$WORK/build.log" 2>&1 &&
      cmake --build "$BUILD_DIR/bench-standalone" --target bench_ceiling -j "$(nproc)" >>"$WORK/build.log" 2>&1
  } || { tail -n 40 "$WORK/build.log"; die "build of bench_ceiling failed"; }
  CEILING=$BUILD_DIR/bench-standalone/bench_ceiling
fi
WORKTABLE=$BUILD_DIR/server/worktable
[[ -x $WORKTABLE ]] || die "$WORKTABLE was not built"
[[ -x $CEILING ]] || die "$CEILING was not built"
warnings=$(grep -c 'warning:' "$WORK/build.log" || true)
say "built in $(($(date +%s) - build_started)) s ($warnings compiler warnings)"

# ---------------------------------------------------------------- wrk
if ! command -v wrk >/dev/null 2>&1; then
  step "Installing wrk"
  SUDO=""
  [[ $(id -u) -eq 0 ]] || SUDO=sudo
  $SUDO apt-get install -y -o DPkg::Lock::Timeout=600 wrk >"$WORK/apt.log" 2>&1 || {
    $SUDO apt-get update -o DPkg::Lock::Timeout=600 >>"$WORK/apt.log" 2>&1
    $SUDO apt-get install -y -o DPkg::Lock::Timeout=600 wrk >>"$WORK/apt.log" 2>&1
  } || { tail -n 20 "$WORK/apt.log"; die "could not install wrk"; }
fi
WRK_VERSION=$(wrk -v 2>&1 | head -n 1 | awk '{print $1, $2}' || true)

# ---------------------------------------------------------------- helpers
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

wait_http() { # pid url what
  local pid=$1 url=$2 what=$3
  for _ in $(seq 300); do
    kill -0 "$pid" 2>/dev/null || die "$what exited before answering $url"
    if curl -fsS -o /dev/null --max-time 2 "$url" 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  die "$what did not answer $url within 30 s"
}

rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
status_kb() { awk -v k="$2:" '$1 == k {print $2}' "/proc/$1/status"; }
hwm_kb() { awk '/^VmHWM:/ {print $2}' "/proc/$1/status"; }
RSS_TRAIL=()
# "STEP VmRSS (anon A, file F, shmem S)": file pages are the mmapped database.
note_rss() {
  RSS_TRAIL+=("$1 $(mb "$(rss_kb "$WT_PID")") (anon $(mb "$(status_kb "$WT_PID" RssAnon)"), file $(mb "$(status_kb "$WT_PID" RssFile)"), shmem $(mb "$(status_kb "$WT_PID" RssShmem)"))")
}
group() { sed ':a;s/\B[0-9]\{3\}\>/,&/;ta' <<<"$1"; }  # 100000 -> 100,000
mb() { awk -v k="$1" 'BEGIN {printf "%.1f", k / 1024}'; }
ms() { awk -v u="$1" 'BEGIN {printf "%.2f", u / 1000}'; }
num() { awk -v x="$1" 'BEGIN {printf "%.0f", x}'; }
pct() { awk -v a="$1" -v b="$2" 'BEGIN {if (b > 0) printf "%.0f%%", 100 * a / b; else print "n/a"}'; }
# le A B / ge A B: exit status of the comparison, in floating point.
le() { awk -v a="$1" -v b="$2" 'BEGIN {exit !(a <= b)}'; }
ge() { awk -v a="$1" -v b="$2" 'BEGIN {exit !(a >= b)}'; }

declare -A R  # R[run.key], from the BENCH_RESULT line that bench/common.lua prints
RUN_ORDER=()

run_wrk() { # name threads connections script base_url token tid
  local name=$1 threads=$2 conns=$3 script=$4 url=$5 token=$6 tid=$7
  local out=$WORK/wrk-$name.txt
  BENCH_TOKEN=$token BENCH_TID=$tid BENCH_IDS=$WORK/setup/ids BENCH_PAGE_QUERY=$PAGE_QUERY BENCH_SEED=${BENCH_SEED:-0} \
    wrk -t"$threads" -c"$conns" -d"$DURATION" --timeout 10s --latency -s "$BENCH_DIR/$script" "$url" \
    >"$out" 2>&1 || { cat "$out"; die "wrk $name failed"; }
  local line
  line=$(grep -m1 '^BENCH_RESULT ' "$out") || { cat "$out"; die "wrk $name printed no BENCH_RESULT line"; }
  local kv
  for kv in ${line#BENCH_RESULT }; do R[$name.${kv%%=*}]=${kv#*=}; done
  R[$name.errors]=$((R[$name.status_errors] + R[$name.connect_errors] + R[$name.read_errors] \
    + R[$name.write_errors] + R[$name.timeouts]))
  RUN_ORDER+=("$name")
  printf '  %-16s -t%s -c%-3s %9s req/s   p50 %7s ms   p99 %7s ms   non-2xx %s, socket errors %s\n' \
    "$name" "$threads" "$conns" "$(num "${R[$name.rps]}")" "$(ms "${R[$name.p50_us]}")" \
    "$(ms "${R[$name.p99_us]}")" "${R[$name.status_errors]}" \
    "$((R[$name.errors] - R[$name.status_errors]))"
}

# ---------------------------------------------------------------- servers
step "Servers"
CEIL_PORT=$(free_port)
"$CEILING" --port "$CEIL_PORT" >"$WORK/ceiling.log" 2>&1 &
CEIL_PID=$!
CEIL_URL=http://127.0.0.1:$CEIL_PORT
wait_http "$CEIL_PID" "$CEIL_URL/" bench_ceiling
say "bench_ceiling pid $CEIL_PID on $CEIL_URL"

WT_PORT=$(free_port)
mkdir -p "$WORK/data"
"$WORKTABLE" --port "$WT_PORT" --data "$WORK/data" >"$WORK/worktable.log" 2>&1 &
WT_PID=$!
WT_URL=http://127.0.0.1:$WT_PORT
wait_http "$WT_PID" "$WT_URL/healthz" worktable
RSS_IDLE_KB=$(rss_kb "$WT_PID")
note_rss "idle"
# Poco's ServerSocket sets SO_REUSEPORT: a server started on a port that is in use
# does not fail, the kernel shares the connections. Make sure ours is alone.
if command -v ss >/dev/null 2>&1; then
  listeners=$(ss -Hltn "sport = :$WT_PORT" | wc -l)
  ((listeners == 1)) || die "$listeners listeners on port $WT_PORT: another server shares it"
fi
say "worktable pid $WT_PID on $WT_URL, data in $WORK/data; idle RSS $(mb "$RSS_IDLE_KB") MB"

# ---------------------------------------------------------------- set-up
step "Set-up through the API ($ROWS rows, CSV import by $CHUNK)"
python3 "$BENCH_DIR/bench_api.py" setup --base "$WT_URL" --out "$WORK/setup" --rows "$ROWS" --chunk "$CHUNK" ||
  die "set-up failed"
# shellcheck disable=SC1091
source "$WORK/setup/env"
say "table $BENCH_TID loaded by $LOAD_MODE in ${LOAD_SECONDS} s ($LOAD_ROWS_PER_S rows/s); inserts go to table $BENCH_INSERT_TID"
note_rss "loaded"
[[ $CHECK_PROBLEMS == 0 ]] || say "($CHECK_PROBLEMS answers differed from API.md: see the warnings above)"

# ---------------------------------------------------------------- runs
step "wrk runs ($DURATION each; ceiling first, then worktable, same Lua script)"
LOAD_AVG=$(cut -d' ' -f1 /proc/loadavg)
if awk -v l="$LOAD_AVG" 'BEGIN {exit !(l > 1.5)}'; then
  say "  WARNING: load average $LOAD_AVG before the runs: something else is using the CPU, figures will be low"
fi
run_wrk ceiling-insert 1 1 insert.lua "$CEIL_URL" "$BENCH_TOKEN" "$BENCH_INSERT_TID"
run_wrk insert 1 1 insert.lua "$WT_URL" "$BENCH_TOKEN" "$BENCH_INSERT_TID"
note_rss "inserts"
# Every counted insert must be in the table (plus the one of the set-up check;
# wrk does not count answers still in flight when it stops).
INSERTED=$(python3 "$BENCH_DIR/bench_api.py" count --base "$WT_URL" --token "$BENCH_TOKEN" --tid "$BENCH_INSERT_TID") ||
  die "counting the inserted records failed"
if ((INSERTED < ${R[insert.requests]} + 1 - ${R[insert.errors]})); then
  say "  WARNING: wrk counted ${R[insert.requests]} inserts, the table has $INSERTED records"
fi
# PATCH in alternated pairs, ceiling then worktable: this machine's speed drifts by a third
# within minutes, so one pair's ratio says as much about the drift as about the server.
# The median pair is the figure judged. Each worktable run has its own seed: with the same
# one, wrk would send the values the run before stored, and a PATCH that changes nothing
# writes nothing (earlier sessions read that as a "second run 30-40% faster").
PATCH_RATIOS=()
for ((pair = 1; pair <= PATCH_PAIRS; pair++)); do
  run_wrk "ceiling-patch$pair" 2 32 patch.lua "$CEIL_URL" "$BENCH_TOKEN" "$BENCH_TID"
  BENCH_SEED=$pair run_wrk "patch$pair" 2 32 patch.lua "$WT_URL" "$BENCH_TOKEN" "$BENCH_TID"
  PATCH_RATIOS+=("$(awk -v a="${R[patch$pair.rps]}" -v b="${R[ceiling-patch$pair.rps]}" 'BEGIN {print a / b}') $pair")
done
MEDIAN_PAIR=$(printf '%s\n' "${PATCH_RATIOS[@]}" | sort -g | awk -v n="$PATCH_PAIRS" 'NR == int((n + 1) / 2) {print $2}')
for key in rps p50_us p99_us errors status_errors; do
  R[patch.$key]=${R[patch$MEDIAN_PAIR.$key]}
  R[ceiling-patch.$key]=${R[ceiling-patch$MEDIAN_PAIR.$key]}
done
PATCH_PAIRS_TEXT=$(for ((pair = 1; pair <= PATCH_PAIRS; pair++)); do
  printf '%s / %s (%s); ' "$(group "$(num "${R[patch$pair.rps]}")")" \
    "$(group "$(num "${R[ceiling-patch$pair.rps]}")")" "$(pct "${R[patch$pair.rps]}" "${R[ceiling-patch$pair.rps]}")"
done | sed 's/; $//')
say "  PATCH pairs (worktable / ceiling): $PATCH_PAIRS_TEXT; median pair $MEDIAN_PAIR"
note_rss "PATCH"
run_wrk ceiling-get 2 32 get_one.lua "$CEIL_URL" "$BENCH_TOKEN" "$BENCH_TID"
run_wrk get 2 32 get_one.lua "$WT_URL" "$BENCH_TOKEN" "$BENCH_TID"
note_rss "GET"
run_wrk ceiling-page 1 1 page.lua "$CEIL_URL" "$BENCH_TOKEN" "$BENCH_TID"
run_wrk page 1 1 page.lua "$WT_URL" "$BENCH_TOKEN" "$BENCH_TID"
note_rss "page"

step "Paging through the whole table (limit=1000, sort=Name)"
read -r PAGED_ROWS PAGED_SECONDS < <(python3 "$BENCH_DIR/bench_api.py" page-all --base "$WT_URL" \
  --token "$BENCH_TOKEN" --tid "$BENCH_TID" --limit 1000 --sort Name) || die "paging through the table failed"
RSS_PAGED_KB=$(rss_kb "$WT_PID")
HWM_KB=$(hwm_kb "$WT_PID")
note_rss "all pages"
say "read $PAGED_ROWS records in $PAGED_SECONDS s; RSS $(mb "$RSS_PAGED_KB") MB (peak $(mb "$HWM_KB") MB)"
kill -0 "$WT_PID" 2>/dev/null || die "worktable exited during the runs"

# ---------------------------------------------------------------- verdicts
verdict() { # condition...: PASS or FAIL
  if "$@"; then echo PASS; else echo FAIL; fi
}
with_errors() { # run verdict: a run with errors fails whatever its figure
  local run=$1 v=$2
  if ((R[$run.errors] > 0)); then
    echo "FAIL (${R[$run.status_errors]} non-2xx, $((R[$run.errors] - R[$run.status_errors])) socket errors)"
  else
    echo "$v"
  fi
}
errs_note() { # run: a note when the run had errors, for figures without a target
  if ((R[$1.errors] > 0)); then echo "${R[$1.errors]} errors"; else echo "—"; fi
}

PATCH_RATIO=$(awk -v a="${R[patch.rps]}" -v b="${R[ceiling-patch.rps]}" 'BEGIN {print a / b}')
GET_RATIO=$(awk -v a="${R[get.rps]}" -v b="${R[ceiling-get.rps]}" 'BEGIN {print a / b}')
V_PATCH=$(verdict ge "$PATCH_RATIO" 0.25)
V_PATCH=$(with_errors patch "$V_PATCH")
V_GET=$(verdict ge "$GET_RATIO" 0.40)
V_GET=$(with_errors get "$V_GET")
V_P50=$(verdict le "$(ms "${R[page.p50_us]}")" 5)
V_P50=$(with_errors page "$V_P50")
V_P99=$(verdict le "$(ms "${R[page.p99_us]}")" 20)
V_RSS_IDLE=$(verdict le "$(mb "$RSS_IDLE_KB")" 30)
V_RSS_PAGED=$(verdict le "$(mb "$RSS_PAGED_KB")" 100)
MISSED=0
for v in "$V_PATCH" "$V_GET" "$V_P50" "$V_P99" "$V_RSS_IDLE" "$V_RSS_PAGED"; do
  [[ $v == PASS ]] || MISSED=$((MISSED + 1))
done

COMMIT=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
if [[ -n $(git -C "$ROOT" status --porcelain -- server tables accounts validators 2>/dev/null || true) ]]; then
  COMMIT="$COMMIT + uncommitted changes"
fi
CPU=$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo 2>/dev/null || echo unknown)
ROWS_FMT=$(group "$ROWS")
TRAIL=""
for t in "${RSS_TRAIL[@]}"; do TRAIL+="${TRAIL:+; }$t"; done

{
  echo "## Benchmark"
  echo
  echo "\`bash bench/run.sh\` on $(date -u '+%Y-%m-%d %H:%M UTC'), commit $COMMIT; $(nproc) cores ($CPU),"
  echo "server, ceiling and wrk ($WRK_VERSION) on the same machine over loopback, $DURATION per wrk run"
  echo "(load average $LOAD_AVG before the runs)."
  echo "Ceiling: \`bench_ceiling\`, a Poco HTTPServer answering \`{\"ok\":true}\` to anything, measured"
  echo "with the same wrk script and connections. Table of $ROWS_FMT rows (Name, Email, Score, Done, Stage)."
  echo
  echo "| Measure | Worktable | Ceiling | Ratio | Target | Result |"
  echo "|---|---:|---:|---:|---|---|"
  echo "| Single-record inserts, 1 keep-alive connection (req/s) | $(group "$(num "${R[insert.rps]}")") | $(group "$(num "${R[ceiling-insert.rps]}")") | $(pct "${R[insert.rps]}" "${R[ceiling-insert.rps]}") | — | $(errs_note insert) |"
  echo "| PATCH one record, 32 connections, median of $PATCH_PAIRS alternated pairs (req/s) | $(group "$(num "${R[patch.rps]}")") | $(group "$(num "${R[ceiling-patch.rps]}")") | $(pct "${R[patch.rps]}" "${R[ceiling-patch.rps]}") | ≥ 25% of ceiling | $V_PATCH |"
  echo "| PATCH, every pair (worktable / ceiling) | $PATCH_PAIRS_TEXT | | | — | — |"
  echo "| GET one record, 32 connections (req/s) | $(group "$(num "${R[get.rps]}")") | $(group "$(num "${R[ceiling-get.rps]}")") | $(pct "${R[get.rps]}" "${R[ceiling-get.rps]}") | ≥ 40% of ceiling | $V_GET |"
  echo "| Page \`$PAGE_QUERY\`, p50 (ms) | $(ms "${R[page.p50_us]}") | $(ms "${R[ceiling-page.p50_us]}") | | ≤ 5 ms | $V_P50 |"
  echo "| Same page, p99 (ms) | $(ms "${R[page.p99_us]}") | $(ms "${R[ceiling-page.p99_us]}") | | ≤ 20 ms | $V_P99 |"
  echo "| First page sorted by Name, the sort that indexes it ($ROWS_FMT rows) (ms) | $FIRST_SORT_MS | | | — | — |"
  echo "| Server RSS idle, right after start (MB) | $(mb "$RSS_IDLE_KB") | | | ≤ 30 MB | $V_RSS_IDLE |"
  echo "| Server RSS after paging through the table (MB) | $(mb "$RSS_PAGED_KB") | | | ≤ 100 MB | $V_RSS_PAGED |"
  echo "| Load $ROWS_FMT rows ($LOAD_MODE, $(group "$CHUNK") a request) (rows/s) | $(group "$LOAD_ROWS_PER_S") | | | — | — |"
  echo
  echo "Paging: wrk -t1 -c1 on the same page ($(num "${R[page.rps]}") req/s), then every page by 1,000"
  echo "sorted by Name ($PAGED_SECONDS s). RSS is VmRSS from /proc (MB = 1,024 kB); peak (VmHWM) $(mb "$HWM_KB") MB;"
  echo "RSS after each step, MB (VmRSS = RssAnon + RssFile + RssShmem; RssFile is mostly the"
  echo "memory-mapped database): $TRAIL."
  echo "Targets missed: $MISSED."
} >"$WORK/results.md"

cp "$WORK/results.md" "$RESULTS_MD"
step "Summary (also in bench/results.md), total $(($(date +%s) - STARTED)) s"
echo
cat "$RESULTS_MD"

# The import and export figures (issue 5) have a script of their own; run it here too so
# that one command gives every figure. BENCH_IMPORT=0 skips it.
if [[ ${BENCH_IMPORT:-1} == 1 ]]; then
  stop_pid "$WT_PID"
  stop_pid "$CEIL_PID"
  WT_PID="" CEIL_PID=""
  BENCH_BUILD_DIR=$BUILD_DIR bash "$BENCH_DIR/import.sh"
fi
# The grid in Chromium (issue 6). BENCH_WEB=0 skips it.
if [[ ${BENCH_WEB:-1} == 1 ]]; then
  BENCH_BUILD_DIR=$BUILD_DIR bash "$BENCH_DIR/web.sh"
fi

if [[ ${BENCH_STRICT:-0} == 1 && $MISSED -gt 0 ]]; then
  exit 1
fi
