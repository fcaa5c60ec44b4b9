#!/usr/bin/env bash
# Runs a command with a throwaway PostgreSQL cluster on loopback (removed afterwards), and
# WORKTABLE_TEST_PG_URL set to its administrator's URL. As root (the cluster runs as the
# postgres user); installs Debian's postgresql when it is missing.
# Usage: bash scripts/with_postgresql.sh COMMAND [ARGS...]
set -euo pipefail

as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi
}

if ! ls /usr/lib/postgresql/*/bin/initdb > /dev/null 2>&1; then
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo_cmd apt-get install -y -q -o DPkg::Lock::Timeout=600 postgresql \
    || { $sudo_cmd apt-get update -q -o DPkg::Lock::Timeout=600 \
         && $sudo_cmd apt-get install -y -q -o DPkg::Lock::Timeout=600 postgresql; }
fi
pg_bin=$(dirname "$(ls /usr/lib/postgresql/*/bin/initdb | sort -V | tail -1)")

# A port nobody listens on now (pg_ctl fails if someone takes it meanwhile).
port=$((20000 + RANDOM % 30000))
while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((20000 + RANDOM % 30000)); done
dir=$(mktemp -d /tmp/worktable-pg-XXXXXX)
chown postgres "$dir" 2>/dev/null || sudo chown postgres "$dir"
stop_cluster() {
  as_postgres "$pg_bin/pg_ctl" -D "$dir/data" -m immediate stop > /dev/null 2>&1 || true
  rm -rf "$dir" 2>/dev/null || sudo rm -rf "$dir"
}
trap stop_cluster EXIT

as_postgres "$pg_bin/initdb" -D "$dir/data" -A trust -U postgres --no-sync -E UTF8 --locale C.UTF-8 \
  > "$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log"; exit 1; }
# Durability off: the cluster lives for one test run. Enough connections for every test
# server of a parallel ctest run (each pools up to 16).
as_postgres "$pg_bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
  -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off \
      -c full_page_writes=off -c max_connections=300" start > /dev/null \
  || { cat "$dir/server.log"; exit 1; }

export WORKTABLE_TEST_PG_URL="postgresql://postgres@127.0.0.1:$port/postgres"
echo "PostgreSQL for the tests: $WORKTABLE_TEST_PG_URL"
"$@"
