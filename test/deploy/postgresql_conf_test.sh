#!/bin/sh
# deploy/postgres/postgresql.conf: PostgreSQL parses it (an unknown parameter, a bad unit
# or a syntax error fails) and reads the production values from it, in its base units. No
# server starts: `postgres -C NAME` loads the configuration, prints one value and exits.
# It needs a data directory, which may be empty. Custom parameters of an extension that
# is not loaded (pg_stat_statements.*) are taken as written, unchecked.
#   postgresql_conf_test.sh POSTGRES_BINARY CONF
set -u
postgres=${1:?postgres binary}
conf=${2:?postgresql.conf}
data=$(mktemp -d) || exit 1
trap 'rm -rf "$data"' EXIT
chmod 700 "$data"
# The whole file first: one report of what PostgreSQL refuses.
if ! "$postgres" -C data_directory -c config_file="$conf" -D "$data" >/dev/null 2>"$data.err"; then
  echo "FAIL: PostgreSQL refuses $conf:"; grep -v 'skipping missing' "$data.err"
  rm -f "$data.err"
  exit 1
fi
failures=0
check() { # NAME EXPECTED (as postgres -C prints it)
  got=$("$postgres" -C "$1" -c config_file="$conf" -D "$data" 2>"$data.err")
  rc=$?
  if [ $rc -ne 0 ]; then
    echo "FAIL: postgres -C $1 exited $rc:"; grep -v 'skipping missing' "$data.err"
    failures=$((failures + 1))
  elif [ "$got" != "$2" ]; then
    echo "FAIL: $1 is $got, expected $2"
    failures=$((failures + 1))
  else
    echo "ok: $1 = $got"
  fi
  rm -f "$data.err"
}
check shared_buffers 1048576            # 8 GB in 8 kB pages
check work_mem 262144                   # 256 MB in kB
check maintenance_work_mem 2097152      # 2 GB in kB
check effective_cache_size 3145728      # 24 GB in 8 kB pages
check max_connections 200
check superuser_reserved_connections 3
check wal_buffers 8192                  # 64 MB in 8 kB pages
check checkpoint_timeout 900
check checkpoint_completion_target 0.9
check wal_keep_size 2048                # MB
check random_page_cost 1.1
check effective_io_concurrency 200
check bgwriter_delay 200
check bgwriter_lru_maxpages 100
check bgwriter_lru_multiplier 2
check autovacuum on
check autovacuum_max_workers 3
check autovacuum_naptime 20
check autovacuum_vacuum_threshold 50
check autovacuum_analyze_threshold 50
check shared_preload_libraries pg_stat_statements
check track_activity_query_size 2048
check pg_stat_statements.max 10000
check pg_stat_statements.track all
check wal_level logical
check timezone UTC
if [ $failures -ne 0 ]; then
  echo "$failures check(s) of $conf failed"
  exit 1
fi
echo "postgresql_conf_test: $conf parsed, every checked value as expected"
